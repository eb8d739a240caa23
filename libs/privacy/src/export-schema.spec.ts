import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { DATA_JSON_SCHEMA, DATA_JSON_SCHEMA_ID, DATA_JSON_STREAM, EXPORT_SCHEMA_VERSION, type ExportDataDocument, MANIFEST_SCHEMA, MANIFEST_SCHEMA_ID, csvPathFor, mediaPathFor } from './export-schema';

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validateData = ajv.compile(DATA_JSON_SCHEMA);
const validateManifest = ajv.compile(MANIFEST_SCHEMA);

const doc: ExportDataDocument = {
  schema: DATA_JSON_SCHEMA_ID,
  schemaVersion: EXPORT_SCHEMA_VERSION,
  format: 'access',
  generatedAt: '2026-01-31T12:00:00.000Z',
  subject: { userId: '6f1c1c1e-2b1a-4c3d-9e8f-0a1b2c3d4e5f' },
  requestId: null,
  packageId: '0b7e5f0a-1c2d-4e3f-8a9b-0c1d2e3f4a5b',
  categories: [
    {
      category: 'identity.profile',
      description: 'Your account',
      purposes: ['service'],
      sources: ['user'],
      recordCount: 1,
      csv: 'csv/identity.profile.csv',
      records: [{ data: { email: 'a@example.com', nested: { x: [1, 2] } } }],
    },
    {
      category: 'generation.videos',
      description: 'Videos',
      purposes: ['service'],
      sources: ['user'],
      recordCount: 1,
      csv: 'csv/generation.videos.csv',
      records: [{ data: { id: 'v1' }, media: [{ path: 'media/videos/v1.mp4', contentType: 'video/mp4' }] }],
    },
  ],
};

describe('data.json schema (v1)', () => {
  it('accepts a complete document', () => {
    expect(validateData(doc)).toBe(true);
  });

  it('refuses another schema version, an unknown format, a bad category key or an unsafe media path', () => {
    expect(validateData({ ...doc, schemaVersion: '2.0.0' })).toBe(false);
    expect(validateData({ ...doc, format: 'deletion' })).toBe(false);
    expect(validateData({ ...doc, categories: [{ ...doc.categories[0]!, category: 'Bad Key' }] })).toBe(false);
    const evil = { ...doc.categories[1]!, records: [{ data: {}, media: [{ path: 'media/../etc/passwd', contentType: 'x' }] }] };
    expect(validateData({ ...doc, categories: [evil] })).toBe(false);
    expect(validateData({ ...doc, extra: true })).toBe(false);
  });

  it('streams to exactly the document JSON.stringify gives', () => {
    const { categories, ...head } = doc;
    let text = DATA_JSON_STREAM.open(head);
    categories.forEach((c, i) => {
      const { records, ...categoryHead } = c;
      if (i > 0) text += ',';
      text += DATA_JSON_STREAM.categoryOpen(categoryHead);
      text += records.map((r) => JSON.stringify(r)).join(',');
      text += DATA_JSON_STREAM.categoryClose();
    });
    text += DATA_JSON_STREAM.close();
    expect(text).toBe(JSON.stringify(doc));
    expect(validateData(JSON.parse(text))).toBe(true);
  });

  it('streams an empty category list too', () => {
    const { categories: _c, ...head } = doc;
    expect(JSON.parse(DATA_JSON_STREAM.open(head) + DATA_JSON_STREAM.close())).toEqual({ ...head, categories: [] });
  });
});

describe('manifest.json schema (v1)', () => {
  it('accepts files with sizes and lowercase hex SHA-256, refuses anything else', () => {
    const manifest = { schema: MANIFEST_SCHEMA_ID, schemaVersion: EXPORT_SCHEMA_VERSION, packageId: doc.packageId, generatedAt: doc.generatedAt, files: [{ path: 'data.json', size: 10, sha256: 'a'.repeat(64), contentType: 'application/json' }] };
    expect(validateManifest(manifest)).toBe(true);
    expect(validateManifest({ ...manifest, files: [{ ...manifest.files[0], sha256: 'A'.repeat(64) }] })).toBe(false);
    expect(validateManifest({ ...manifest, files: [{ ...manifest.files[0], size: -1 }] })).toBe(false);
  });
});

describe('paths inside the package', () => {
  it('names CSV files after valid category keys only', () => {
    expect(csvPathFor('identity.access_log')).toBe('csv/identity.access_log.csv');
    expect(() => csvPathFor('../x')).toThrow(/not a valid/);
  });

  it('keeps media paths inside media/ whatever the exporter gave', () => {
    expect(mediaPathFor('videos/a.mp4')).toBe('media/videos/a.mp4');
    expect(mediaPathFor('/../../etc/passwd')).toBe('media/etc/passwd');
    expect(mediaPathFor('refs/my photo (1).png')).toBe('media/refs/my_photo__1_.png');
    expect(() => mediaPathFor('../..')).toThrow(/needs a path/);
  });
});
