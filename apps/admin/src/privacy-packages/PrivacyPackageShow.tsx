import { DateField, Labeled, NumberField, Show, SimpleShowLayout, TextField, useRecordContext } from 'react-admin';
import { PackageProgress } from './PackageProgress';

const ProgressField = () => {
  const record = useRecordContext<{ id: string }>();
  return record ? <PackageProgress packageId={record.id} /> : null;
};

export const PrivacyPackageShow = () => (
  <Show>
    <SimpleShowLayout>
      <Labeled label="soar2.privacyPackages.progress">
        <ProgressField />
      </Labeled>
      <TextField source="format" />
      <TextField source="userId" />
      <TextField source="requestId" emptyText="—" />
      <NumberField source="size" emptyText="—" />
      <TextField source="sha256" emptyText="—" />
      <DateField source="createdAt" showTime />
      <DateField source="readyAt" showTime emptyText="—" />
      <DateField source="expiresAt" showTime emptyText="—" />
      <TextField source="id" />
    </SimpleShowLayout>
  </Show>
);
