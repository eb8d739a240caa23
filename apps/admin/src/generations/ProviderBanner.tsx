import { Alert } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { callApi } from '../providers/consoleApi';

interface ProviderInfo {
  name: string;
  simulator: boolean;
  label: string;
}

/** Says which video provider this server uses; the local simulator is labelled loudly. */
export const ProviderBanner = () => {
  const { data } = useQuery({
    queryKey: ['generations', 'provider'],
    queryFn: async () => {
      const r = await callApi<ProviderInfo>('GET', '/admin/generations/provider');
      return r.ok ? r.body : undefined;
    },
    staleTime: 60_000,
  });
  if (!data) return null;
  return (
    <Alert severity={data.simulator ? 'warning' : 'info'} sx={{ mb: 1 }} data-testid="provider-banner">
      Video provider: {data.simulator ? 'LOCAL SIMULATOR' : data.name} — {data.label}
    </Alert>
  );
};
