import { DataTable, DateField, List } from 'react-admin';
import { CampaignProgress } from './CampaignProgress';

/** Emails announcing notices, with live progress (refreshed every few seconds). */
export const NoticeCampaignList = () => (
  <List sort={{ field: 'createdAt', order: 'DESC' }} queryOptions={{ refetchInterval: 3000 }}>
    <DataTable rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="createdAt" field={DateField} />
      <DataTable.Col source="noticeTitle" />
      <DataTable.Col source="state" />
      <DataTable.Col source="progress">
        <CampaignProgress />
      </DataTable.Col>
      <DataTable.NumberCol source="total" />
      <DataTable.NumberCol source="enqueued" />
      <DataTable.NumberCol source="sent" />
      <DataTable.NumberCol source="failed" />
    </DataTable>
  </List>
);
