// What the human-readable access report (report.pdf) says besides the data itself: recipients and
// sub-processors, the retention schedule, and the rights of the data subject (GDPR Art. 15(1)).
// Pure data and a pure layout function; the API renders the sections with pdfkit.

export interface Recipient {
  name: string;
  role: string;
  purpose: string;
  location: string;
}

/** Sub-processors and recipients of personal data (PRODUCT/COMPLIANCE design). */
export const RECIPIENTS: readonly Recipient[] = [
  { name: 'Stripe, Inc.', role: 'sub-processor', purpose: 'payments, subscriptions and invoices', location: 'United States (EU Standard Contractual Clauses)' },
  { name: 'OpenAI, L.L.C.', role: 'sub-processor', purpose: 'video generation from your prompts and reference images', location: 'United States (EU Standard Contractual Clauses)' },
  { name: 'Email delivery provider', role: 'sub-processor', purpose: 'sending service and (with consent) marketing emails', location: 'European Union' },
  { name: 'Hosting provider', role: 'sub-processor', purpose: 'servers, database and file storage', location: 'European Union' },
  { name: 'Tax and accounting advisers', role: 'recipient', purpose: 'legal bookkeeping obligations (invoice references only)', location: 'European Union' },
];

export interface RetentionRule {
  category: string;
  keep: string;
  then: string;
}

/** Default retention schedule (COMPLIANCE.md); officers may change it, the report states the defaults. */
export const RETENTION_DEFAULTS: readonly RetentionRule[] = [
  { category: 'account profile', keep: 'while the account is active; 30 days after a deletion request', then: 'erased, with a certificate' },
  { category: 'generated videos and reference images', keep: 'per plan (e.g. free 30 days, paid while subscribed + 30 days)', then: 'file and record purged' },
  { category: 'videos you deleted', keep: '30 days', then: 'purged' },
  { category: 'backups', keep: '90 days', then: 'expire' },
  { category: 'device and access logs (IP, user agent)', keep: '90 days', then: 'deleted' },
  { category: 'sign-in codes, download links', keep: 'hours to days', then: 'deleted' },
  { category: 'access packages (like this one)', keep: '7 days after ready', then: 'purged' },
  { category: 'support tickets', keep: '2 years after closing', then: 'anonymised' },
  { category: 'privacy-request records', keep: '24 months after closing', then: 'personal data stripped, counts kept' },
  { category: 'audit log', keep: '6 years', then: 'archived, never edited' },
  { category: 'credit ledger, invoice references', keep: '7 years (tax law)', then: 'user reference anonymised' },
];

export const SUBJECT_RIGHTS: readonly string[] = [
  'Ask us to correct inaccurate data (rectification).',
  'Ask us to delete your data (erasure), within the limits of legal retention duties.',
  'Ask us to restrict or object to processing, and withdraw consent at any time.',
  'Receive your data in a machine-readable format (data.json and csv/ in this package) and have it transmitted to another controller.',
  'Complain to a data protection supervisory authority (in the EU, the one where you live or work).',
];

export interface ReportCategory {
  category: string;
  description: string;
  purposes: string[];
  sources: string[];
  recordCount: number;
  mediaCount: number;
}

export interface ReportInput {
  packageId: string;
  format: 'access' | 'portability';
  generatedAt: string;
  userId: string;
  categories: ReportCategory[];
}

export interface ReportSection {
  heading: string;
  /** Paragraphs of text. */
  paragraphs: string[];
  /** A table: header row then body rows. */
  table?: { columns: string[]; rows: string[][] };
}

const SOURCE_LABELS: Record<string, string> = {
  user: 'you',
  device: 'your device or browser',
  stripe: 'Stripe (payments)',
  staff: 'Soar2 staff',
  system: 'our systems',
  provider: 'the video provider',
};

/** Plain-language source names: `user` → "you". Unknown keys are shown as they are. */
export function describeSources(sources: readonly string[]): string {
  return sources.map((s) => SOURCE_LABELS[s] ?? s).join(', ');
}

/** The report's sections in order; what the PDF prints, independent of pdfkit. */
export function accessReportSections(input: ReportInput): ReportSection[] {
  const totalRecords = input.categories.reduce((n, c) => n + c.recordCount, 0);
  const totalMedia = input.categories.reduce((n, c) => n + c.mediaCount, 0);
  const purposes = [...new Set(input.categories.flatMap((c) => c.purposes))].sort();
  return [
    {
      heading: 'About this package',
      paragraphs: [
        `This is a copy of the personal data Soar2 holds about you (${input.format === 'portability' ? 'data portability' : 'right of access'} request), generated on ${input.generatedAt}.`,
        `It covers ${input.categories.length} categories with ${totalRecords} records and ${totalMedia} files. data.json holds every record in a machine-readable form (its JSON Schema version is stated inside), csv/ holds one spreadsheet per category, media/ holds your files, and manifest.json lists the SHA-256 checksum of every file.`,
        'Personal data of other people (for example support staff names or addresses you received from others) has been redacted.',
      ],
    },
    {
      heading: 'Categories of data',
      paragraphs: [],
      table: {
        columns: ['Category', 'What it is', 'Records', 'Files'],
        rows: input.categories.map((c) => [c.category, c.description, String(c.recordCount), String(c.mediaCount)]),
      },
    },
    {
      heading: 'Purposes and sources',
      paragraphs: [`We process this data for: ${purposes.join(', ') || 'no purpose recorded'}.`],
      table: {
        columns: ['Category', 'Purposes', 'Where it came from'],
        rows: input.categories.map((c) => [c.category, c.purposes.join(', '), describeSources(c.sources)]),
      },
    },
    {
      heading: 'Recipients and sub-processors',
      paragraphs: ['We share personal data only with these recipients, under contract, for the stated purposes.'],
      table: { columns: ['Recipient', 'Role', 'Purpose', 'Location'], rows: RECIPIENTS.map((r) => [r.name, r.role, r.purpose, r.location]) },
    },
    {
      heading: 'How long we keep it',
      paragraphs: [],
      table: { columns: ['Data', 'Kept', 'Then'], rows: RETENTION_DEFAULTS.map((r) => [r.category, r.keep, r.then]) },
    },
    { heading: 'Your rights', paragraphs: SUBJECT_RIGHTS.map((r) => `• ${r}`) },
  ];
}
