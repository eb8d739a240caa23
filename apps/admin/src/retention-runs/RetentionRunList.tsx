import { DataTable, DateField, List, SelectInput } from 'react-admin';
import { RunProgress } from './RunProgress';
import { RunVolumesChart } from './RunVolumesChart';

const STATUS = ['queued', 'running', 'completed', 'failed'].map((id) => ({ id, name: id }));
const filters = [<SelectInput key="status" source="status" choices={STATUS} alwaysOn />];

export const RetentionRunList = () => (
  <>
    <RunVolumesChart />
    <List filters={filters} sort={{ field: 'createdAt', order: 'DESC' }}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="createdAt" field={DateField} />
        <DataTable.Col source="category" />
        <DataTable.Col source="trigger" />
        <DataTable.Col source="status" />
        <DataTable.Col label="Progress" render={() => <RunProgress />} />
        <DataTable.NumberCol source="matched" />
        <DataTable.NumberCol source="deleted" />
        <DataTable.NumberCol source="anonymised" />
        <DataTable.NumberCol source="skippedOnHold" />
        <DataTable.NumberCol source="errors" />
        <DataTable.NumberCol source="durationMs" />
      </DataTable>
    </List>
  </>
);
