import { contentDisposition } from './content-disposition';

describe('contentDisposition', () => {
  it('gives the bare type without a file name', () => {
    expect(contentDisposition('inline')).toBe('inline');
    expect(contentDisposition('attachment', '')).toBe('attachment');
  });

  it('quotes a plain ASCII name', () => {
    expect(contentDisposition('attachment', 'video 1.mp4')).toBe('attachment; filename="video 1.mp4"');
  });

  it('adds a UTF-8 filename* with an ASCII fallback for other names', () => {
    expect(contentDisposition('attachment', 'café (1).mp4')).toBe(`attachment; filename="caf_ (1).mp4"; filename*=UTF-8''caf%C3%A9%20%281%29.mp4`);
    expect(contentDisposition('inline', 'a"b%.txt')).toBe(`inline; filename="a_b_.txt"; filename*=UTF-8''a%22b%25.txt`);
  });

  it('drops control characters and lone surrogates, and replaces path separators', () => {
    expect(contentDisposition('attachment', 'evil\r\nSet-Cookie: x.txt')).toBe('attachment; filename="evilSet-Cookie: x.txt"');
    expect(contentDisposition('attachment', '../etc\\passwd')).toBe('attachment; filename=".._etc_passwd"');
    expect(contentDisposition('attachment', 'a\ud800b.txt')).toBe('attachment; filename="ab.txt"');
  });
});
