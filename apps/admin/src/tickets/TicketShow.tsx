import WarningIcon from '@mui/icons-material/Warning';
import { Alert, Box, Button, Card, CardContent, CardHeader, Chip, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Divider, LinearProgress, List as MuiList, ListItem, ListItemText, MenuItem, Stack, TextField, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link as RaLink, Show, useGetIdentity, useNotify, useRecordContext, useRefresh, useTranslate } from 'react-admin';
import { LegalHoldBanner, type CoveringHold } from '../legal-holds';
import { REQUEST_TYPE_CHOICES } from '../privacy-requests/privacyRequestChoices';
import { callApi } from '../providers/consoleApi';
import { TICKET_CATEGORY_CHOICES, TICKET_PRIORITY_CHOICES, TICKET_STATUS_CHOICES, choiceName } from './ticketChoices';

interface TicketMessage {
  id: string;
  kind: 'user_message' | 'public_reply' | 'internal_note' | 'system';
  authorName: string;
  body: string;
  emailed: boolean;
  createdAt: string;
}

interface Ticket {
  id: string;
  number: number;
  subject: string;
  category: string;
  status: string;
  priority: string;
  requesterEmail: string | null;
  assigneeId: string | null;
  lastMessageId: string | null;
  linkedJobIds: string[];
  privacyRequestId: string | null;
  sla: { firstResponseDueAt: string | null; resolutionDueAt: string | null; breached: boolean; paused: boolean };
  messages: TicketMessage[];
  attachments: Array<{ id: string; fileName: string; contentType: string; sizeBytes: number; sha256: string }>;
  account: { email: string; displayName: string | null; status: string; restricted: boolean; flags: Array<{ key: string; label: string }> } | null;
  credits?: { balance?: number; held?: number; available?: number; unavailable?: string };
  recentJobs?: Array<{ id: string; status: string; createdAt: string; error: { code: string; message: string } | null }> | { unavailable: string };
  legalHolds?: CoveringHold[];
}

interface Macro {
  id: string;
  title: string;
  body: string;
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

/**
 * One message. The body is user-supplied text: it is rendered as a React text node (escaped), never
 * as HTML, so markup or scripts in it show as the characters they are.
 */
const MessageItem = ({ m }: { m: TicketMessage }) => {
  const translate = useTranslate();
  const note = m.kind === 'internal_note';
  return (
    <Box data-testid="ticket-message" data-kind={m.kind} sx={{ p: 1.5, mb: 1, borderRadius: 1, bgcolor: note ? 'rgba(255, 193, 7, 0.15)' : m.kind === 'public_reply' ? 'rgba(25, 118, 210, 0.08)' : 'background.default' }}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 0.5 }}>
        <Typography variant="subtitle2">{m.authorName}</Typography>
        {note ? <Chip size="small" color="warning" label={translate('soar2.tickets.internal')} /> : null}
        {m.emailed ? <Chip size="small" variant="outlined" label={translate('soar2.tickets.emailed')} /> : null}
        <Typography variant="caption" color="text.secondary">
          {when(m.createdAt)}
        </Typography>
      </Stack>
      <Typography variant="body2" data-testid="ticket-message-body" sx={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        {m.body}
      </Typography>
    </Box>
  );
};

