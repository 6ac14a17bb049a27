/**
 * The tokens of one line of a Prometheus exposition (text format 0.0.4 and OpenMetrics 1.0 share
 * them): metric and label names, quoted label values with their escapes (`\\`, `\"`, `\n`; any other
 * escaped character is kept as written, as Prometheus does), float values in Go's syntax (`NaN`,
 * `+Inf`, `-Inf` in any letter case, as strconv.ParseFloat reads them) and integer or decimal
 * timestamps. A malformed token throws an ExpositionError naming the line and column.
 */

export class ExpositionError extends Error {
  /** 1-based line of the exposition where the problem is. */
  readonly line: number;

  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'ExpositionError';
    this.line = line;
  }
}

// Sticky patterns, matched at the scanner's position (one regex run per token, not per character).
const METRIC_NAME_AT = /[A-Za-z_:][A-Za-z0-9_:]*/y;
const LABEL_NAME_AT = /[A-Za-z_][A-Za-z0-9_]*/y;
const BLANKS_AT = /[ \t]*/y;
const TOKEN_AT = /[^ \t]*/y;
const QUOTED_AT = /"((?:[^"\\]|\\.)*)"/y;
const DECIMAL_FLOAT_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL_FLOAT_RE = /^([+-]?)(inf|infinity|nan)$/i;
const INTEGER_RE = /^-?\d+$/;

/** A float in Go's decimal syntax, or undefined. */
export function parseGoFloat(text: string): number | undefined {
  if (DECIMAL_FLOAT_RE.test(text)) return Number(text);
  const special = SPECIAL_FLOAT_RE.exec(text);
  if (!special) return undefined;
  if (special[2]!.toLowerCase() === 'nan') return NaN;
  return special[1] === '-' ? -Infinity : Infinity;
}

/** Text with the exposition's escapes (`\\`, `\"`, `\n`) resolved; other escapes are kept as written. */
export function unescapeText(text: string): string {
  return text.replace(/\\(.)/g, (escape, char: string) => {
    if (char === 'n') return '\n';
    if (char === '\\' || char === '"') return char;
    return escape;
  });
}

/** A cursor over one line. */
export class LineScanner {
  private pos = 0;
  readonly text: string;
  readonly lineNo: number;

  constructor(text: string, lineNo: number) {
    this.text = text;
    this.lineNo = lineNo;
  }

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string {
    return this.text[this.pos] ?? '';
  }

  fail(message: string): never {
    throw new ExpositionError(this.lineNo, `${message} (column ${this.pos + 1})`);
  }

  /** What `pattern` (sticky) matches at the position, consumed; null when it matches nothing there. */
  private match(pattern: RegExp): RegExpExecArray | null {
    pattern.lastIndex = this.pos;
    const found = pattern.exec(this.text);
    if (found) this.pos += found[0].length;
    return found;
  }

  /** Skips spaces and tabs; returns how many were skipped. */
  blanks(): number {
    return this.match(BLANKS_AT)![0].length;
  }

  /** Exactly the given text, or an error saying what was expected. */
  expect(text: string, what: string): void {
    if (!this.text.startsWith(text, this.pos)) this.fail(`expected ${what}`);
    this.pos += text.length;
  }

  /** Consumes `text` when it comes next. */
  accept(text: string): boolean {
    if (!this.text.startsWith(text, this.pos)) return false;
    this.pos += text.length;
    return true;
  }

  metricName(): string {
    return this.match(METRIC_NAME_AT)?.[0] ?? this.fail('expected a metric name');
  }

  labelName(): string {
    return this.match(LABEL_NAME_AT)?.[0] ?? this.fail('expected a label name');
  }

  /** A double-quoted string, unescaped. */
  quoted(): string {
    if (this.peek() !== '"') this.fail('expected a double-quoted label value');
    const found = this.match(QUOTED_AT) ?? this.fail('unterminated label value');
    const raw = found[1]!;
    return raw.includes('\\') ? unescapeText(raw) : raw;
  }

  /**
   * `{name="value",...}` (a trailing comma allowed); a label given twice is an error. The object has
   * no prototype, so a label named `__proto__` is kept as a label (for the store to refuse).
   */
  labels(): Record<string, string> {
    const labels = Object.create(null) as Record<string, string>;
    this.expect('{', '{');
    for (;;) {
      this.blanks();
      if (this.accept('}')) return labels;
      const name = this.labelName();
      this.blanks();
      this.expect('=', `= after the label name ${name}`);
      this.blanks();
      const value = this.quoted();
      if (Object.hasOwn(labels, name)) this.fail(`label ${name} given twice`);
      labels[name] = value;
      this.blanks();
      if (this.accept('}')) return labels;
      this.expect(',', ', or } after a label');
    }
  }

  /** The next run of characters up to a blank or the end of the line. */
  token(): string {
    return this.match(TOKEN_AT)![0];
  }

  /** Everything left on the line. */
  rest(): string {
    const rest = this.text.slice(this.pos);
    this.pos = this.text.length;
    return rest;
  }

  /** A sample value in Go's float syntax. */
  value(): number {
    const token = this.token();
    const value = parseGoFloat(token);
    if (value === undefined) this.fail(`${JSON.stringify(token)} is not a number`);
    return value;
  }

  /** A timestamp in integer milliseconds (text format 0.0.4). */
  millisecondTimestamp(): number {
    const token = this.token();
    const ms = INTEGER_RE.test(token) ? Number(token) : NaN;
    if (!Number.isSafeInteger(ms)) this.fail(`${JSON.stringify(token)} is not a timestamp in integer milliseconds`);
    return ms;
  }

  /** A timestamp in seconds, possibly fractional (OpenMetrics), as integer milliseconds. */
  secondTimestamp(): number {
    const token = this.token();
    const seconds = DECIMAL_FLOAT_RE.test(token) ? Number(token) : NaN;
    const ms = Math.round(seconds * 1000);
    if (!Number.isSafeInteger(ms)) this.fail(`${JSON.stringify(token)} is not a timestamp in seconds`);
    return ms;
  }
}
