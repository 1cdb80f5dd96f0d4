/**
 * Turning the path of a request URL into a file path under the served root,
 * or a refusal. Written against the raw request target (not a WHATWG URL,
 * which would silently resolve `..`), so a traversal attempt is refused
 * outright instead of being "repaired" into some other file.
 */

/** A request path that maps to a file inside the root, as path segments. */
export interface SafePath {
  ok: true;
  /** Decoded segments, none empty, none '.' or '..', none hidden; [] for the root. */
  segments: string[];
}

/** A refused request target: the HTTP status to answer and why. */
export interface RefusedPath {
  ok: false;
  status: 400 | 403 | 414;
  reason: string;
}

/** Longest request target accepted (Node's header limit applies too). */
export const MAX_TARGET_LENGTH = 2048;

/**
 * Splits and decodes a request target (`/models/a%20b.fovea?x=1`) into path
 * segments, refusing anything that could name a file outside the root:
 * `.` and `..` segments (plain or percent-encoded), encoded slashes or
 * backslashes inside a segment, NUL bytes, malformed percent-encoding and
 * hidden files (a segment starting with '.'). Empty segments (`//`) are
 * dropped. The query string and fragment are ignored.
 *
 * @example
 * parseRequestPath('/models/digits.fovea')   // { ok: true, segments: ['models', 'digits.fovea'] }
 * parseRequestPath('/a/../../etc/passwd')    // { ok: false, status: 403, reason: "'..' in path" }
 */
export function parseRequestPath(target: string): SafePath | RefusedPath {
  if (target.length > MAX_TARGET_LENGTH) return { ok: false, status: 414, reason: `request target longer than ${MAX_TARGET_LENGTH} characters` };
  const end = target.search(/[?#]/);
  const path = end < 0 ? target : target.slice(0, end);
  if (!path.startsWith('/')) return { ok: false, status: 400, reason: 'request path must start with /' };
  const segments: string[] = [];
  for (const raw of path.split('/')) {
    if (raw === '') continue;
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400, reason: 'malformed percent-encoding in path' };
    }
    if (seg === '.' || seg === '..') return { ok: false, status: 403, reason: `'${seg}' in path` };
    if (/[/\\\0]/.test(seg)) return { ok: false, status: 403, reason: 'slash, backslash or NUL inside a path segment' };
    if (seg.startsWith('.')) return { ok: false, status: 403, reason: 'hidden files are not served' };
    segments.push(seg);
  }
  return { ok: true, segments };
}
