export const CONSENT_PURPOSE_CHOICES = [
  { id: 'marketing_emails', name: 'Marketing emails' },
  { id: 'analytics', name: 'Analytics' },
  { id: 'product_improvement', name: 'Product improvement' },
  { id: 'sale_sharing', name: 'Sale / sharing (opt-out)' },
];

export const CONSENT_SOURCE_CHOICES = [
  { id: 'user', name: 'The person' },
  { id: 'gpc', name: 'Global Privacy Control' },
  { id: 'privacy_request', name: 'Privacy request' },
  { id: 'admin', name: 'Staff' },
];
