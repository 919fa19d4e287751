import type { AlterTableCmd, ColumnDef, Constraint, Node, RangeVar, TypeName } from 'libpg-query';
import { identifier } from '../../engines/postgresql/identifiers.js';
import { blocksWrites } from '../../engines/postgresql/locks.js';
import { parserOfParsedStatements } from '../../sql/postgres.js';
import { type LexToken, lexAscii } from '../../sql/tokens.js';
import { typeNameText } from '../ast.js';
import { namesOf, relationDisplay, relationKey } from '../names.js';
import { RecentMemo } from '../recent-memo.js';
import type { CatalogView, FixStep, QueuedTraffic, RuleContext, Severity } from '../types.js';

/** Memos remember the statement being checked (and one more), and the type nodes of its last few columns. */
const STATEMENTS = 2;
const TYPE_NODES = 16;

/**
 * Parse-tree readers and fix builders shared by the rules (not a rule itself). Table keys are the engine's
 * `schema.table` keys (names.ts); display names are the relation as the SQL wrote it.
 */

type KeysOfUnion<T> = T extends unknown ? keyof T : never;
export type NodeKind = KeysOfUnion<Node>;
export type NodeOf<K extends NodeKind> = Extract<Node, Record<K, unknown>> extends Record<K, infer V> ? V : never;

/** The statement or expression behind a node when it is of the given kind: `nodeAs(ast, 'IndexStmt')`. */
export function nodeAs<K extends NodeKind>(node: Node | undefined, kind: K): NodeOf<K> | undefined {
  if (node && kind in node) return (node as unknown as Record<K, NodeOf<K>>)[kind];
  return undefined;
}

export interface Relation {
  /** `schema.table` key the catalog understands. */
  key: string;
  /** As written, for SQL and messages. */
  display: string;
}

/** The table name of a `schema.table` key, for generated object names: `public.orders` → `orders`. */
export function unqualified(key: string): string {
  return key.slice(key.indexOf('.') + 1);
}

export function relationOf(range: RangeVar | undefined): Relation | undefined {
  const key = relationKey(range);
  const display = relationDisplay(range);
  if (!key || !display) return undefined;
  return { key, display: qualifiedSql(display) };
}

const alteredTables = new RecentMemo<object, { table: Relation; cmds: AlterTableCmd[] } | undefined>(STATEMENTS);

/**
 * An ALTER TABLE statement with its actions, or undefined for any other statement. Worked out once per
 * statement and shared by every rule that asks (the result is read-only).
 */
export function alterTableOf(context: RuleContext): { table: Relation; cmds: AlterTableCmd[] } | undefined {
  return alteredTables.get(context.statement, () => readAlterTable(context));
}

function readAlterTable(context: RuleContext): { table: Relation; cmds: AlterTableCmd[] } | undefined {
  const stmt = nodeAs(context.statement.ast, 'AlterTableStmt');
  if (!stmt || (stmt.objtype !== 'OBJECT_TABLE' && stmt.objtype !== undefined)) return undefined;
  const table = relationOf(stmt.relation);
  if (!table) return undefined;
  const cmds: AlterTableCmd[] = [];
  for (const item of stmt.cmds ?? []) {
    const cmd = nodeAs(item, 'AlterTableCmd');
    if (cmd) cmds.push(cmd);
  }
  return { table, cmds };
}

export function columnDefOf(cmd: AlterTableCmd): ColumnDef | undefined {
  return nodeAs(cmd.def, 'ColumnDef');
}

export function constraintOf(cmd: AlterTableCmd): Constraint | undefined {
  return nodeAs(cmd.def, 'Constraint');
}

/**
 * The constraints one ALTER TABLE command adds: ADD CONSTRAINT's own, or those written inline on ADD COLUMN
 * (then `column` is that column's definition).
 */
export function addedConstraints(cmd: AlterTableCmd): { constraints: Constraint[]; column?: ColumnDef } {
  if (cmd.subtype === 'AT_AddConstraint') {
    const constraint = constraintOf(cmd);
    return { constraints: constraint ? [constraint] : [] };
  }
  const column = cmd.subtype === 'AT_AddColumn' ? columnDefOf(cmd) : undefined;
  return column ? { constraints: columnConstraints(column), column } : { constraints: [] };
}

export function columnConstraints(def: ColumnDef): Constraint[] {
  const list: Constraint[] = [];
  for (const item of def.constraints ?? []) {
    const constraint = nodeAs(item, 'Constraint');
    if (constraint) list.push(constraint);
  }
  return list;
}

type CreatedTable = { table: Relation; columns: ColumnDef[]; constraints: Constraint[] };
const createdTables = new RecentMemo<object, CreatedTable | undefined>(STATEMENTS);

/** Column definitions and table constraints of a CREATE TABLE (once per statement; read-only). */
export function createTableOf(context: RuleContext): CreatedTable | undefined {
  return createdTables.get(context.statement, () => readCreateTable(context));
}

