import { Link } from '@mui/material';
import { useRecordContext } from 'react-admin';

const PATHS: Readonly<Record<string, string>> = { sub: 'subscriptions', cus: 'customers', in: 'invoices', ch: 'payments', evt: 'events' };

/** A Stripe id as a link to the Stripe dashboard (test-mode ids open the test dashboard). */
export const StripeLink = ({ source, label: _label }: { source: string; label?: string }) => {
  const record = useRecordContext();
  const id = record?.[source];
  if (typeof id !== 'string' || !id) return <span>—</span>;
  const prefix = id.split('_')[0] ?? '';
  const kind = PATHS[prefix];
  if (!kind) return <span>{id}</span>;
  return (
    <Link href={`https://dashboard.stripe.com/${kind}/${id}`} target="_blank" rel="noopener noreferrer" onClick={(e) => e.stopPropagation()}>
      {id}
    </Link>
  );
};
