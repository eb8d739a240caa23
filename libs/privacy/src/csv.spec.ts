import { CsvColumns, csvCell, csvLine, flattenRecord, toCsv } from './csv';

describe('CSV serialisation (RFC 4180)', () => {
  it('quotes fields with commas, quotes and line breaks, doubling quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\r')).toBe('"cr\r"');
  });

  it('writes empty cells for null and undefined, true/false for booleans, finite numbers as written', () => {
    expect(csvLine([null, undefined, true, false, 0, -1.5, Number.NaN])).toBe(',,true,false,0,-1.5,\r\n');
  });

  it('neutralises spreadsheet formulas in text (CSV injection), not negative numbers', () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell('+1 555')).toBe("'+1 555");
    expect(csvCell('-x')).toBe("'-x");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell(-3)).toBe('-3');
  });

  it('joins arrays of plain values with "; " and writes nested structures as JSON', () => {
    expect(csvCell(['a', 'b', null])).toBe('a; b; ');
    expect(csvCell([{ x: 1 }])).toBe('"[{""x"":1}]"');
  });

  it('flattens nested objects into dotted columns up to the depth limit', () => {
    expect(flattenRecord({ a: { b: 1, c: { d: 'x' } }, e: [1, 2], f: {} })).toEqual({ 'a.b': 1, 'a.c.d': 'x', e: [1, 2], f: {} });
    expect(flattenRecord({ a: { b: { c: { d: 1 } } } }, 2)).toEqual({ 'a.b': { c: { d: 1 } } });
  });

  it('collects columns in first-seen order and leaves missing cells empty', () => {
    const cols = new CsvColumns();
    cols.add({ a: 1, b: 2 });
    cols.add({ c: 3, a: 4 });
    expect(cols.columns).toEqual(['a', 'b', 'c']);
    expect(toCsv([{ a: 1, b: 'x' }, { c: true }])).toBe('a,b,c\r\n1,x,\r\n,,true\r\n');
  });

  it('writes an empty header line when there are no records', () => {
    expect(toCsv([])).toBe('\r\n');
  });
});
