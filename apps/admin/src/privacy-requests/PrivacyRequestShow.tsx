import { Box, List as MuiList, ListItem, ListItemText, Stack, Typography } from '@mui/material';
import { DateField, ReferenceField, Show, SimpleShowLayout, TextField, TopToolbar, useRecordContext } from 'react-admin';
import { DeadlineFlags } from './DeadlineFlags';
import { DENIAL_REASON_CHOICES } from './privacyRequestChoices';
import { RequestActionButton } from './RequestActionButton';

const Actions = () => (
  <TopToolbar>
    <RequestActionButton verb="assign" label="Assign to me" action="assign" when="review" done="Assigned to you; the request is in review." />
    <RequestActionButton verb="approve" label="Approve" action="approve" when="approve" color="success" done="Approved; fulfilment has started." />
    <RequestActionButton
      verb="deny"
      label="Deny"
      action="deny"
      when="deny"
      color="error"
      done="Denied; the requester is told, with their right to complain."
      fields={[
        { name: 'reasonCode', label: 'Reason', choices: DENIAL_REASON_CHOICES },
        { name: 'text', label: 'Explanation for the requester', multiline: true },
      ]}
    />
    <RequestActionButton verb="extend" label="Extend" action="extend" when="extend" color="warning" done="Extended; the requester is told." fields={[{ name: 'reason', label: 'Reason (sent to the requester)', multiline: true }]} />
    <RequestActionButton verb="hold" label="Hold" action="update" when="hold" color="warning" done="On hold; the clock is stopped." fields={[{ name: 'reason', label: 'Reason (sent to the requester)', multiline: true }]} />
    <RequestActionButton verb="resume" label="Resume" action="update" when="resume" done="Resumed; the clock runs again." />
    <RequestActionButton verb="fulfil" label="Retry fulfilment" action="fulfil" when="retry" done="Fulfilment restarted." />
    <RequestActionButton verb="lift-restriction" label="Lift restriction" action="update" when="lift_restriction" done="Restriction lifted; the user was notified." fields={[{ name: 'reason', label: 'Reason', multiline: true }]} />
    <RequestActionButton verb="message" label="Message requester" action="update" when="message" done="Message sent." fields={[{ name: 'body', label: 'Message', multiline: true }]} />
  </TopToolbar>
);

interface TimelineEntry {
  id: string;
  at: string;
  kind: string;
  fromStatus: string | null;
  toStatus: string | null;
  actorType: string;
  body: string | null;
  visibleToRequester: boolean;
}

function describe(e: TimelineEntry): string {
  if (e.kind === 'transition') return `${e.fromStatus ?? '—'} → ${e.toStatus ?? ''}`;
  return e.kind.replace(/_/g, ' ');
}

const Timeline = () => {
  const record = useRecordContext();
  const entries = (record?.timeline ?? []) as TimelineEntry[];
  return (
    <Box sx={{ mt: 2 }}>
      <Typography variant="h6" component="h3">
        Timeline
      </Typography>
      <MuiList dense aria-label="Timeline">
        {entries.map((e) => (
          <ListItem key={e.id} divider>
            <ListItemText primary={`${new Date(e.at).toLocaleString()} · ${describe(e)} · ${e.actorType}${e.visibleToRequester ? '' : ' · internal'}`} secondary={e.body ?? undefined} />
          </ListItem>
        ))}
      </MuiList>
    </Box>
  );
};

interface RecipientNotice {
  subprocessorId: string;
  name: string;
  categories: string[];
  method: 'email' | 'manual';
}

/** GDPR Art. 19: the recipients told of a rectification, erasure or restriction, and how (a manual one is the officer's task). */
const Recipients = () => {
  const record = useRecordContext();
  const recipients = ((record?.fulfilment as { recipients?: RecipientNotice[] } | undefined)?.recipients ?? []) as RecipientNotice[];
  if (recipients.length === 0) return null;
  return (
    <Box sx={{ mt: 2 }}>
      <Typography variant="h6" component="h3">
        Recipients told (Art. 19)
      </Typography>
      <MuiList dense aria-label="Recipients told">
        {recipients.map((r) => (
          <ListItem key={r.subprocessorId} divider>
            <ListItemText primary={r.name} secondary={`${r.categories.join(', ')} · ${r.method === 'email' ? 'by email to its privacy contact' : 'via DPA channel: manual (to do by an officer)'}`} />
          </ListItem>
        ))}
      </MuiList>
    </Box>
  );
};

const Detail = () => {
  const record = useRecordContext();
  if (!record) return null;
  return (
    <Box sx={{ p: 2 }}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Typography variant="h5" component="h2">
          {`${String(record.type).replace(/_/g, ' ')} request`}
        </Typography>
        <Typography aria-label="Request status" sx={{ fontWeight: 600 }}>
          {String(record.status).replace(/_/g, ' ')}
        </Typography>
        <DeadlineFlags />
      </Stack>
      <SimpleShowLayout sx={{ px: 0 }}>
        <TextField source="requesterType" />
        <TextField source="email" emptyText="—" />
        <TextField source="subjectEmail" emptyText="—" />
        <TextField source="regimes" />
        <DateField source="receivedAt" showTime />
        <DateField source="dueAt" label="Due" />
        <TextField source="governedBy" label="Deadline set by" />
        <TextField source="details" emptyText="—" />
        <ReferenceField source="ticketId" reference="tickets" link="show" label="Converted from support ticket" emptyText="—">
          <TextField source="number" />
        </ReferenceField>
        <TextField source="denialReason" emptyText="—" />
        <TextField source="extensionReason" emptyText="—" />
        <TextField source="id" label="Reference" />
      </SimpleShowLayout>
      <Recipients />
      <Timeline />
    </Box>
  );
};

/** One request: its deadlines, the workflow actions its status allows, and every step so far. */
export const PrivacyRequestShow = () => (
  <Show actions={<Actions />}>
    <Detail />
  </Show>
);
