import { Card, CardContent, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useCanAccess, useTranslate } from 'react-admin';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { callApi } from '../providers/consoleApi';
import { GENERATION_ERROR_CLASS_CHOICES } from './generationChoices';

type Day = { day: string; total: number; completed: number; failed: number; successRate: number | null } & Record<string, number | string | null>;

const COLORS = ['#d32f2f', '#f57c00', '#7b1fa2', '#1976d2', '#455a64', '#00796b', '#5d4037'];

/** Dashboard: success rate and failure classes per day over the last 30 days. */
export const GenerationReportCard = () => {
  const translate = useTranslate();
  const { canAccess } = useCanAccess({ action: 'list', resource: 'generations' });
  const { data } = useQuery({
    queryKey: ['generations', 'report'],
    enabled: canAccess === true,
    queryFn: async () => {
      const r = await callApi<Day[]>('GET', '/admin/reports/generations?days=30');
      return r.ok ? r.body.map((d) => ({ ...d, successPercent: d.successRate === null ? null : Math.round(d.successRate * 100) })) : [];
    },
  });
  if (!canAccess) return null;
  return (
    <Card sx={{ gridColumn: { md: '1 / span 2' } }} data-testid="generation-report">
      <CardContent>
        <Typography variant="h6" gutterBottom>
          {translate('resources.generations.report.title')}
        </Typography>
        {!data || data.length === 0 ? (
          <Typography variant="body2">{translate('resources.generations.report.empty')}</Typography>
        ) : (
          <ResponsiveContainer width="100%" height={260}>
            <ComposedChart data={data}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="day" />
              <YAxis yAxisId="jobs" allowDecimals={false} />
              <YAxis yAxisId="rate" orientation="right" domain={[0, 100]} unit="%" />
              <Tooltip />
              <Legend />
              {GENERATION_ERROR_CLASS_CHOICES.map((c, i) => (
                <Bar key={c.id} yAxisId="jobs" dataKey={c.id} stackId="failures" fill={COLORS[i % COLORS.length]} />
              ))}
              <Line yAxisId="rate" type="monotone" dataKey="successPercent" name={translate('resources.generations.report.success')} stroke="#2e7d32" strokeWidth={2} />
            </ComposedChart>
          </ResponsiveContainer>
        )}
      </CardContent>
    </Card>
  );
};

