// The versioned JSON Schema of an access package's `data.json` and `manifest.json`. Pure data: the
// API validates what it writes against it (ajv), and a requester or a receiving controller can
// validate what they got. A breaking change gets a new major version and a new `$id`; the version
// travels inside each document as `schemaVersion`.

/** Version of the `data.json` layout (semver: major changes break readers). */
export const EXPORT_SCHEMA_VERSION = '1.0.0';
export const DATA_JSON_SCHEMA_ID = 'https://schemas.soar2.ai/privacy/access-package/data.v1.json';
export const MANIFEST_SCHEMA_ID = 'https://schemas.soar2.ai/privacy/access-package/manifest.v1.json';

/** A JSON value as exporters produce it. */
export type ExportJsonValue = null | boolean | number | string | ExportJsonValue[] | { [key: string]: ExportJsonValue };

export interface ExportedMediaRef {
  /** Path inside the zip, under `media/`. */
  path: string;
  contentType: string;
}

export interface ExportedRecord {
  data: { [key: string]: ExportJsonValue };
  media?: ExportedMediaRef[];
}

export interface ExportedCategory {
  category: string;
  description: string;
  purposes: string[];
  sources: string[];
  recordCount: number;
  /** CSV file holding the same records, e.g. `csv/identity.profile.csv`. */
  csv: string;
  records: ExportedRecord[];
}

export type ExportFormat = 'access' | 'portability';

export interface ExportDataDocument {
  schema: typeof DATA_JSON_SCHEMA_ID;
  schemaVersion: typeof EXPORT_SCHEMA_VERSION;
  format: ExportFormat;
  generatedAt: string;
  subject: { userId: string };
  requestId: string | null;
  packageId: string;
  categories: ExportedCategory[];
}

export interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
  contentType: string;
}

export interface PackageManifest {
  schema: typeof MANIFEST_SCHEMA_ID;
  schemaVersion: typeof EXPORT_SCHEMA_VERSION;
  packageId: string;
  generatedAt: string;
  files: ManifestFile[];
}

const CATEGORY_KEY = '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$';
// Segments of plain characters, never `.` or `..`.
const MEDIA_PATH = '^media(/(?!\\.\\.?(/|$))[A-Za-z0-9._-]+)+$';

/** Schema of one record; the API validates records one by one while it streams them (flat memory). */
export const EXPORT_RECORD_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['data'],
  properties: {
    data: { type: 'object' },
    media: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'contentType'],
        properties: { path: { type: 'string', pattern: MEDIA_PATH, maxLength: 512 }, contentType: { type: 'string', minLength: 1 } },
      },
    },
  },
} as const;

/** JSON Schema (draft 2020-12) of `data.json`, version 1. */
export const DATA_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: DATA_JSON_SCHEMA_ID,
  title: 'Soar2 access package data.json',
  type: 'object',
  additionalProperties: false,
  required: ['schema', 'schemaVersion', 'format', 'generatedAt', 'subject', 'requestId', 'packageId', 'categories'],
  properties: {
    schema: { const: DATA_JSON_SCHEMA_ID },
    schemaVersion: { const: EXPORT_SCHEMA_VERSION },
    format: { enum: ['access', 'portability'] },
    generatedAt: { type: 'string', format: 'date-time' },
    subject: { type: 'object', additionalProperties: false, required: ['userId'], properties: { userId: { type: 'string', format: 'uuid' } } },
    requestId: { anyOf: [{ type: 'string', format: 'uuid' }, { type: 'null' }] },
    packageId: { type: 'string', format: 'uuid' },
    categories: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['category', 'description', 'purposes', 'sources', 'recordCount', 'csv', 'records'],
        properties: {
          category: { type: 'string', pattern: CATEGORY_KEY },
          description: { type: 'string', minLength: 1 },
          purposes: { type: 'array', items: { type: 'string' } },
          sources: { type: 'array', items: { type: 'string' } },
          recordCount: { type: 'integer', minimum: 0 },
          csv: { type: 'string', pattern: '^csv/[a-z0-9_.]+\\.csv$' },
          records: { type: 'array', items: EXPORT_RECORD_SCHEMA },
        },
      },
    },
  },
} as const;

/** JSON Schema of `manifest.json`, version 1: every other file of the zip with its size and SHA-256. */
export const MANIFEST_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: MANIFEST_SCHEMA_ID,
  title: 'Soar2 access package manifest.json',
  type: 'object',
  additionalProperties: false,
  required: ['schema', 'schemaVersion', 'packageId', 'generatedAt', 'files'],
  properties: {
    schema: { const: MANIFEST_SCHEMA_ID },
    schemaVersion: { const: EXPORT_SCHEMA_VERSION },
    packageId: { type: 'string', format: 'uuid' },
    generatedAt: { type: 'string', format: 'date-time' },
    files: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'size', 'sha256', 'contentType'],
        properties: {
          path: { type: 'string', minLength: 1 },
          size: { type: 'integer', minimum: 0 },
          sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          contentType: { type: 'string', minLength: 1 },
        },
      },
    },
  },
} as const;

/** The CSV file name of a category: `csv/<category>.csv` (category keys are already path-safe). */
export function csvPathFor(category: string): string {
  if (!new RegExp(CATEGORY_KEY).test(category)) throw new Error(`"${category}" is not a valid personal-data category key.`);
  return `csv/${category}.csv`;
}

/** Makes a media path safe inside the zip (`media/...`): no `..`, no absolute paths, only plain characters. */
export function mediaPathFor(path: string): string {
  const parts = path
    .split('/')
    .map((p) => p.replace(/[^A-Za-z0-9._-]/g, '_'))
    .filter((p) => p !== '' && p !== '.' && p !== '..');
  if (parts.length === 0) throw new Error('A media file needs a path.');
  return `media/${parts.join('/')}`;
}

/**
 * Writes the opening of `data.json` up to the first category's records and the JSON glue between
 * records and categories, so the API streams the document without holding it: `open`, then per
 * category `categoryOpen`, records joined by `,`, `categoryClose`, categories joined by `,`, then `close`.
 */
export const DATA_JSON_STREAM = {
  open(doc: Omit<ExportDataDocument, 'categories'>): string {
    const head = JSON.stringify({ ...doc, categories: [] });
    return `${head.slice(0, -'[]}'.length)}[`;
  },
  categoryOpen(category: Omit<ExportedCategory, 'records'>): string {
    const head = JSON.stringify({ ...category, records: [] });
    return `${head.slice(0, -']}'.length)}`;
  },
  categoryClose(): string {
    return ']}';
  },
  close(): string {
    return ']}';
  },
} as const;
