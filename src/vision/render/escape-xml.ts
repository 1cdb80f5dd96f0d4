/**
 * Escapes text for XML/HTML content and attribute values (& < > " ').
 * Platform-free.
 *
 * @example `<text>${escapeXml('T-shirt/top & <co>')}</text>`
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
