import GavelIcon from '@mui/icons-material/Gavel';
import { Alert, AlertTitle, Chip, List, ListItem, ListItemText } from '@mui/material';
import { Link as RaLink, useCanAccess, useRecordContext, useTranslate } from 'react-admin';

/** A hold covering a record, as the API gives it: reason and expiry only for readers of legal holds. */
export interface CoveringHold {
  id: string;
  scopeType: 'user' | 'ticket' | 'job';
  scopeId: string;
  since: string;
  reason?: string;
  expiresAt?: string | null;
}

const day = (iso: string) => new Date(iso).toLocaleDateString();

/**
 * On a ticket's or a job's page: "Under legal hold", with each hold covering the record (its own or
 * its user's), why and until when for those who may read holds, and a link to the hold for them.
 * Nothing in a hold's scope may be deleted while it lasts.
 */
export const LegalHoldBanner = ({ record: given }: { record?: { legalHolds?: CoveringHold[] } }) => {
  const fromContext = useRecordContext<{ legalHolds?: CoveringHold[] }>();
  const record = given ?? fromContext;
  const translate = useTranslate();
  const { canAccess } = useCanAccess({ action: 'show', resource: 'legal-holds' });
  const holds = record?.legalHolds ?? [];
  if (holds.length === 0) return null;
  return (
    <Alert severity="warning" icon={<GavelIcon />} data-testid="legal-hold-banner" role="status">
      <AlertTitle>{translate('resources.legal-holds.banner.title')}</AlertTitle>
      {translate('resources.legal-holds.banner.explanation')}
      <List dense disablePadding>
        {holds.map((h) => (
          <ListItem key={h.id} disableGutters data-testid="legal-hold-banner-item">
            <ListItemText
              primary={
                <>
                  {translate(`resources.legal-holds.banner.scope_${h.scopeType}`)} · {translate('resources.legal-holds.banner.since', { date: day(h.since) })}
                  {h.expiresAt ? ` · ${translate('resources.legal-holds.banner.until', { date: day(h.expiresAt) })}` : ''}
                  {canAccess ? (
                    <>
                      {' · '}
                      <RaLink to={`/legal-holds/${encodeURIComponent(h.id)}/show`}>{translate('resources.legal-holds.banner.open')}</RaLink>
                    </>
                  ) : null}
                </>
              }
              secondary={h.reason ?? null}
            />
          </ListItem>
        ))}
      </List>
    </Alert>
  );
};

/** In lists: a chip on rows an active legal hold covers (the API's `underHold`). */
export const UnderHoldChip = () => {
  const record = useRecordContext<{ underHold?: boolean }>();
  const translate = useTranslate();
  if (!record?.underHold) return null;
  return <Chip size="small" color="warning" icon={<GavelIcon />} label={translate('resources.legal-holds.banner.chip')} data-testid="under-hold-chip" />;
};
