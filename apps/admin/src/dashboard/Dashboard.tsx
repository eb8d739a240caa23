import { Box } from '@mui/material';
import { Title, useTranslate } from 'react-admin';
import { GenerationReportCard } from '../generations';
import { ReadinessCard } from './ReadinessCard';
import { TicketsReportCard } from './TicketsReportCard';
import { WelcomeCard } from './WelcomeCard';
import { useReadiness } from './useReadiness';

export const Dashboard = () => {
  const translate = useTranslate();
  const readiness = useReadiness();
  return (
    <Box sx={{ display: 'grid', gap: 2, mt: 2, gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' }, alignItems: 'start' }}>
      <Title title={translate('soar2.title')} />
      <WelcomeCard />
      <ReadinessCard readiness={readiness.data} isPending={readiness.isPending} failed={readiness.isError} />
      <TicketsReportCard />
      <GenerationReportCard />
    </Box>
  );
};
