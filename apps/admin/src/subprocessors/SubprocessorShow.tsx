import { ChipField, DateField, DeleteButton, EditButton, Show, SimpleShowLayout, SingleFieldList, TextField, TopToolbar, ArrayField } from 'react-admin';

const Actions = () => (
  <TopToolbar>
    <EditButton />
    <DeleteButton mutationMode="pessimistic" />
  </TopToolbar>
);

export const SubprocessorShow = () => (
  <Show actions={<Actions />}>
    <SimpleShowLayout>
      <TextField source="name" />
      <TextField source="purpose" />
      <TextField source="location" />
      <TextField source="agreementDate" emptyText="—" />
      <TextField source="privacyContactEmail" label="Privacy contact email" emptyText="— (DPA channel, manual)" />
      <ArrayField source="dataCategories">
        <SingleFieldList linkType={false}>
          <ChipField source="" />
        </SingleFieldList>
      </ArrayField>
      <DateField source="updatedAt" showTime />
    </SimpleShowLayout>
  </Show>
);