function readCreateTable(context: RuleContext): CreatedTable | undefined {
  const stmt = nodeAs(context.statement.ast, 'CreateStmt');
  const table = relationOf(stmt?.relation);
  if (!stmt || !table) return undefined;
  const columns: ColumnDef[] = [];
  const constraints: Constraint[] = [];
  for (const item of stmt.tableElts ?? []) {
    const column = nodeAs(item, 'ColumnDef');
    if (column) columns.push(column);
    const constraint = nodeAs(item, 'Constraint');
    if (constraint) constraints.push(constraint);
  }
  return { table, columns, constraints };
}

export type DefinedColumn = { table: Relation; def: ColumnDef; added: boolean };
const definedColumnLists = new RecentMemo<object, readonly DefinedColumn[]>(STATEMENTS);

/**
 * Every column a statement defines, in CREATE TABLE or ALTER TABLE … ADD COLUMN, with its table. Worked out
 * once per statement and shared by the rules that ask (the list is read-only).
 */
export function definedColumns(context: RuleContext): readonly DefinedColumn[] {
  return definedColumnLists.get(context.statement, () => readDefinedColumns(context));
}

const NO_COLUMNS: readonly DefinedColumn[] = [];

function readDefinedColumns(context: RuleContext): readonly DefinedColumn[] {
  const created = createTableOf(context);
  if (created) return created.columns.map((def) => ({ table: created.table, def, added: false }));
  const altered = alterTableOf(context);
  if (!altered) return NO_COLUMNS;
  const list: DefinedColumn[] = [];
  for (const cmd of altered.cmds) {
    const def = columnDefOf(cmd);
    if (!def) continue;
    if (cmd.subtype === 'AT_AddColumn') list.push({ table: altered.table, def, added: true });
    if (cmd.subtype === 'AT_AlterColumnType')
      list.push({ table: altered.table, def: { ...def, colname: cmd.name }, added: false });
  }
  return list.length > 0 ? list : NO_COLUMNS;
}

export function typeText(typeName: TypeName | undefined): string {
  return typeNameText(typeName);
}

const baseTypes = new RecentMemo<TypeName, string>(TYPE_NODES);

/** The base type name without modifiers: 'varchar', 'int4', 'timestamp' (remembered per parse-tree node). */
export function baseType(typeName: TypeName | undefined): string {
  if (!typeName) return '';
  return baseTypes.get(typeName, readBaseType);
}

function readBaseType(typeName: TypeName): string {
  const names = namesOf(typeName.names).filter((name, _index, all) => !(name === 'pg_catalog' && all.length > 1));
  return names.join('.').toLowerCase();
}

export function typeMods(typeName: TypeName | undefined): number[] {
  const mods: number[] = [];
  for (const mod of typeName?.typmods ?? []) {
    const constant = nodeAs(mod, 'A_Const');
    if (constant) mods.push(constant.ival?.ival ?? 0);
  }
  return mods;
}

export const SERIAL_TYPES: ReadonlySet<string> = new Set([
  'serial',
  'serial4',
  'bigserial',
  'serial8',
  'smallserial',
  'serial2',
]);

/** The table existed before this migration: new tables are invisible or empty, so their locks harm no one. */
export function isExistingTable(context: RuleContext, key: string): boolean {
  return !(context.catalog.tableCreatedInThisMigration(key) || context.catalog.tableCreatedInCurrentTransaction(key));
}

export function isLargeTable(context: RuleContext, key: string): boolean {
  const rows = context.catalog.rowCount(key);
  return rows !== undefined && rows >= context.largeTableRows;
}

/** ' (about 2,500,000 rows)' when the row count is known. */
export function sizeNote(context: RuleContext, key: string): string {
  const rows = context.catalog.rowCount(key);
  return rows === undefined ? '' : ` (about ${rows.toLocaleString('en-US')} rows)`;
}

/** Error on a large table, otherwise the rule's default. */
export function severityForSize(context: RuleContext, key: string): Severity | undefined {
  return isLargeTable(context, key) ? 'error' : undefined;
}

// ---- identifiers ---------------------------------------------------------------------------------------

/** An identifier as SQL: quoted only when it has to be. */
export const ident = identifier;

const qualifiedCache = new Map<string, string>();

/** `Orders.x` → `"Orders".x`; memoised because every rule asks for the same few relation names. */
function qualifiedSql(display: string): string {
  let sql = qualifiedCache.get(display);
  if (sql === undefined) {
    sql = display.split('.').map(ident).join('.');
    if (qualifiedCache.size > 10_000) qualifiedCache.clear();
    qualifiedCache.set(display, sql);
  }
  return sql;
}

/** A catalog key as SQL: `public.orders` → `orders`, `App.Orders` → `"App"."Orders"`. */
export function keySql(key: string): string {
  return qualifiedSql(displayOf(key));
}

