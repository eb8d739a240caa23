export const REQUEST_TYPE_CHOICES = [
  { id: 'access', name: 'Access' },
  { id: 'portability', name: 'Portability' },
  { id: 'correction', name: 'Correction' },
  { id: 'deletion', name: 'Deletion' },
  { id: 'restriction', name: 'Restriction' },
  { id: 'opt_out', name: 'Opt-out' },
  { id: 'consent_withdrawal', name: 'Consent withdrawal' },
  { id: 'objection', name: 'Objection' },
];

export const REGIME_CHOICES = [
  { id: 'gdpr', name: 'GDPR' },
  { id: 'ccpa', name: 'CCPA' },
  { id: 'coppa', name: 'COPPA' },
  { id: 'other', name: 'Other' },
];

export const REQUEST_STATUS_CHOICES = [
  'received',
  'identity_pending',
  'verified',
  'in_review',
  'approved',
  'on_hold',
  'executing',
  'awaiting_erasure',
  'completed',
  'failed',
  'denied',
  'expired',
  'withdrawn',
  'linked',
].map((id) => ({ id, name: id.replace(/_/g, ' ') }));

export const DENIAL_REASON_CHOICES = [
  { id: 'insufficient_verification', name: 'Insufficient verification' },
  { id: 'no_match', name: 'No matching data' },
  { id: 'manifestly_unfounded', name: 'Manifestly unfounded' },
  { id: 'excessive', name: 'Excessive' },
  { id: 'legal_obligation', name: 'Legal obligation' },
  { id: 'other', name: 'Other' },
];