/** Reply (emailed) or internal note, with the collision check: the last message id this view showed goes with it. */
const Composer = ({ ticket }: { ticket: Ticket }) => {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [body, setBody] = useState('');
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const macros = useQuery({
    queryKey: ['ticket-macros', ticket.category],
    queryFn: async () => {
      const r = await callApi<Macro[]>('GET', `/admin/ticket-macros?range=[0,99]&filter=${encodeURIComponent(JSON.stringify({ category: ticket.category }))}`);
      return r.ok ? r.body : [];
    },
  });
  if (ticket.status === 'closed' && mode === 'reply') {
    return <Alert severity="info">{choiceName(TICKET_STATUS_CHOICES, 'closed')}</Alert>;
  }
  const send = async () => {
    setBusy(true);
    setError(undefined);
    const payload = mode === 'reply' ? { body, lastSeenMessageId: ticket.lastMessageId, ...(status ? { status } : {}) } : { body, lastSeenMessageId: ticket.lastMessageId };
    const r = await callApi('POST', `/admin/tickets/${ticket.id}/${mode}`, payload);
    setBusy(false);
    if (r.ok) {
      setBody('');
      setStatus('');
      notify(mode === 'reply' ? 'soar2.tickets.sent' : 'soar2.tickets.noted', { type: 'success' });
      refresh();
    } else if (r.code === 'TICKET_COLLISION') {
      setError(translate('soar2.tickets.collision'));
      refresh();
    } else {
      setError(r.fieldErrors?.body ?? r.message);
    }
  };
  return (
    <Card variant="outlined">
      <CardContent>
        <Stack direction="row" spacing={1} sx={{ mb: 1 }}>
          <Button variant={mode === 'reply' ? 'contained' : 'outlined'} size="small" onClick={() => setMode('reply')}>
            {translate('soar2.tickets.reply')}
          </Button>
          <Button variant={mode === 'note' ? 'contained' : 'outlined'} color="warning" size="small" onClick={() => setMode('note')}>
            {translate('soar2.tickets.note')}
          </Button>
          {mode === 'reply' && macros.data && macros.data.length > 0 ? (
            <TextField
              select
              size="small"
              label={translate('soar2.tickets.insert_macro')}
              value=""
              sx={{ minWidth: 220 }}
              onChange={(e) => setBody((b) => (b ? `${b}\n\n` : '') + (macros.data?.find((m) => m.id === e.target.value)?.body ?? ''))}
            >
              {macros.data.map((m) => (
                <MenuItem key={m.id} value={m.id}>
                  {m.title}
                </MenuItem>
              ))}
            </TextField>
          ) : null}
        </Stack>
        {error ? (
          <Alert severity="warning" sx={{ mb: 1 }} data-testid="composer-error">
            {error}
          </Alert>
        ) : null}
        <TextField
          fullWidth
          multiline
          minRows={4}
          label={translate(mode === 'reply' ? 'soar2.tickets.reply' : 'soar2.tickets.note')}
          helperText={translate(mode === 'reply' ? 'soar2.tickets.reply_help' : 'soar2.tickets.note_help')}
          value={body}
          onChange={(e) => setBody(e.target.value)}
          slotProps={{ htmlInput: { maxLength: 20000, 'data-testid': 'composer-body' } }}
        />
        <Stack direction="row" spacing={1} sx={{ mt: 1, alignItems: 'center' }}>
          {mode === 'reply' ? (
            <TextField select size="small" label={translate('soar2.tickets.status_after')} value={status} onChange={(e) => setStatus(e.target.value)} sx={{ minWidth: 220 }}>
              <MenuItem value="">—</MenuItem>
              {TICKET_STATUS_CHOICES.filter((c) => c.id !== 'new' && c.id !== 'closed').map((c) => (
                <MenuItem key={c.id} value={c.id}>
                  {c.name}
                </MenuItem>
              ))}
            </TextField>
          ) : null}
          <Button variant="contained" color={mode === 'note' ? 'warning' : 'primary'} disabled={busy || body.trim().length === 0} onClick={send}>
            {translate(mode === 'reply' ? 'soar2.tickets.send_reply' : 'soar2.tickets.add_note')}
          </Button>
        </Stack>
      </CardContent>
    </Card>
  );
};

