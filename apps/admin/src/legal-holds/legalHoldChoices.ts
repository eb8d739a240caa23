export const LEGAL_HOLD_SCOPE_CHOICES = [
  { id: 'user', name: 'User account' },
  { id: 'ticket', name: 'Support ticket' },
  { id: 'job', name: 'Video generation job' },
];
