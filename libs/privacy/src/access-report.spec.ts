import { RECIPIENTS, RETENTION_DEFAULTS, accessReportSections, describeSources } from './access-report';

describe('access report sections', () => {
  const sections = accessReportSections({
    packageId: 'p1',
    format: 'portability',
    generatedAt: '2026-02-28T09:00:00.000Z',
    userId: 'u1',
    categories: [
      { category: 'identity.profile', description: 'Your account', purposes: ['service', 'security'], sources: ['user'], recordCount: 1, mediaCount: 0 },
      { category: 'generation.videos', description: 'Videos', purposes: ['service'], sources: ['user', 'provider'], recordCount: 4, mediaCount: 4 },
    ],
  });
  const byHeading = Object.fromEntries(sections.map((s) => [s.heading, s]));

  it('has the sections Art. 15 asks for, in order', () => {
    expect(sections.map((s) => s.heading)).toEqual(['About this package', 'Categories of data', 'Purposes and sources', 'Recipients and sub-processors', 'How long we keep it', 'Your rights']);
  });

  it('counts records and files and names the request type', () => {
    expect(byHeading['About this package']!.paragraphs[0]).toContain('data portability');
    expect(byHeading['About this package']!.paragraphs[1]).toContain('2 categories with 5 records and 4 files');
    expect(byHeading['Categories of data']!.table!.rows).toEqual([
      ['identity.profile', 'Your account', '1', '0'],
      ['generation.videos', 'Videos', '4', '4'],
    ]);
  });

  it('lists purposes once, sources in plain words, every recipient and retention rule', () => {
    expect(byHeading['Purposes and sources']!.paragraphs[0]).toBe('We process this data for: security, service.');
    expect(byHeading['Purposes and sources']!.table!.rows[1]).toEqual(['generation.videos', 'service', 'you, the video provider']);
    expect(byHeading['Recipients and sub-processors']!.table!.rows).toHaveLength(RECIPIENTS.length);
    expect(byHeading['How long we keep it']!.table!.rows).toHaveLength(RETENTION_DEFAULTS.length);
  });

  it('shows unknown source keys as they are', () => {
    expect(describeSources(['stripe', 'partner-x'])).toBe('Stripe (payments), partner-x');
  });
});
