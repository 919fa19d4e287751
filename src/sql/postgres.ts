import type { Node, ParseResult, RawStmt } from 'libpg-query';
import { UserError } from '../errors.js';
import type { Statement } from '../model.js';
import { blockCommentEnd } from './block-comment.js';
import { chunkBoundaries } from './chunks.js';
import { loadPgQueryParser, type PgQueryParser } from './pg-query-wasm.js';
import { byteToCharOffsets, LineIndex } from './positions.js';

/**
 * The one door to the PostgreSQL parser. libpg-query (libpg_query compiled to WASM, PostgreSQL 18 grammar)
 * replaced pg-query-emscripten, which leaks memory per parse and dies after ~920 parses in one process;
 * see the README. The module is loaded once, lazily, and serves the whole process lifetime.
 */

let loading: Promise<PgQueryParser> | undefined;

let loaded: PgQueryParser | undefined;

export function loadPostgresParser(): Promise<PgQueryParser> {
  loading ??= loadPgQueryParser().then((parser) => {
    loaded = parser;
    return parser;
  });
  return loading;
}

/** The parser for synchronous callers, once loadPostgresParser() has resolved; undefined before. */
export function loadedPostgresParser(): PgQueryParser | undefined {
  return loaded;
}

/** The parser for code that only runs on statements already parsed (the rules): it is loaded by then. */
export function parserOfParsedStatements(): PgQueryParser {
  if (!loaded) throw new Error('the PostgreSQL parser is used before any statement was parsed');
  return loaded;
}

/** A statement with its parse tree. */
export interface PgStatement extends Statement {
  /** The parse tree node, e.g. `{ AlterTableStmt: {...} }`. */
  ast: Node;
  /**
   * Node `location`s in `ast` are UTF-8 byte offsets into the text handed to the parser, which starts at this
   * byte offset of the whole SQL (0 unless a large file was parsed in pieces): whole-text byte offset =
   * location + locationBase.
   */
  locationBase: number;
  /** UTF-8 byte offset of `sql`'s first character in the whole text (so a location minus this is local to `sql`). */
  byteStart?: number;
}

/**
 * Splits PostgreSQL text into statements with exact positions and their parse trees.
 * A syntax error becomes a UserError at file:line:col with the offending line.
 */
export async function parsePostgres(sql: string, file?: string, offer = false): Promise<PgStatement[]> {
  const offered = takeOffered(sql);
  const statements: PgStatement[] = offered ?? [];
  if (!offered) for await (const batch of batches(await loadPostgresParser(), sql, file)) statements.push(...batch);
  if (offer) offerParse(sql, statements);
  return offered ? [...statements] : statements;
}

/**
 * In a one-shot `check`, a format's reader parses each migration to split it into statements, and the check then
 * parses the same text again for its parse trees. The reader offers its parse (it keeps only the statements' text
 * and spans, never the trees) and the next parse of the same text takes it, so each tree has one user. Off in the
 * MCP server, whose requests interleave and whose files may change between them. What waits to be taken is capped,
 * so a history of huge files does not hold all its trees at once.
 */
let offers: Map<string, PgStatement[]> | undefined;
let offeredChars = 0;
const OFFERED_CHARS_CAP = 2 * 1024 * 1024;

export function reuseOfferedParses(): void {
  offers ??= new Map();
}

/** True in a one-shot check, where a parse made while reading is taken by the check. */
export function offeringParses(): boolean {
  return offers !== undefined;
}

function offerParse(sql: string, statements: PgStatement[]): void {
  if (!offers || offers.has(sql) || offeredChars + sql.length > OFFERED_CHARS_CAP) return;
  offers.set(sql, statements);
  offeredChars += sql.length;
}

function takeOffered(sql: string): PgStatement[] | undefined {
  const statements = offers?.get(sql);
  if (statements) {
    offers?.delete(sql);
    offeredChars -= sql.length;
  }
  return statements;
}

/**
 * The same statements in batches of about 16 KB of SQL (CHUNK_CHARS), parsed as they are consumed, so a caller
 * that handles one batch at a time never holds every parse tree of a huge file at once. A syntax error is thrown
 * when the batch that holds it is reached. Between the pieces of a large text the event loop gets a turn, so a
 * long check does not stall the MCP server's other requests.
 *
 * The pieces are parsed in this thread. A parser thread that parsed ahead was measured and removed: on the
 * 50,000-statement bench file it saved about 0.15 s of 2.5 s, and its second V8 heap and second WebAssembly
 * instance cost about 30 MB of the peak memory, which decides the 200 MB target.
 */
export async function parsePostgresBatches(sql: string, file?: string): Promise<AsyncIterable<PgStatement[]>> {
  const offered = takeOffered(sql);
  if (offered) return oneBatch(offered);
  const lib = await loadPostgresParser();
  return batches(lib, sql, file);
}

async function* oneBatch(statements: PgStatement[]): AsyncGenerator<PgStatement[]> {
  if (statements.length > 0) yield statements;
}