/** Status, priority and assignment. */
const TicketControls = ({ ticket }: { ticket: Ticket }) => {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const { identity } = useGetIdentity();
  const assignees = useQuery({
    queryKey: ['ticket-assignees'],
    queryFn: async () => {
      const r = await callApi<Array<{ id: string; displayName: string; role: string }>>('GET', '/admin/tickets/assignees');
      return r.ok ? r.body : [];
    },
  });
  const act = async (verb: string, body: unknown, done: string) => {
    const r = await callApi('POST', `/admin/tickets/${ticket.id}/${verb}`, body);
    if (r.ok) {
      notify(done, { type: 'success' });
      refresh();
    } else notify(r.message, { type: 'error' });
  };
  const closed = ticket.status === 'closed';
  return (
    <Stack direction="row" spacing={1} sx={{ flexWrap: 'wrap', alignItems: 'center', rowGap: 1 }}>
      <TextField select size="small" label={translate('soar2.tickets.status')} value={ticket.status} disabled={closed} onChange={(e) => act('status', { status: e.target.value }, 'soar2.tickets.changed')} sx={{ minWidth: 180 }}>
        {TICKET_STATUS_CHOICES.map((c) => (
          <MenuItem key={c.id} value={c.id} disabled={c.id === 'new'}>
            {c.name}
          </MenuItem>
        ))}
      </TextField>
      <TextField select size="small" label={translate('soar2.tickets.priority')} value={ticket.priority} disabled={closed || ticket.category === 'security_report'} onChange={(e) => act('priority', { priority: e.target.value }, 'soar2.tickets.changed')} sx={{ minWidth: 140 }}>
        {TICKET_PRIORITY_CHOICES.map((c) => (
          <MenuItem key={c.id} value={c.id}>
            {c.name}
          </MenuItem>
        ))}
      </TextField>
      {assignees.data ? (
        <TextField select size="small" label={translate('soar2.tickets.assign_to')} value={ticket.assigneeId ?? ''} disabled={closed} onChange={(e) => act('assign', { assigneeId: e.target.value || null }, 'soar2.tickets.assigned')} sx={{ minWidth: 200 }}>
          <MenuItem value="">{translate('soar2.tickets.unassign')}</MenuItem>
          {assignees.data.map((a) => (
            <MenuItem key={a.id} value={a.id}>
              {a.displayName}
            </MenuItem>
          ))}
        </TextField>
      ) : null}
      {identity && ticket.assigneeId !== identity.id && !closed ? (
        <Button size="small" onClick={() => act('assign', { assigneeId: identity.id }, 'soar2.tickets.assigned')}>
          {translate('soar2.tickets.assign_me')}
        </Button>
      ) : null}
      {ticket.category === 'privacy' && !ticket.privacyRequestId ? <ConvertToPrivacyRequest ticket={ticket} /> : null}
    </Stack>
  );
};

/** Converts a privacy ticket into a privacy request: the agent picks what the user asks for in a dialog. */
const ConvertToPrivacyRequest = ({ ticket }: { ticket: Ticket }) => {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const [type, setType] = useState('');
  const [busy, setBusy] = useState(false);
  const [fieldError, setFieldError] = useState<string>();
  const submit = async () => {
    setBusy(true);
    const r = await callApi('POST', `/admin/tickets/${ticket.id}/convert-to-privacy-request`, { type });
    setBusy(false);
    if (r.ok) {
      setOpen(false);
      notify('soar2.tickets.converted', { type: 'success' });
      refresh();
    } else if (r.fieldErrors?.type) setFieldError(r.fieldErrors.type);
    else notify(r.message, { type: 'error' });
  };
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)}>
        {translate('soar2.tickets.convert')}
      </Button>
      <Dialog open={open} onClose={() => !busy && setOpen(false)} fullWidth maxWidth="xs" aria-labelledby="convert-privacy-title">
        <DialogTitle id="convert-privacy-title">{translate('soar2.tickets.convert')}</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>{translate('soar2.tickets.convert_explanation')}</DialogContentText>
          <TextField
            select
            fullWidth
            size="small"
            label={translate('soar2.tickets.privacy_request_type')}
            value={type}
            error={fieldError !== undefined}
            helperText={fieldError}
            onChange={(e) => {
              setType(e.target.value);
              setFieldError(undefined);
            }}
          >
            {REQUEST_TYPE_CHOICES.map((c) => (
              <MenuItem key={c.id} value={c.id}>
                {c.name}
              </MenuItem>
            ))}
          </TextField>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)} disabled={busy}>
            {translate('ra.action.cancel')}
          </Button>
          <Button variant="contained" disabled={busy || !type} onClick={submit}>
            {translate('soar2.tickets.convert')}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
};

