import type { StatementSummary } from './report.js';

/**
 * Lock summaries held until their file's findings have been written (the streamed JSON document lists a file's
 * `locks` after its `findings`), in a compact form: numbers in a typed array, each distinct lock entry's JSON
 * once, and the summary's first line as a reference to the file's SQL. On the 50,000-statement bench file that
 * is about 4 MB instead of 18.7 MB of JSON text. Written out, each summary is exactly JSON.stringify(summary);
 * a summary of any other shape than summarize() makes is kept as its JSON text.
 */

/** summarize()'s keys, in its order; anything after them (e.g. `origin`) is kept as JSON. */
const KEYS = ['index', 'kind', 'span', 'text', 'inTransaction', 'locks', 'findings'] as const;
const RAW = -1;
const NONE = -1;

export class LockSpool {
  private numbers = new Int32Array(1 << 12);
  private used = 0;
  private readonly texts: string[] = [];
  /** Distinct JSON pieces (lock entries, statement kinds, extra keys, whole raw summaries) by id. */
  private readonly pieces: string[] = [];
  private readonly pieceIds = new Map<string, number>();

  add(summary: StatementSummary): void {
    const keys = Object.keys(summary);
    const standard =
      KEYS.every((key, at) => keys[at] === key) &&
      isInt32(summary.index) &&
      summary.index >= 0 &&
      typeof summary.kind === 'string' &&
      plainSpan(summary.span) &&
      typeof summary.text === 'string' &&
      typeof summary.inTransaction === 'boolean' &&
      Array.isArray(summary.locks) &&
      isInt32(summary.findings);
    if (!standard) {
      this.push([RAW, this.piece(JSON.stringify(summary))]);
      this.texts.push('');
      return;
    }
    const extra = keys.length > KEYS.length ? extraJson(summary, keys.slice(KEYS.length)) : undefined;
    const { span } = summary;
    this.push([
      summary.index,
      this.piece(JSON.stringify(summary.kind)),
      span.start.line,
      span.start.column,
      span.end.line,
      span.end.column,
      summary.inTransaction ? 1 : 0,
      summary.findings,
      extra === undefined ? NONE : this.piece(extra),
      summary.locks.length,
      ...summary.locks.map((lock) => this.piece(JSON.stringify(lock))),
    ]);
    this.texts.push(summary.text);
  }

  /** Each summary's JSON text, in the order they were added. */
  *json(): Generator<string> {
    const numbers = this.numbers;
    let at = 0;
    for (const text of this.texts) {
      const index = numbers[at++] as number;
      if (index === RAW) {
        yield this.pieces[numbers[at++] as number] as string;
        continue;
      }
      const kind = this.pieces[numbers[at++] as number];
      const span = `{"start":{"line":${numbers[at++]},"column":${numbers[at++]}},"end":{"line":${numbers[at++]},"column":${numbers[at++]}}}`;
      const inTransaction = numbers[at++] === 1;
      const findings = numbers[at++];
      const extra = numbers[at++] as number;
      const count = numbers[at++] as number;
      const locks: string[] = [];
      for (let lock = 0; lock < count; lock++) locks.push(this.pieces[numbers[at++] as number] as string);
      yield `{"index":${index},"kind":${kind},"span":${span},"text":${JSON.stringify(text)},"inTransaction":${inTransaction},"locks":[${locks.join(',')}],"findings":${findings}${extra === NONE ? '' : `,${this.pieces[extra]}`}}`;
    }
  }

  private piece(json: string): number {
    let id = this.pieceIds.get(json);
    if (id === undefined) {
      id = this.pieces.length;
      this.pieces.push(json);
      this.pieceIds.set(json, id);
    }
    return id;
  }

  private push(values: number[]): void {
    if (this.used + values.length > this.numbers.length) {
      const grown = new Int32Array(Math.max(this.numbers.length * 2, this.used + values.length));
      grown.set(this.numbers.subarray(0, this.used));
      this.numbers = grown;
    }
    this.numbers.set(values, this.used);
    this.used += values.length;
  }
}

/** Whether a span is exactly {start:{line,column},end:{line,column}} with whole numbers, as LineIndex makes them. */
function plainSpan(span: StatementSummary['span']): boolean {
  const position = (value: unknown) => {
    if (typeof value !== 'object' || value === null) return false;
    const keys = Object.keys(value);
    const { line, column } = value as { line: unknown; column: unknown };
    return keys.length === 2 && keys[0] === 'line' && keys[1] === 'column' && isInt32(line) && isInt32(column);
  };
  const keys = Object.keys(span);
  return keys.length === 2 && keys[0] === 'start' && keys[1] === 'end' && position(span.start) && position(span.end);
}

function isInt32(value: unknown): boolean {
  return typeof value === 'number' && (value | 0) === value;
}

/** `"origin":{…}` and any other keys after the standard ones, as they would appear in JSON.stringify. */
function extraJson(summary: StatementSummary, keys: string[]): string | undefined {
  const record = summary as unknown as Record<string, unknown>;
  const parts = keys
    .filter((key) => record[key] !== undefined && typeof record[key] !== 'function')
    .map((key) => `${JSON.stringify(key)}:${JSON.stringify(record[key])}`);
  return parts.length > 0 ? parts.join(',') : undefined;
}