/** PostgreSQL truncates identifiers to 63 bytes; generated names must fit. */
export function fitName(name: string): string {
  const bytes = Buffer.from(name);
  return bytes.length <= 63
    ? name
    : bytes
        .subarray(0, 63)
        .toString()
        .replace(/\uFFFD+$/, '');
}

/** `orders_user_id_idx` for an index on (user_id) of orders. */
export function indexName(table: Relation, columns: string[], suffix = 'idx'): string {
  const bare = unqualified(table.key);
  return fitName([bare, ...columns, suffix].join('_'));
}

export function columnList(columns: string[]): string {
  return columns.map(ident).join(', ');
}

// ---- expressions -----------------------------------------------------------------------------------------

/** Visits every object in a parse tree (depth first). */
export function walk(node: unknown, visit: (key: string, value: unknown) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  // for…in rather than Object.entries: parse trees are plain JSON objects, and this allocates nothing per node.
  const object = node as Record<string, unknown>;
  for (const key in object) {
    const value = object[key];
    visit(key, value);
    if (value !== null && typeof value === 'object') walk(value, visit);
  }
}

/** Built-in functions PostgreSQL marks VOLATILE (pg_proc.provolatile = 'v') that appear in defaults. */
export const VOLATILE_FUNCTIONS: ReadonlySet<string> = new Set([
  'random',
  'random_normal',
  'setseed',
  'gen_random_uuid',
  'uuidv4',
  'uuidv7',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'currval',
  'lastval',
  'setval',
  'gen_random_bytes',
  'pg_sleep',
  'dblink',
]);

/**
 * Built-in functions that are STABLE or IMMUTABLE: a default using only these is evaluated once (PG 11+).
 * Checked against pg_proc.provolatile in test/safety/rules/volatility.test.ts: txid_current() and
 * statement_timestamp() are STABLE, so they do not force a rewrite.
 */
export const NON_VOLATILE_FUNCTIONS: ReadonlySet<string> = new Set([
  'statement_timestamp',
  'txid_current',
  'txid_current_if_assigned',
  'pg_current_xact_id',
  'pg_current_xact_id_if_assigned',
  'pg_backend_pid',
  'inet_client_addr',
  'now',
  'transaction_timestamp',
  'current_setting',
  'lower',
  'upper',
  'length',
  'char_length',
  'coalesce',
  'nullif',
  'greatest',
  'least',
  'concat',
  'concat_ws',
  'to_timestamp',
  'to_date',
  'to_char',
  'make_date',
  'make_timestamp',
  'make_timestamptz',
  'make_interval',
  'date_trunc',
  'jsonb_build_object',
  'json_build_object',
  'jsonb_build_array',
  'json_build_array',
  'array_fill',
  'abs',
  'round',
  'md5',
  'timezone',
  'left',
  'right',
  'substring',
  'replace',
  'trim',
  'btrim',
  'format',
  'extract',
  'date_part',
  'to_json',
  'to_jsonb',
  'array_length',
  'cardinality',
  'split_part',
  'regexp_replace',
]);

export type Volatility = 'volatile' | 'unknown' | 'non-volatile';

/**
 * How an expression behaves as a column default: volatile functions force a table rewrite. A function the
 * migrations created is as volatile as it was declared.
 */
export function expressionVolatility(
  expr: Node | undefined,
  catalog?: Pick<CatalogView, 'functionVolatility'>,
): { volatility: Volatility; functions: string[] } {
  const volatile: string[] = [];
  const unknown: string[] = [];
  walk(expr, (key, value) => {
    if (key !== 'FuncCall' || value === null || typeof value !== 'object') return;
    const names = namesOf((value as { funcname?: Node[] }).funcname);
    const name = (names[names.length - 1] ?? '').toLowerCase();
    const schema = names.length > 1 ? names[0] : 'pg_catalog';
    if (VOLATILE_FUNCTIONS.has(name)) volatile.push(name);
    else if (NON_VOLATILE_FUNCTIONS.has(name) && (schema === 'pg_catalog' || schema === 'public')) return;
    else if (catalog?.functionVolatility(name) === 'volatile') volatile.push(name);
    else if (catalog?.functionVolatility(name) === undefined) unknown.push(name);
  });
  if (volatile.length > 0) return { volatility: 'volatile', functions: volatile };
  if (unknown.length > 0) return { volatility: 'unknown', functions: unknown };
  return { volatility: 'non-volatile', functions: [] };
}

// ---- statement text ---------------------------------------------------------------------------------------

const localTrees = new RecentMemo<RuleContext['statement'], Node | undefined>(STATEMENTS);

/**
 * The statement's parse tree with node locations as byte offsets into `statement.sql` (as if it had been parsed
 * on its own). Derived from the engine's tree by shifting locations — no second parse — when the statement
 * knows its byte offset; otherwise the statement is re-parsed alone (the parser is loaded by then).
 */
export function localAst(context: RuleContext): Node | undefined {
  return localTrees.get(context.statement, (statement) => {
    if (statement.byteStart !== undefined)
      return shiftLocations(statement.ast, statement.byteStart - statement.locationBase) as Node;
    try {
      return parserOfParsedStatements().parseSync(statement.sql).stmts?.[0]?.stmt;
    } catch {
      return undefined;
    }
  });
}

