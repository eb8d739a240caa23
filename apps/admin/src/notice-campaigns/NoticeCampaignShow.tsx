import { DateField, NumberField, Show, SimpleShowLayout, TextField } from 'react-admin';
import { CampaignProgress } from './CampaignProgress';

export const NoticeCampaignShow = () => (
  <Show queryOptions={{ refetchInterval: 3000 }}>
    <SimpleShowLayout>
      <TextField source="noticeTitle" />
      <TextField source="subject" />
      <TextField source="state" />
      <CampaignProgress />
      <NumberField source="total" />
      <NumberField source="enqueued" />
      <NumberField source="batches" />
      <NumberField source="sent" />
      <NumberField source="failed" />
      <NumberField source="pending" />
      <DateField source="createdAt" showTime />
      <DateField source="enqueuedAt" showTime emptyText="—" />
    </SimpleShowLayout>
  </Show>
);
