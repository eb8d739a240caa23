export const CREDIT_ENTRY_KIND_CHOICES = ['grant', 'purchase', 'hold', 'release', 'capture', 'refund', 'adjustment', 'expiry', 'clawback'].map((id) => ({ id, name: id }));
