import { DataTable, DateField, NumberField, ReferenceField } from 'react-admin';

/** Ledger columns; `balanceAfter` is the user's running balance right after the entry. */
export const creditEntryColumns = (withUser: boolean) => [
  <DataTable.Col key="createdAt" source="createdAt" label="Time">
    <DateField source="createdAt" showTime />
  </DataTable.Col>,
  ...(withUser
    ? [
        <DataTable.Col key="userId" source="userId" label="User">
          <ReferenceField source="userId" reference="users" link="show" emptyText="(erased)" />
        </DataTable.Col>,
      ]
    : []),
  <DataTable.Col key="kind" source="kind" label="Kind" />,
  <DataTable.NumberCol key="amount" source="amount" label="Amount" field={NumberField} />,
  <DataTable.NumberCol key="heldDelta" source="heldDelta" label="Held change" field={NumberField} />,
  <DataTable.NumberCol key="balanceAfter" source="balanceAfter" label="Balance after" field={NumberField} />,
  <DataTable.Col key="reason" source="reason" label="Reason" />,
  <DataTable.Col key="referenceType" source="referenceType" label="Reference" render={(r: { referenceType?: string | null; referenceId?: string | null }) => (r.referenceType ? `${r.referenceType} ${r.referenceId ?? ''}` : '—')} />,
  <DataTable.Col key="actorType" source="actorType" label="By" render={(r: { actorType?: string; actorRole?: string | null }) => `${r.actorType ?? ''}${r.actorRole ? ` (${r.actorRole})` : ''}`} />,
];