async function* batches(lib: PgQueryParser, sql: string, file: string | undefined): AsyncGenerator<PgStatement[]> {
  let first = true;
  for (const batch of pieces(lib, sql, file)) {
    if (!first) await new Promise((resolve) => setImmediate(resolve));
    first = false;
    yield batch;
  }
}

/** Parses the text piece by piece (see chunkBoundaries), each piece's statements as one batch. */
function* pieces(lib: PgQueryParser, sql: string, file: string | undefined): Generator<PgStatement[]> {
  // An empty file holds no statement (the parser calls it "Query cannot be empty"): an empty up is a no-op.
  if (sql.trim() === '') return;
  const read = statementReader(sql);
  const cuts = [...chunkBoundaries(sql), sql.length];
  let start = 0;
  let startByte = 0;
  for (let index = 0; index < cuts.length; index++) {
    const end = cuts[index] as number;
    const piece = sql.slice(start, end);
    let result: ParseResult | undefined;
    try {
      result = lib.parseSync(piece);
    } catch (error) {
      // A piece cut inside a BEGIN ATOMIC body: parse it together with the next piece.
      if (index < cuts.length - 1) continue;
      throw syntaxError(sql, error, file, start);
    }
    const statements = read(result, startByte);
    startByte += byteLength(piece);
    start = end;
    // The raw result holds every parse tree of the piece; the consumer decides how long each one lives.
    result = undefined;
    yield statements;
  }
}

/** Turns one piece's parse result into located statements (`startByte`: the piece's first byte in `sql`). */
function statementReader(sql: string): (result: ParseResult, startByte: number) => PgStatement[] {
  const toChar = byteToCharOffsets(sql);
  const lines = new LineIndex(sql);
  return (result, startByte) => {
    const statements: PgStatement[] = [];
    for (const raw of result.stmts ?? []) {
      const located = locate(sql, raw, toChar, startByte);
      if (!located || !raw.stmt) continue;
      statements.push({
        sql: sql.slice(located.start, located.end),
        span: { start: lines.position(located.start), end: lines.position(located.end) },
        offset: { start: located.start, end: located.end },
        ast: raw.stmt,
        locationBase: startByte,
        byteStart: located.byteStart,
      });
    }
    return statements;
  };
}

function byteLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for the ASCII range on purpose
  return /^[\x00-\x7f]*$/.test(text) ? text.length : Buffer.byteLength(text, 'utf8');
}

/** Trims the leading whitespace and comments libpg_query includes in a statement's range. */
function locate(
  sql: string,
  raw: RawStmt,
  toChar: (byte: number) => number,
  baseByte: number,
): { start: number; end: number; byteStart: number } | undefined {
  const startByte = baseByte + (raw.stmt_location ?? 0);
  const start = toChar(startByte);
  const end = raw.stmt_len ? toChar(startByte + raw.stmt_len) : sql.length;
  let cursor = start;
  for (;;) {
    while (cursor < end && /\s/.test(sql[cursor] ?? '')) cursor++;
    if (sql.startsWith('--', cursor)) {
      const newline = sql.indexOf('\n', cursor);
      cursor = newline === -1 || newline > end ? end : newline + 1;
    } else if (sql.startsWith('/*', cursor)) {
      cursor = blockCommentEnd(sql, cursor, end);
    } else break;
  }
  let stop = end;
  while (stop > cursor && /[\s;]/.test(sql[stop - 1] ?? '')) stop--;
  if (cursor >= stop) return undefined;
  return { start: cursor, end: stop, byteStart: startByte + byteLength(sql.slice(start, cursor)) };
}

function syntaxError(sql: string, error: unknown, file?: string, pieceStart = 0): UserError {
  const details = (error as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
  const message = details?.message ?? (error instanceof Error ? error.message : String(error));
  const lines = new LineIndex(sql);
  // libpg_query reports the cursor in characters (code points) of the text it parsed, not bytes.
  const offset = Math.max(
    0,
    Math.min(sql.length, pieceStart + codePointsToUnits(sql, pieceStart, details?.cursorPosition ?? 0)),
  );
  const position = lines.position(offset);
  const lineText = lines.lineText(position.line);
  const marker = `${' '.repeat(Math.max(0, position.column - 1))}^`;
  return new UserError(
    'sql-syntax',
    `PostgreSQL syntax error: ${message}\n    ${lineText}\n    ${marker}`,
    'Correct the SQL at that position; the statement must parse with the PostgreSQL 18 grammar.',
    { ...(file ? { file } : {}), line: position.line, column: position.column },
  );
}

/** UTF-16 length of the first `codePoints` code points of `text` from `start`. */
function codePointsToUnits(text: string, start: number, codePoints: number): number {
  let units = 0;
  for (let seen = 0; seen < codePoints && start + units < text.length; seen++) {
    const code = text.charCodeAt(start + units);
    units += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
  }
  return units;
}