/** A copy of a parse tree with every non-negative `location` moved back by `delta` bytes. */
function shiftLocations(node: unknown, delta: number): unknown {
  if (Array.isArray(node)) return node.map((item) => shiftLocations(item, delta));
  if (node === null || typeof node !== 'object') return node;
  const copy: Record<string, unknown> = {};
  for (const key in node) {
    const value = (node as Record<string, unknown>)[key];
    copy[key] =
      key === 'location' && typeof value === 'number'
        ? value >= 0
          ? value - delta
          : value
        : shiftLocations(value, delta);
  }
  return copy;
}

let lastScanned: { sql: string; tokens: LexToken[]; bytes: Buffer } | undefined;

/**
 * The statement's tokens and UTF-8 bytes, kept for the last statement text asked about: the text helpers below
 * are called several times per statement while its fix is built, and one scan serves them all. ASCII text is
 * tokenised in JavaScript; other text by the parser's own scanner (token offsets are UTF-8 bytes either way).
 */
function scanned(sql: string): { tokens: LexToken[]; bytes: Buffer } {
  if (lastScanned?.sql !== sql)
    lastScanned = {
      sql,
      tokens: lexAscii(sql) ?? parserOfParsedStatements().scanSync(sql).tokens,
      bytes: Buffer.from(sql),
    };
  return lastScanned;
}

const STOP_KEYWORDS = new Set([
  'NOT',
  'NULL',
  'CONSTRAINT',
  'CHECK',
  'REFERENCES',
  'PRIMARY',
  'UNIQUE',
  'COLLATE',
  'GENERATED',
  'DEFAULT',
  'DEFERRABLE',
  'INITIALLY',
  'USING',
]);

function isStopKeyword(token: { keywordName: string }, text: string): boolean {
  return token.keywordName !== 'NO_KEYWORD' && STOP_KEYWORDS.has(text.toUpperCase());
}

/**
 * The SQL text of an expression that starts at `byteStart` in `sql`: tokens up to the first comma, closing
 * parenthesis or constraint keyword at depth zero. Parse trees carry only start locations.
 */
export function expressionText(sql: string, byteStart: number | undefined, stopAtKeywords = true): string | undefined {
  if (byteStart === undefined || byteStart < 0) return undefined;
  let scan: ReturnType<typeof scanned>;
  try {
    scan = scanned(sql);
  } catch {
    return undefined;
  }
  const { bytes } = scan;
  let depth = 0;
  let end = byteStart;
  for (const token of scan.tokens) {
    if (token.start < byteStart) continue;
    const text = bytes.subarray(token.start, token.end).toString();
    if (depth === 0 && token.start > byteStart) {
      if (text === ',' || text === ')' || text === ';' || (stopAtKeywords && isStopKeyword(token, text))) break;
    }
    if (text === '(' || text === '[') depth++;
    if (text === ')' || text === ']') depth--;
    end = token.end;
  }
  const result = bytes.subarray(byteStart, end).toString().trim();
  return result.length > 0 ? result : undefined;
}

/** The text inside the first parenthesis pair that opens at or after `from` (CHECK (…), GENERATED … AS (…)). */
export function balancedAfter(sql: string, from: number | undefined): string | undefined {
  if (from === undefined || from < 0) return undefined;
  const { bytes, tokens } = scanned(sql);
  let depth = 0;
  let start: number | undefined;
  for (const token of tokens) {
    if (token.start < from) continue;
    const text = bytes.subarray(token.start, token.end).toString();
    if (text === '(') {
      if (depth === 0) start = token.end;
      depth++;
    } else if (text === ')') {
      depth--;
      if (depth === 0 && start !== undefined) return bytes.subarray(start, token.start).toString().trim();
    }
  }
  return undefined;
}

/** The expression that follows the first `keyword` token at or after `from` (DEFAULT …, USING …). */
export function expressionAfterKeyword(
  sql: string,
  from: number | undefined,
  keyword: string,
  stopAtKeywords: boolean,
): string | undefined {
  if (from === undefined || from < 0) return undefined;
  const { bytes, tokens } = scanned(sql);
  const at = tokens.findIndex(
    (token) => token.start >= from && bytes.subarray(token.start, token.end).toString().toUpperCase() === keyword,
  );
  const next = at === -1 ? undefined : tokens[at + 1];
  return next ? expressionText(sql, next.start, stopAtKeywords) : undefined;
}

/** Byte offset where an expression starts: the smallest `location` under it. */
export function firstLocation(node: unknown): number | undefined {
  let found: number | undefined;
  walk(node, (key, value) => {
    if (key === 'location' && typeof value === 'number' && value >= 0 && (found === undefined || value < found))
      found = value;
  });
  return found;
}

