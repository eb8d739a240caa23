import { Alert, Button, Card, CardContent, CardHeader, LinearProgress, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useCanAccess, useTranslate } from 'react-admin';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { callApi } from '../providers/consoleApi';
import { httpClient } from '../providers/httpClient';
import { TICKET_CATEGORY_CHOICES, choiceName } from '../tickets/ticketChoices';

interface ReportRow {
  dimension: 'total' | 'category' | 'agent';
  key: string;
  volume: number;
  breached: number;
  firstResponseMedianSeconds: number | null;
  firstResponseP90Seconds: number | null;
  resolutionMedianSeconds: number | null;
  resolutionP90Seconds: number | null;
}

const hours = (s: number | null) => (s === null ? '—' : `${(s / 3600).toFixed(1)} h`);

/** Downloads the CSV with the console's bearer token (a plain link would carry no credentials). */
async function downloadCsv(): Promise<void> {
  const res = await httpClient('/admin/tickets/report.csv', { headers: new Headers({ Accept: 'text/csv' }) });
  const url = URL.createObjectURL(new Blob([res.body], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'support-report.csv';
  a.click();
  URL.revokeObjectURL(url);
}

/** Ticket volume and SLA breaches by category over the last 30 days, for roles that read reports. */
export const TicketsReportCard = () => {
  const translate = useTranslate();
  const { canAccess } = useCanAccess({ action: 'read', resource: 'reports' });
  const report = useQuery({
    queryKey: ['tickets-report'],
    enabled: canAccess === true,
    queryFn: async () => {
      const r = await callApi<{ rows: ReportRow[] }>('GET', '/admin/tickets/report');
      if (!r.ok) throw new Error(r.message);
      return r.body.rows;
    },
  });
  if (!canAccess) return null;
  const total = report.data?.find((r) => r.dimension === 'total');
  const data = (report.data ?? [])
    .filter((r) => r.dimension === 'category')
    .map((r) => ({ name: choiceName(TICKET_CATEGORY_CHOICES, r.key), [translate('soar2.tickets.report_volume')]: r.volume, [translate('soar2.tickets.report_breached')]: r.breached }));
  return (
    <Card data-testid="tickets-report">
      <CardHeader title={translate('soar2.tickets.report')} action={<Button onClick={() => void downloadCsv()}>{translate('soar2.tickets.report_csv')}</Button>} />
      {report.isPending ? <LinearProgress /> : null}
      <CardContent>
        {report.isError ? <Alert severity="error">{report.error.message}</Alert> : null}
        {total ? (
          <>
            <Typography variant="body2">
              {translate('soar2.tickets.report_volume')}: {total.volume} · {translate('soar2.tickets.report_breached')}: {total.breached}
            </Typography>
            <Typography variant="body2">
              {translate('soar2.tickets.report_fr')}: {hours(total.firstResponseMedianSeconds)} / {hours(total.firstResponseP90Seconds)}
            </Typography>
            <Typography variant="body2" sx={{ mb: 2 }}>
              {translate('soar2.tickets.report_res')}: {hours(total.resolutionMedianSeconds)} / {hours(total.resolutionP90Seconds)}
            </Typography>
            {total.volume === 0 ? (
              <Typography variant="body2" color="text.secondary">
                {translate('soar2.tickets.report_none')}
              </Typography>
            ) : (
              <ResponsiveContainer width="100%" height={240}>
                <BarChart data={data}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="name" tick={{ fontSize: 11 }} />
                  <YAxis allowDecimals={false} />
                  <Tooltip />
                  <Legend />
                  <Bar dataKey={translate('soar2.tickets.report_volume')} fill="#1976d2" />
                  <Bar dataKey={translate('soar2.tickets.report_breached')} fill="#d32f2f" />
                </BarChart>
              </ResponsiveContainer>
            )}
          </>
        ) : null}
      </CardContent>
    </Card>
  );
};
