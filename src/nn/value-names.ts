/**
 * Unique, sanitised value names for a GraphModule that is being built (by
 * the ONNX and TF.js importers, or by cutting a backbone): module and buffer
 * names may not contain '.', and two values may not share a name.
 */
export class ValueNames {
  private readonly used = new Set<string>();

  /** @param fallback the name of a value whose raw name has no usable character */
  constructor(private readonly fallback = 'node') {}

  /** Marks names already taken (those of an existing graph). */
  reserve(names: Iterable<string>): this {
    for (const n of names) this.used.add(n);
    return this;
  }

  /**
   * `raw` with every run of other characters than letters, digits and '_'
   * made one '_', a leading digit prefixed with 'n', and `_2`, `_3` ...
   * appended until it is unused; the result is then taken.
   * @example new ValueNames().make('layer1.0/conv') // 'layer1_0_conv'
   */
  make(raw: string): string {
    let base = raw.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || this.fallback;
    if (/^\d/.test(base)) base = `n${base}`;
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }
}
