import { useQuery } from '@tanstack/react-query';
import { fetchReadiness } from '../providers/healthProvider';

/** The dashboard's one fetch; react-admin's refresh button re-runs it like any other query. */
export const useReadiness = () =>
  useQuery({
    queryKey: ['soar2', 'health', 'ready'],
    queryFn: ({ signal }) => fetchReadiness(signal),
  });
