import { Alert, Card, CardContent, CardHeader, Chip, LinearProgress, List, ListItem, ListItemText, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import type { Readiness } from '../providers/healthProvider';

interface ReadinessCardProps {
  readiness: Readiness | undefined;
  isPending: boolean;
  failed: boolean;
}

/** One line per registered check (database, jobs, storage, …), each with an up/down chip. */
export const ReadinessCard = ({ readiness, isPending, failed }: ReadinessCardProps) => {
  const translate = useTranslate();
  const ready = readiness?.status === 'ok';
  return (
    <Card>
      <CardHeader
        title={translate('soar2.dashboard.readiness')}
        action={
          readiness ? (
            <Chip
              label={translate(ready ? 'soar2.dashboard.ready' : 'soar2.dashboard.unavailable')}
              color={ready ? 'success' : 'error'}
              aria-label={`Overall readiness: ${readiness.status}`}
            />
          ) : null
        }
      />
      {isPending ? <LinearProgress aria-label={translate('soar2.dashboard.loading')} /> : null}
      <CardContent>
        {failed ? <Alert severity="error">{translate('soar2.dashboard.unreachable')}</Alert> : null}
        {readiness ? (
          <>
            <List dense disablePadding>
              {Object.entries(readiness.checks).map(([name, check]) => (
                <ListItem
                  key={name}
                  disableGutters
                  data-check={name}
                  secondaryAction={
                    <Chip size="small" label={translate(`soar2.checks.${check.status}`, { _: check.status })} color={check.status === 'up' ? 'success' : 'error'} />
                  }
                >
                  <ListItemText
                    primary={name}
                    secondary={[check.latencyMs === undefined ? undefined : translate('soar2.dashboard.latency', { ms: check.latencyMs }), check.detail]
                      .filter(Boolean)
                      .join(' · ')}
                  />
                </ListItem>
              ))}
            </List>
            <Typography variant="caption" color="text.secondary">
              {translate('soar2.dashboard.processes', { roles: readiness.roles.join(', ') })}
            </Typography>
          </>
        ) : null}
      </CardContent>
    </Card>
  );
};
