/**
 * Reads one JavaScript literal (object, array, string, number, `true`,
 * `!0`, `null`, ...) out of a minified script without running it. Some
 * packages ship TF.js models as UMD modules (nsfwjs: `module.exports =
 * {modelTopology: ...}` and `module.exports = "<base64 weights>"`); this
 * gets at the data without executing the package's code.
 */

type Fail = (problem: string) => never;

const MAX_DEPTH = 512;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };

class Reader {
  pos: number;
  constructor(readonly src: string, start: number, readonly fail: Fail) {
    this.pos = start;
  }

  private skip(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++;
  }

  private expect(ch: string): void {
    this.skip();
    if (this.src[this.pos] !== ch) this.fail(`expected '${ch}' at offset ${this.pos}, found '${this.src.slice(this.pos, this.pos + 10)}'`);
    this.pos++;
  }

  value(depth = 0): unknown {
    if (depth > MAX_DEPTH) this.fail(`literal nested more than ${MAX_DEPTH} deep`);
    this.skip();
    const ch = this.src[this.pos];
    if (ch === undefined) return this.fail('unexpected end of the script');
    if (ch === '{') return this.object(depth);
    if (ch === '[') return this.array(depth);
    if (ch === '"' || ch === "'") return this.string();
    if (ch === '!' && (this.src[this.pos + 1] === '0' || this.src[this.pos + 1] === '1')) {
      this.pos += 2;
      return this.src[this.pos - 1] === '0';
    }
    if (/[-+.\d]/.test(ch)) return this.number();
    const word = /^[A-Za-z_$][\w$]*/.exec(this.src.slice(this.pos, this.pos + 32))?.[0];
    const words: Record<string, unknown> = { true: true, false: false, null: null, undefined: null, Infinity: Infinity, NaN: NaN };
    if (word !== undefined && word in words) {
      this.pos += word.length;
      return words[word];
    }
    if (word === 'void') {
      this.pos += 4;
      this.value(depth + 1);
      return null;
    }
    return this.fail(`not a literal at offset ${this.pos}: '${this.src.slice(this.pos, this.pos + 20)}'`);
  }

  private object(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    this.pos++;
    for (;;) {
      this.skip();
      if (this.src[this.pos] === '}') {
        this.pos++;
        return out;
      }
      const ch = this.src[this.pos];
      let key: string;
      if (ch === '"' || ch === "'") key = this.string();
      else if (ch !== undefined && /[\d.]/.test(ch)) key = String(this.number());
      else {
        const m = /^[A-Za-z_$][\w$]*/.exec(this.src.slice(this.pos, this.pos + 256));
        if (!m) return this.fail(`expected a property name at offset ${this.pos}`);
        key = m[0];
        this.pos += key.length;
      }
      this.expect(':');
      out[key] = this.value(depth + 1);
      this.skip();
      if (this.src[this.pos] === ',') this.pos++;
      else if (this.src[this.pos] !== '}') this.fail(`expected ',' or '}' at offset ${this.pos}`);
    }
  }

  private array(depth: number): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    for (;;) {
      this.skip();
      if (this.src[this.pos] === ']') {
        this.pos++;
        return out;
      }
      out.push(this.value(depth + 1));
      this.skip();
      if (this.src[this.pos] === ',') this.pos++;
      else if (this.src[this.pos] !== ']') this.fail(`expected ',' or ']' at offset ${this.pos}`);
    }
  }

  private string(): string {
    const quote = this.src[this.pos]!;
    let out = '';
    let i = this.pos + 1;
    for (;;) {
      // copy the run up to the next quote or backslash in one go (base64 weights are megabytes long)
      let j = i;
      while (j < this.src.length && this.src[j] !== quote && this.src[j] !== '\\') j++;
      out += this.src.slice(i, j);
      if (j >= this.src.length) return this.fail('unterminated string');
      if (this.src[j] === quote) {
        this.pos = j + 1;
        return out;
      }
      const e = this.src[j + 1];
      if (e === 'u' || e === 'x') {
        const len = e === 'u' ? 4 : 2;
        const hex = this.src.slice(j + 2, j + 2 + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) this.fail(`bad escape at offset ${j}`);
        out += String.fromCharCode(parseInt(hex, 16));
        i = j + 2 + len;
      } else {
        if (e === undefined) return this.fail('unterminated string');
        out += ESCAPES[e] ?? e;
        i = j + 2;
      }
    }
  }

  private number(): number {
    const m = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(this.src.slice(this.pos, this.pos + 64));
    if (!m) {
      const inf = /^[-+]Infinity/.exec(this.src.slice(this.pos, this.pos + 9));
      if (!inf) return this.fail(`bad number at offset ${this.pos}`);
      this.pos += inf[0].length;
      return inf[0][0] === '-' ? -Infinity : Infinity;
    }
    this.pos += m[0].length;
    return Number(m[0]);
  }
}

/**
 * The literal assigned by the first `exports=` (or `exports =`) in a
 * CommonJS/UMD script.
 * @example const modelJson = exportedLiteral(readFileSync('model.min.js', 'utf8'), fail);
 */
export function exportedLiteral(src: string, fail: Fail): unknown {
  const m = /\bexports\s*=\s*(?=[{["'])/.exec(src);
  if (!m) return fail("no 'exports = <literal>' in the script");
  return new Reader(src, m.index + m[0].length, fail).value();
}