/** The default expression of a column defined by the statement, as text (from the local re-parse). */
export function defaultExpressionText(context: RuleContext, column: string): string | undefined {
  const local = localAst(context);
  let text: string | undefined;
  walk(local, (key, value) => {
    if (text !== undefined || key !== 'ColumnDef' || value === null || typeof value !== 'object') return;
    const def = value as ColumnDef;
    if (def.colname !== column) return;
    for (const constraint of columnConstraints(def)) {
      if (constraint.contype === 'CONSTR_DEFAULT' || constraint.contype === 'CONSTR_GENERATED') {
        // A DEFAULT ends at the next constraint keyword; a generated expression is parenthesized.
        text =
          constraint.contype === 'CONSTR_DEFAULT'
            ? expressionAfterKeyword(context.statement.sql, constraint.location, 'DEFAULT', true)
            : balancedAfter(context.statement.sql, constraint.location);
      }
    }
  });
  return text;
}

/** A type name as written, from its start location to the end of its modifiers and array bounds. */
export function typeTextAt(sql: string, start: number | undefined): string | undefined {
  if (start === undefined || start < 0) return undefined;
  const text = scanned(sql).bytes.subarray(start, typeRangeAt(sql, start)).toString().trim();
  return text.length > 0 ? text : undefined;
}

/** The column's type as written in the statement's column definition (from the local re-parse). */
export function columnTypeText(context: RuleContext, column: string): string | undefined {
  let text: string | undefined;
  eachColumnDef(localAst(context), (def, name, typeChange) => {
    if (text === undefined && !typeChange && name === column)
      text = typeTextAt(context.statement.sql, def.typeName?.location);
  });
  return text;
}

/**
 * Each column definition of a statement with its column's name: CREATE TABLE's columns, ALTER TABLE's ADD COLUMN
 * and ALTER … TYPE (`typeChange`), read straight from the statement; other statements (CREATE TYPE … AS, …) walked.
 */
function eachColumnDef(
  ast: Node | undefined,
  visit: (def: ColumnDef, column: string | undefined, typeChange: boolean) => void,
): void {
  const create = nodeAs(ast, 'CreateStmt');
  if (create) {
    for (const element of create.tableElts ?? []) {
      const def = nodeAs(element, 'ColumnDef');
      if (def) visit(def, def.colname, false);
    }
    return;
  }
  const alter = nodeAs(ast, 'AlterTableStmt');
  if (alter) {
    for (const item of alter.cmds ?? []) {
      const cmd = nodeAs(item, 'AlterTableCmd');
      const def = nodeAs(cmd?.def, 'ColumnDef');
      if (!cmd || !def) continue;
      const typeChange = cmd.subtype === 'AT_AlterColumnType';
      visit(def, typeChange ? cmd.name : def.colname, typeChange);
    }
    return;
  }
  walk(ast, (key, value) => {
    if (value === null || typeof value !== 'object') return;
    if (key === 'ColumnDef') visit(value as ColumnDef, (value as ColumnDef).colname, false);
    else if (key === 'AlterTableCmd' && (value as AlterTableCmd).subtype === 'AT_AlterColumnType') {
      const def = nodeAs((value as AlterTableCmd).def, 'ColumnDef');
      if (def) visit(def, (value as AlterTableCmd).name, true);
    }
  });
}

/** For `ALTER COLUMN c TYPE t USING e`: the new type and the USING expression as written. */
export function alterTypeTexts(context: RuleContext, column: string): { type?: string; using?: string } {
  let result: { type?: string; using?: string } = {};
  eachColumnDef(localAst(context), (def, name, typeChange) => {
    if (!typeChange || name !== column) return;
    const type = typeTextAt(context.statement.sql, def.typeName?.location);
    const using = def.raw_default
      ? expressionAfterKeyword(context.statement.sql, def.typeName?.location, 'USING', false)
      : undefined;
    result = { ...(type ? { type } : {}), ...(using ? { using } : {}) };
  });
  return result;
}

// ---- fixes -----------------------------------------------------------------------------------------------

export function step(
  description: string,
  sql: string,
  where: { outsideTransaction?: boolean; separateMigration?: boolean } = {},
): FixStep {
  return {
    description,
    sql,
    outsideTransaction: where.outsideTransaction ?? false,
    separateMigration: where.separateMigration ?? false,
  };
}

export const LOCK_TIMEOUT_SQL = "SET lock_timeout = '5s';";

export function lockTimeoutStep(): FixStep {
  return step(
    'Bound the wait for the lock so a long-running query cannot make every other session queue behind this one; retry on timeout.',
    LOCK_TIMEOUT_SQL,
  );
}

/**
 * A BEFORE INSERT OR UPDATE trigger that computes `column` from `expression` (over the new row's columns) for
 * every write: keeps an added column in step while old code still writes only the old ones.
 */
