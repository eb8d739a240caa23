import { contentRange, parseRangeHeader, unsatisfiedContentRange } from './range-header';

const whole = { kind: 'whole' };
const unsatisfiable = { kind: 'unsatisfiable' };
const partial = (start: number, end: number) => ({ kind: 'partial', start, end });

describe('parseRangeHeader', () => {
  it('serves the whole object when there is no Range header', () => {
    expect(parseRangeHeader(undefined, 1000)).toEqual(whole);
  });

  it.each([
    ['bytes=0-99', partial(0, 99)],
    ['bytes=0-0', partial(0, 0)],
    ['bytes=999-999', partial(999, 999)],
    ['bytes=100-', partial(100, 999)],
    ['bytes=0-', partial(0, 999)],
    ['bytes=-500', partial(500, 999)],
    ['bytes=-1', partial(999, 999)],
    ['bytes=500-1500', partial(500, 999)],
    ['bytes=0-999', partial(0, 999)],
    ['bytes=0-1000', partial(0, 999)],
    ['bytes=-1000', partial(0, 999)],
    ['bytes=-5000', partial(0, 999)],
    ['bytes=0010-0019', partial(10, 19)],
    [`bytes=0-${'9'.repeat(400)}`, partial(0, 999)],
    [`bytes=-${'9'.repeat(400)}`, partial(0, 999)],
  ])('answers %s on 1000 bytes with a single range', (header, expected) => {
    expect(parseRangeHeader(header, 1000)).toEqual(expected);
  });

  it.each([
    ['bytes=1000-', 'start = size'],
    ['bytes=1000-1000', 'start = size with an end'],
    ['bytes=5000-6000', 'start beyond size'],
    [`bytes=${'9'.repeat(400)}-`, 'a start too large for a number'],
    ['bytes=-0', 'an empty suffix'],
  ])('answers %s on 1000 bytes as unsatisfiable (%s)', (header) => {
    expect(parseRangeHeader(header, 1000)).toEqual(unsatisfiable);
  });

  it('treats every first-pos range on an empty object as unsatisfiable', () => {
    expect(parseRangeHeader('bytes=0-', 0)).toEqual(unsatisfiable);
    expect(parseRangeHeader('bytes=0-0', 0)).toEqual(unsatisfiable);
    expect(parseRangeHeader('bytes=-0', 0)).toEqual(unsatisfiable);
  });

  it('serves an empty object whole for a non-zero suffix: satisfiable, but a 206 would have no byte to carry', () => {
    expect(parseRangeHeader('bytes=-10', 0)).toEqual(whole);
  });

  it('compares the unit case-insensitively', () => {
    expect(parseRangeHeader('Bytes=0-9', 100)).toEqual(partial(0, 9));
    expect(parseRangeHeader('BYTES=-9', 100)).toEqual(partial(91, 99));
  });

  it('accepts optional whitespace around list elements and skips empty ones', () => {
    expect(parseRangeHeader('bytes= 0-9', 100)).toEqual(partial(0, 9));
    expect(parseRangeHeader('bytes=0-9 ', 100)).toEqual(partial(0, 9));
    expect(parseRangeHeader(' bytes=0-9', 100)).toEqual(partial(0, 9));
    expect(parseRangeHeader('bytes=0-9,', 100)).toEqual(partial(0, 9));
    expect(parseRangeHeader('bytes=, \t0-9', 100)).toEqual(partial(0, 9));
  });

  it.each([
    ['bytes = 0-9', 'whitespace before "="'],
    ['bytes =0-9', 'whitespace before "="'],
    ['bytes=0 - 9', 'whitespace inside a range'],
    ['bytes=0- 9', 'whitespace inside a range'],
    ['items=0-9', 'another unit'],
    ['none', 'no "="'],
    ['0-9', 'no unit'],
    ['=0-9', 'an empty unit'],
    ['bytes=', 'no range'],
    ['bytes=,', 'only empty elements'],
    ['bytes=-', 'neither position'],
    ['bytes=9-0', 'last before first'],
    ['bytes=a-b', 'letters'],
    ['bytes=1.5-2', 'a fraction'],
    ['bytes=+1-2', 'a sign'],
    ['bytes=--1', 'a negative suffix'],
    ['bytes=0-9-10', 'three parts'],
    ['bytes=0x10-20', 'hexadecimal'],
    ['bytes=0-9;q=1', 'parameters'],
  ])('ignores the malformed header %j (%s) and serves the whole object', (header) => {
    expect(parseRangeHeader(header, 100)).toEqual(whole);
  });

  it('ignores multiple ranges, even when one of them is unsatisfiable', () => {
    expect(parseRangeHeader('bytes=0-9,20-29', 100)).toEqual(whole);
    expect(parseRangeHeader('bytes=0-9, -5', 100)).toEqual(whole);
    expect(parseRangeHeader('bytes=500-600,0-1', 100)).toEqual(whole);
  });

  it('formats Content-Range for 206 and 416 answers', () => {
    expect(contentRange(0, 99, 1000)).toBe('bytes 0-99/1000');
    expect(unsatisfiedContentRange(1000)).toBe('bytes */1000');
    expect(unsatisfiedContentRange(0)).toBe('bytes */0');
  });
});
