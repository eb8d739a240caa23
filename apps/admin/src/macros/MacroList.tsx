import { CreateButton, DataTable, DateField, List, SearchInput, TopToolbar } from 'react-admin';

const ListActions = () => (
  <TopToolbar>
    <CreateButton />
  </TopToolbar>
);

export const MacroList = () => (
  <List filters={[<SearchInput key="q" source="q" alwaysOn />]} sort={{ field: 'title', order: 'ASC' }} actions={<ListActions />}>
    <DataTable rowClick="edit" bulkActionButtons={false}>
      <DataTable.Col source="title" />
      <DataTable.Col source="category" />
      <DataTable.Col source="updatedAt" field={DateField} />
    </DataTable>
  </List>
);
