import { ifNoneMatchMatches, ifRangeAllowsRange } from './conditional-request';

const etag = '"0123abcd"';

describe('ifNoneMatchMatches', () => {
  it('does not match without the header', () => {
    expect(ifNoneMatchMatches(undefined, etag)).toBe(false);
  });

  it('matches the same tag, a weak form of it, "*", and the tag inside a list', () => {
    expect(ifNoneMatchMatches('"0123abcd"', etag)).toBe(true);
    expect(ifNoneMatchMatches('W/"0123abcd"', etag)).toBe(true);
    expect(ifNoneMatchMatches(' * ', etag)).toBe(true);
    expect(ifNoneMatchMatches('"zzz", W/"yyy" ,"0123abcd"', etag)).toBe(true);
  });

  it('does not match other tags, unquoted values or a prefix of the tag', () => {
    expect(ifNoneMatchMatches('"other"', etag)).toBe(false);
    expect(ifNoneMatchMatches('0123abcd', etag)).toBe(false);
    expect(ifNoneMatchMatches('"0123abc"', etag)).toBe(false);
    expect(ifNoneMatchMatches('', etag)).toBe(false);
  });
});

describe('ifRangeAllowsRange', () => {
  it('allows the range without If-Range or with the same strong tag', () => {
    expect(ifRangeAllowsRange(undefined, etag)).toBe(true);
    expect(ifRangeAllowsRange('"0123abcd"', etag)).toBe(true);
  });

  it('refuses the range for another tag, a weak tag or a date', () => {
    expect(ifRangeAllowsRange('"other"', etag)).toBe(false);
    expect(ifRangeAllowsRange('W/"0123abcd"', etag)).toBe(false);
    expect(ifRangeAllowsRange('Wed, 21 Oct 2015 07:28:00 GMT', etag)).toBe(false);
  });
});