/** Refunds one of the ticket's linked jobs (the generation module does the refund). */
const RefundLinkedJob = ({ ticket }: { ticket: Ticket }) => {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [jobId, setJobId] = useState(ticket.linkedJobIds[0] ?? '');
  const [reason, setReason] = useState('');
  if (ticket.linkedJobIds.length === 0) return null;
  const submit = async () => {
    const r = await callApi('POST', `/admin/tickets/${ticket.id}/refund-job`, { jobId, reason });
    if (r.ok) {
      notify('soar2.tickets.refunded', { type: 'success' });
      setReason('');
      refresh();
    } else notify(r.fieldErrors?.reason ?? r.message, { type: 'error' });
  };
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
      <TextField select size="small" label={translate('soar2.tickets.linked_jobs')} value={jobId} onChange={(e) => setJobId(e.target.value)} sx={{ minWidth: 280 }}>
        {ticket.linkedJobIds.map((id) => (
          <MenuItem key={id} value={id}>
            {id}
          </MenuItem>
        ))}
      </TextField>
      <TextField size="small" label={translate('soar2.tickets.reason')} value={reason} onChange={(e) => setReason(e.target.value)} />
      <Button size="small" variant="outlined" disabled={!jobId || reason.trim().length < 3} onClick={submit}>
        {translate('soar2.tickets.refund_job')}
      </Button>
    </Stack>
  );
};

const AdjustCredits = ({ ticket }: { ticket: Ticket }) => {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  // One id per intended adjustment: a retry of the same click is applied once by the ledger.
  const [requestId, setRequestId] = useState(() => crypto.randomUUID());
  const submit = async () => {
    const r = await callApi('POST', `/admin/tickets/${ticket.id}/adjust-credits`, { amount: Number(amount), reason, requestId });
    if (r.ok) {
      notify('soar2.tickets.adjusted', { type: 'success' });
      setAmount('');
      setReason('');
      setRequestId(crypto.randomUUID());
      refresh();
    } else notify(r.fieldErrors?.amount ?? r.fieldErrors?.reason ?? r.message, { type: 'error' });
  };
  return (
    <Stack spacing={1} sx={{ mt: 1 }}>
      <TextField size="small" type="number" label={translate('soar2.tickets.amount')} value={amount} onChange={(e) => setAmount(e.target.value)} />
      <TextField size="small" label={translate('soar2.tickets.reason')} value={reason} onChange={(e) => setReason(e.target.value)} />
      <Button size="small" variant="outlined" disabled={!amount || Number(amount) === 0 || reason.trim().length < 3} onClick={submit}>
        {translate('soar2.tickets.adjust_credits')}
      </Button>
    </Stack>
  );
};

/** The user's account state first (restricted, legal hold, pending deletion), then credits and recent jobs. */
const SidePanel = ({ ticket }: { ticket: Ticket }) => {
  const translate = useTranslate();
  const jobs = ticket.recentJobs;
  return (
    <Stack spacing={2}>
      <Card variant="outlined">
        <CardHeader title={translate('soar2.tickets.account')} titleTypographyProps={{ variant: 'subtitle1' }} />
        <CardContent sx={{ pt: 0 }}>
          {ticket.account ? (
            <>
              <Typography variant="body2">{ticket.account.displayName ?? ticket.account.email}</Typography>
              <Typography variant="body2" color="text.secondary">
                {ticket.account.email}
              </Typography>
              <Stack direction="row" spacing={1} sx={{ mt: 1, flexWrap: 'wrap' }}>
                <Chip size="small" label={ticket.account.status} color={ticket.account.status === 'active' ? 'success' : 'warning'} />
              </Stack>
              {ticket.account.restricted ? (
                <Alert severity="warning" icon={<WarningIcon />} sx={{ mt: 1 }}>
                  {translate('soar2.tickets.restricted')}
                </Alert>
              ) : null}
              {ticket.account.flags.map((f) => (
                <Alert key={f.key} severity="error" sx={{ mt: 1 }}>
                  {f.label}
                </Alert>
              ))}
            </>
          ) : (
            <Typography variant="body2">{translate('soar2.tickets.no_account', { email: ticket.requesterEmail ?? '—' })}</Typography>
          )}
        </CardContent>
      </Card>
      {ticket.credits ? (
        <Card variant="outlined">
          <CardHeader title={translate('soar2.tickets.credits')} titleTypographyProps={{ variant: 'subtitle1' }} />
          <CardContent sx={{ pt: 0 }}>
            {ticket.credits.unavailable ? (
              <Typography variant="body2" color="text.secondary">
                {translate('soar2.tickets.unavailable')}
              </Typography>
            ) : (
              <>
                <Typography variant="body2">
                  {ticket.credits.available} available · {ticket.credits.held} held · {ticket.credits.balance} balance
                </Typography>
                <AdjustCredits ticket={ticket} />
              </>
            )}
          </CardContent>
        </Card>
      ) : null}
      {jobs ? (
        <Card variant="outlined">
          <CardHeader title={translate('soar2.tickets.recent_jobs')} titleTypographyProps={{ variant: 'subtitle1' }} />
          <CardContent sx={{ pt: 0 }}>
            {'unavailable' in jobs ? (
              <Typography variant="body2" color="text.secondary">
                {translate('soar2.tickets.unavailable')}
              </Typography>
            ) : (
              <MuiList dense>
                {jobs.map((j) => (
                  <ListItem key={j.id} disableGutters>
                    <ListItemText primary={`${j.status} · ${when(j.createdAt)}`} secondary={j.error ? `${j.error.code}: ${j.error.message}` : j.id} />
                  </ListItem>
                ))}
              </MuiList>
            )}
          </CardContent>
        </Card>
      ) : null}
    </Stack>
  );
};