export function computedColumnTriggerSql(fn: string, table: string, column: string, expression: string): string {
  return [
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$`,
    'BEGIN',
    `  NEW.${column} := (SELECT ${expression} FROM (SELECT NEW.*) AS row_values);`,
    '  RETURN NEW;',
    'END $$;',
    `CREATE TRIGGER ${fn} BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${fn}();`,
  ].join('\n');
}

/**
 * A key-range backfill: one short transaction per 10,000 keys, committed inside a DO block (PG 11+, run
 * outside a transaction block). `key` (SQL, already quoted) must be an indexed integer column, normally the primary key.
 */
export function batchedUpdateSql(
  table: string,
  assignments: string,
  condition: string | undefined,
  key = 'id',
): string {
  const where = condition ? ` AND (${condition})` : '';
  const k = key;
  return [
    'DO $$',
    'DECLARE',
    `  batch_start bigint := (SELECT min(${k}) FROM ${table});`,
    `  last_key bigint := (SELECT max(${k}) FROM ${table});`,
    '  batch_size constant bigint := 10000;',
    'BEGIN',
    '  WHILE batch_start <= last_key LOOP',
    `    UPDATE ${table} SET ${assignments}`,
    `      WHERE ${k} >= batch_start AND ${k} < batch_start + batch_size${where};`,
    '    COMMIT;',
    '    PERFORM pg_sleep(0.1);',
    '    batch_start := batch_start + batch_size;',
    '  END LOOP;',
    'END $$;',
  ].join('\n');
}

/** Deletes in chunks of 10,000 rows, each committed on its own (PG 11+, outside a transaction block). */
export function batchedDeleteSql(table: string, condition: string | undefined): string {
  const where = condition ? ` WHERE ${condition}` : '';
  return [
    'DO $$',
    'DECLARE',
    '  deleted bigint;',
    'BEGIN',
    '  LOOP',
    `    DELETE FROM ${table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${table}${where} LIMIT 10000));`,
    '    GET DIAGNOSTICS deleted = ROW_COUNT;',
    '    COMMIT;',
    '    EXIT WHEN deleted = 0;',
    '    PERFORM pg_sleep(0.1);',
    '  END LOOP;',
    'END $$;',
  ].join('\n');
}

/** The steps that replace `SET NOT NULL` on an existing table with a scan that blocks nobody. */
export function notNullViaCheckSteps(table: Relation, column: string, constraintName?: string): FixStep[] {
  const bare = unqualified(table.key);
  const name = ident(constraintName ?? fitName(`${bare}_${column}_not_null`));
  const col = ident(column);
  return [
    step(
      'Add the NOT NULL proof as a CHECK without checking existing rows (brief ACCESS EXCLUSIVE lock, no scan).',
      `${LOCK_TIMEOUT_SQL}\nALTER TABLE ${table.display} ADD CONSTRAINT ${name} CHECK (${col} IS NOT NULL) NOT VALID;`,
    ),
    step(
      'Validate it in a later migration: the scan holds only SHARE UPDATE EXCLUSIVE, so reads and writes continue.',
      `ALTER TABLE ${table.display} VALIDATE CONSTRAINT ${name};`,
      { separateMigration: true },
    ),
    step(
      'SET NOT NULL now skips the table scan because the validated CHECK proves there are no NULLs (PG 12+).',
      `${LOCK_TIMEOUT_SQL}\nALTER TABLE ${table.display} ALTER COLUMN ${col} SET NOT NULL;`,
      { separateMigration: true },
    ),
    step('Drop the now redundant CHECK.', `ALTER TABLE ${table.display} DROP CONSTRAINT ${name};`, {
      separateMigration: true,
    }),
  ];
}

/** A statement with its `CONCURRENTLY` keyword inserted after the given leading words (`CREATE INDEX`). */
export function withConcurrently(sql: string, after: RegExp): string {
  return sql.replace(after, (match) => `${match} CONCURRENTLY`);
}

export function statementSql(context: RuleContext): string {
  return `${context.statement.sql.trim()};`;
}

export function namesText(list: Node[] | undefined): string {
  return namesOf(list).map(ident).join('.');
}

// ---- locks --------------------------------------------------------------------------------------------------

/**
 * Existing tables on which the statement takes a lock that queues behind running queries and, while it
 * waits, blocks them: ALTER/DROP/RENAME/TRUNCATE/REINDEX/CLUSTER/VACUUM FULL, plain CREATE INDEX, CREATE
 * TRIGGER, REFRESH MATERIALIZED VIEW and the referenced table of a new foreign key. Concurrent forms are
 * left out: a lock_timeout there cancels the build and leaves an INVALID index behind. So is a table the
 * statement locks only in a mode reads and writes pass (VALIDATE CONSTRAINT's SHARE UPDATE EXCLUSIVE, ATTACH
 * PARTITION's on the parent): while it waits, no query queues behind it.
 */
export function blockingLockTables(context: RuleContext): BlockingLock[] {
  // Both timeout rules ask for every statement; the context is one statement's, so its answer is kept once.
  return blockingLocks.get(context, findBlockingLocks);
}

const blockingLocks = new RecentMemo<RuleContext, BlockingLock[]>(STATEMENTS);

function findBlockingLocks(context: RuleContext): BlockingLock[] {
  const blocking: BlockingLock[] = [];
  for (const table of lockedTables(context)) {
    const modes = context.statementLocks.filter((lock) => lock.table === table.key).map((lock) => lock.mode);
    if (modes.length > 0 && !modes.some(blocksWrites)) continue;
    // Where the lock map says nothing of the table, assume the worst: it is DDL on an existing table.
    const blocksReads = modes.length === 0 || modes.includes('ACCESS EXCLUSIVE');
    blocking.push({ ...table, queued: blocksReads ? 'reads and writes' : 'writes' });
  }
  return blocking;
}

/** A table a statement waits to lock, and what of the application's traffic on it queues behind the wait. */
export interface BlockingLock extends Relation {
  queued: QueuedTraffic;
}

function lockedTables(context: RuleContext): Relation[] {
  const ast = context.statement.ast;
  const found: Relation[] = [];
  const add = (table: Relation | undefined) => {
    if (table && isExistingTable(context, table.key) && !found.some((known) => known.key === table.key))
      found.push(table);
  };
  const alter = nodeAs(ast, 'AlterTableStmt');
  if (alter) {
    const detachConcurrent = (alter.cmds ?? []).some((cmd) => {
      const partition = nodeAs(nodeAs(cmd, 'AlterTableCmd')?.def, 'PartitionCmd');
      return partition?.concurrent === true;
    });
    if (!detachConcurrent) add(relationOf(alter.relation));
    walk(alter.cmds, (key, value) => {
      if (key === 'pktable') add(relationOf(value as RangeVar));
    });
    // ATTACH and DETACH PARTITION lock the partition itself ACCESS EXCLUSIVE.
    for (const cmd of alter.cmds ?? []) {
      const partition = nodeAs(nodeAs(cmd, 'AlterTableCmd')?.def, 'PartitionCmd');
      if (partition && !partition.concurrent) add(relationOf(partition.name));
    }
    // Dropping a foreign key (or retyping or dropping a column a key involves) locks the key's other table too.
    for (const lock of context.statementLocks)
      if (lock.on === 'referenced table' || lock.on === 'referencing table')
        add({ key: lock.table, display: keySql(lock.table) });
  }
  const create = nodeAs(ast, 'CreateStmt');
  if (create) {
    walk(create.tableElts, (key, value) => {
      if (key === 'pktable') add(relationOf(value as RangeVar));
    });
    for (const parent of create.inhRelations ?? []) add(relationOf(nodeAs(parent, 'RangeVar')));
  }
  const index = nodeAs(ast, 'IndexStmt');
  if (index && !index.concurrent) add(relationOf(index.relation));
  const drop = nodeAs(ast, 'DropStmt');
  // A view's readers lock it too: a DROP VIEW waiting behind one queues the next.
  const dropsRelation =
    drop?.removeType === 'OBJECT_TABLE' || drop?.removeType === 'OBJECT_VIEW' || drop?.removeType === 'OBJECT_MATVIEW';
  if (drop && !drop.concurrent && (dropsRelation || drop.removeType === 'OBJECT_INDEX')) {
    for (const object of drop.objects ?? []) {
      const items = nodeAs(object, 'List')?.items;
      const names = namesOf(items);
      const name = names.join('.');
      if (dropsRelation) {
        const key = name.includes('.') ? name : `public.${name}`;
        add({ key, display: namesText(items) });
      } else {
        const tableKey = context.catalog.indexTable(name);
        // Quoted as the statements that name the table spell it (`"user"`), so both count as one table.
        if (tableKey) add({ key: tableKey, display: keySql(tableKey) });
        else if (!(drop.missing_ok && context.catalog.schemaKnown))
          add({ key: `index:${name}`, display: `the table of index ${namesText(items)}` });
      }
    }
  }
  const rename = nodeAs(ast, 'RenameStmt');
  if (rename?.relation) add(relationOf(rename.relation));
  const truncate = nodeAs(ast, 'TruncateStmt');
  for (const item of truncate?.relations ?? []) add(relationOf(nodeAs(item, 'RangeVar')));
  const reindex = nodeAs(ast, 'ReindexStmt');
  if (reindex && !reindex.params?.some((param) => nodeAs(param, 'DefElem')?.defname === 'concurrently')) {
    add(relationOf(reindex.relation));
  }
  const cluster = nodeAs(ast, 'ClusterStmt');
  if (cluster) add(relationOf(cluster.relation));
  const vacuum = nodeAs(ast, 'VacuumStmt');
  if (vacuum?.options?.some((option) => nodeAs(option, 'DefElem')?.defname === 'full')) {
    for (const item of vacuum.rels ?? []) add(relationOf(nodeAs(item, 'VacuumRelation')?.relation));
  }
  const trigger = nodeAs(ast, 'CreateTrigStmt');
  if (trigger) add(relationOf(trigger.relation));
  const refresh = nodeAs(ast, 'RefreshMatViewStmt');
  if (refresh) add(relationOf(refresh.relation));
  return found;
}

/** `public.orders` → `orders` for messages. */
export function displayOf(key: string): string {
  return key.startsWith('public.') ? key.slice('public.'.length) : key;
}

/** Byte range [start, end) of a type name as written, modifiers and array bounds included. */
export function typeRangeAt(sql: string, start: number): number {
  const { bytes, tokens } = scanned(sql);
  let depth = 0;
  let end = start;
  for (const token of tokens) {
    if (token.start < start) continue;
    const word = bytes.subarray(token.start, token.end).toString();
    if (
      depth === 0 &&
      token.start > start &&
      (word === ',' || word === ')' || word === ';' || isStopKeyword(token, word))
    )
      break;
    if (word === '(' || word === '[') depth++;
    if (word === ')' || word === ']') depth--;
    end = token.end;
  }
  return end;
}

/**
 * The statement with some column types replaced: `replace` gets each column definition (CREATE TABLE,
 * ADD COLUMN, ALTER COLUMN … TYPE) and returns the new type text, or undefined to keep it.
 */
export function withColumnTypes(
  context: RuleContext,
  replace: (column: string, def: ColumnDef) => string | undefined,
): string {
  const sql = context.statement.sql.trim();
  const edits: Array<{ start: number; end: number; text: string }> = [];
  eachColumnDef(localAst(context), (def, column) => {
    const start = def.typeName?.location;
    if (!column || start === undefined || edits.some((edit) => edit.start === start)) return;
    const text = replace(column, def);
    if (text !== undefined) edits.push({ start, end: typeRangeAt(sql, start), text });
  });
  let bytes = Buffer.from(sql);
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    bytes = Buffer.concat([bytes.subarray(0, edit.start), Buffer.from(edit.text), bytes.subarray(edit.end)]);
  }
  return `${bytes.toString()};`;
}

/** Text of the statement between a keyword at parenthesis depth zero and the next of the stop keywords. */
export function clauseText(sql: string, keyword: string, stops: string[]): string | undefined {
  const { bytes, tokens } = scanned(sql);
  let depth = 0;
  let start: number | undefined;
  let end = bytes.length;
  for (const token of tokens) {
    const word = bytes.subarray(token.start, token.end).toString();
    if (word === '(') depth++;
    if (word === ')') depth--;
    if (depth !== 0) continue;
    const upper = word.toUpperCase();
    if (start === undefined) {
      if (upper === keyword) start = token.end;
    } else if (stops.includes(upper)) {
      end = token.start;
      break;
    }
  }
  if (start === undefined) return undefined;
  return bytes.subarray(start, end).toString().trim().replace(/;$/, '').trim();
}

/** Statement types blockingLockTables can report on. */
export const LOCKING_STATEMENTS: readonly string[] = [
  'AlterTableStmt',
  'CreateStmt',
  'IndexStmt',
  'DropStmt',
  'RenameStmt',
  'TruncateStmt',
  'ReindexStmt',
  'ClusterStmt',
  'VacuumStmt',
  'CreateTrigStmt',
  'RefreshMatViewStmt',
];

/**
 * A column definition of the statement as written (`name type NOT NULL DEFAULT …`), with the constraints
 * `drop` selects cut out: the ADD COLUMN of a fix that adds those constraints separately, NOT VALID.
 */
export function columnDefinitionWithout(
  context: RuleContext,
  column: string,
  drop: (constraint: Constraint) => boolean,
): string | undefined {
  const sql = context.statement.sql;
  let found: ColumnDef | undefined;
  eachColumnDef(localAst(context), (def, name, typeChange) => {
    if (!found && !typeChange && name === column) found = def;
  });
  const start = found?.location;
  if (!found || start === undefined) return undefined;
  const { bytes, tokens } = scanned(sql);
  let depth = 0;
  let end = bytes.length;
  for (const token of tokens) {
    if (token.start <= start) continue;
    const word = bytes.subarray(token.start, token.end).toString();
    if (word === '(') depth++;
    if (word === ')') depth--;
    if (depth < 0 || (depth === 0 && (word === ',' || word === ';'))) {
      end = token.start;
      break;
    }
  }
  const constraints = columnConstraints(found)
    .filter((constraint) => constraint.location !== undefined)
    .sort((a, b) => (a.location ?? 0) - (b.location ?? 0));
  const cuts: Array<[number, number]> = [];
  constraints.forEach((constraint, index) => {
    if (!drop(constraint)) return;
    const next = constraints[index + 1]?.location ?? end;
    cuts.push([constraint.location ?? 0, next]);
  });
  let text = '';
  let cursor = start;
  for (const [from, to] of cuts) {
    text += bytes.subarray(cursor, from).toString();
    cursor = to;
  }
  text += bytes.subarray(cursor, end).toString();
  return text.replace(/\s+/g, ' ').trim();
}
