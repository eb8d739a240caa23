import { BooleanField, DateField, EditButton, Show, SimpleShowLayout, TextField, TopToolbar, useRecordContext } from 'react-admin';
import { PublishButton } from './PublishButton';
import { VersionDiff } from './VersionDiff';

const Actions = () => {
  const record = useRecordContext();
  return (
    <TopToolbar>
      {record?.status === 'draft' && <EditButton />}
      <PublishButton />
    </TopToolbar>
  );
};

export const PolicyVersionShow = () => (
  <Show actions={<Actions />}>
    <SimpleShowLayout>
      <TextField source="version" />
      <TextField source="title" />
      <TextField source="status" />
      <BooleanField source="significant" />
      <DateField source="effectiveAt" showTime emptyText="—" />
      <TextField source="lastUpdated" emptyText="—" />
      <DateField source="publishedAt" showTime emptyText="—" />
      <TextField source="summaryOfChanges" emptyText="—" />
      <TextField source="body" component="pre" sx={{ whiteSpace: 'pre-wrap' }} />
    </SimpleShowLayout>
    <VersionDiff />
  </Show>
);