const TicketDetail = () => {
  const record = useRecordContext<Ticket>();
  const translate = useTranslate();
  // Opened from the list, the list's record (without the conversation) shows until the detail arrives.
  if (!record || !Array.isArray(record.messages)) return <LinearProgress />;
  return (
    <Box sx={{ p: 2, display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', md: '2fr 1fr' }, alignItems: 'start' }}>
      <Stack spacing={2}>
        <LegalHoldBanner record={record} />
        <Box>
          <Typography variant="h5" component="h2" data-testid="ticket-subject">
            #{record.number} {record.subject}
          </Typography>
          <Stack direction="row" spacing={1} sx={{ mt: 1, flexWrap: 'wrap', rowGap: 1 }}>
            <Chip size="small" label={choiceName(TICKET_CATEGORY_CHOICES, record.category)} />
            <Chip size="small" label={choiceName(TICKET_PRIORITY_CHOICES, record.priority)} color={record.priority === 'urgent' ? 'error' : 'default'} />
            {record.sla.breached ? <Chip size="small" color="error" icon={<WarningIcon />} label={translate('soar2.tickets.breached_chip')} /> : null}
            {record.sla.paused ? <Chip size="small" variant="outlined" label={translate('soar2.tickets.paused')} /> : null}
          </Stack>
          <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
            {translate('soar2.tickets.due_first')}: {when(record.sla.firstResponseDueAt)} · {translate('soar2.tickets.due_resolution')}: {when(record.sla.resolutionDueAt)}
          </Typography>
          {record.linkedJobIds.length > 0 ? (
            <Typography variant="body2" sx={{ mt: 1 }}>
              {translate('soar2.tickets.linked_jobs')}: {record.linkedJobIds.join(', ')}
            </Typography>
          ) : null}
          {record.privacyRequestId ? (
            <Typography variant="body2" sx={{ mt: 1 }}>
              {translate('soar2.tickets.privacy_request')}: <RaLink to={`/privacy-requests/${record.privacyRequestId}/show`}>{record.privacyRequestId}</RaLink>
            </Typography>
          ) : null}
        </Box>
        <TicketControls ticket={record} />
        <RefundLinkedJob ticket={record} />
        <Divider />
        <Typography variant="h6">{translate('soar2.tickets.conversation')}</Typography>
        <Box>
          {record.messages.map((m) => (
            <MessageItem key={m.id} m={m} />
          ))}
        </Box>
        {record.attachments.length > 0 ? (
          <Box>
            <Typography variant="subtitle2">{translate('soar2.tickets.attachments')}</Typography>
            {record.attachments.map((a) => (
              <Typography key={a.id} variant="body2">
                {a.fileName} ({a.contentType}, {a.sizeBytes} bytes) <code>{a.sha256.slice(0, 12)}…</code>
              </Typography>
            ))}
          </Box>
        ) : null}
        <Composer ticket={record} />
      </Stack>
      <SidePanel ticket={record} />
    </Box>
  );
};

export const TicketShow = () => (
  <Show actions={false}>
    <TicketDetail />
  </Show>
);
