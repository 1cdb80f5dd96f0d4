/** A small helper for building DOM without a framework. */

type Attrs = Record<string, string | number | boolean | undefined>;

/**
 * Creates an element with attributes (`class`, `data-*`, `aria-*` …; false
 * or undefined leaves one out) and children (strings become text).
 * @example el('button', { class: 'tool', type: 'button' }, 'Undo')
 */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : String(v));
  }
  e.append(...children);
  return e;
}

/** The element with this id, typed; throws if the page lacks it (a bug in index.html). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`index.html has no #${id}`);
  return e as T;
}

/** A number for display: 4 significant digits, no exponent for everyday sizes. */
export function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}
