import { DataTable, FilterButton, List, SelectInput, TextInput, TopToolbar } from 'react-admin';
import { AdjustmentLimitButton } from './AdjustmentLimitButton';
import { CREDIT_ENTRY_KIND_CHOICES } from './creditEntryChoices';
import { creditEntryColumns } from './CreditEntryColumns';

const filters = [<TextInput key="userId" source="userId" label="User id" alwaysOn />, <SelectInput key="kind" source="kind" label="Kind" choices={CREDIT_ENTRY_KIND_CHOICES} alwaysOn />];

const ListActions = () => (
  <TopToolbar>
    <FilterButton />
    <AdjustmentLimitButton />
  </TopToolbar>
);

/** The credit ledger, newest first; filter by user to read one user's history with running balance. */
export const CreditEntryList = () => (
  <List filters={filters} actions={<ListActions />} sort={{ field: 'seq', order: 'DESC' }} exporter={false}>
    <DataTable rowClick={false} bulkActionButtons={false}>
      {creditEntryColumns(true)}
    </DataTable>
  </List>
);
