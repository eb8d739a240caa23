import { useState } from 'react';
import { DataTable, DateField, DateTimeInput, FilterButton, List, SelectInput, TextInput, TopToolbar, type RaRecord } from 'react-admin';
import { AUDIT_ACTOR_TYPE_CHOICES, ChainVerdict, localTimeToIso } from './auditLogChoices';
import { ChainVerdictAlert, VerifyChainButton } from './VerifyChainButton';

const auditLogFilters = [
  <TextInput key="action" source="action" alwaysOn />,
  <SelectInput key="actorType" source="actorType" choices={AUDIT_ACTOR_TYPE_CHOICES} />,
  <TextInput key="actorId" source="actorId" />,
  <TextInput key="subjectType" source="subjectType" />,
  <TextInput key="subjectId" source="subjectId" />,
  <DateTimeInput key="from" source="from" parse={localTimeToIso} />,
  <DateTimeInput key="to" source="to" parse={localTimeToIso} />,
];

const actorOf = (entry: RaRecord): string => [entry.actorType, entry.actorRole, entry.actorId].filter((part) => typeof part === 'string' && part).join(' · ');
const subjectOf = (entry: RaRecord): string => [entry.subjectType, entry.subjectId].filter((part) => typeof part === 'string' && part).join(' · ');

export const AuditLogList = () => {
  const [verdict, setVerdict] = useState<ChainVerdict>();
  return (
    <>
      {verdict && <ChainVerdictAlert verdict={verdict} onClose={() => setVerdict(undefined)} />}
      <List
        filters={auditLogFilters}
        sort={{ field: 'sequence', order: 'DESC' }}
        exporter={false}
        actions={
          <TopToolbar>
            <FilterButton />
            <VerifyChainButton onVerdict={setVerdict} />
          </TopToolbar>
        }
      >
        <DataTable rowClick="show" bulkActionButtons={false}>
          <DataTable.NumberCol source="sequence" options={{ useGrouping: false }} />
          <DataTable.Col source="occurredAt">
            <DateField source="occurredAt" showTime />
          </DataTable.Col>
          <DataTable.Col source="actorId" label="resources.audit-log.fields.actor" disableSort render={actorOf} />
          <DataTable.Col source="action" disableSort />
          <DataTable.Col source="subjectId" label="resources.audit-log.fields.subject" disableSort render={subjectOf} />
          <DataTable.Col source="requestId" disableSort />
        </DataTable>
      </List>
    </>
  );
};
