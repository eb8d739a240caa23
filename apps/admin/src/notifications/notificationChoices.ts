// Values of the email outbox (notifications module). Class: PRODUCT.md — service-critical mail
// cannot be opted out of, marketing can.
export const NOTIFICATION_STATUS_CHOICES = [
  { id: 'queued', name: 'queued' },
  { id: 'sending', name: 'sending' },
  { id: 'sent', name: 'sent' },
  { id: 'failed', name: 'failed' },
  { id: 'suppressed', name: 'suppressed' },
];

export const NOTIFICATION_CLASS_CHOICES = [
  { id: 'service_critical', name: 'service-critical' },
  { id: 'marketing', name: 'marketing' },
];
