// Content-Disposition (RFC 6266) with an ASCII filename and, when needed, a UTF-8 filename* (RFC 8187).

export type Disposition = 'inline' | 'attachment';

export function contentDisposition(type: Disposition, filename?: string): string {
  // Control characters and lone surrogates (which cannot be encoded) are dropped; path separators become "_".
  const name = [...(filename ?? '')]
    .filter((c) => c >= ' ' && c !== '\x7f' && !(c.length === 1 && c >= '\ud800' && c <= '\udfff'))
    .join('')
    .replace(/[\\/]/g, '_');
  if (name === '') return type;
  const fallback = name.replace(/[^\x20-\x7e]|["%]/g, '_');
  const plain = `${type}; filename="${fallback}"`;
  return fallback === name ? plain : `${plain}; filename*=UTF-8''${encodeExtValue(name)}`;
}

function encodeExtValue(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
