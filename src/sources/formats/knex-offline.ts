import { emptyDatabaseRows } from './empty-database-reads.js';

/**
 * What the knex recorder answers when a migration reads while being recorded without a database (PostgreSQL,
 * MySQL): values of the shape knex returns, so code that loops over rows or destructures a count runs and its
 * writes are recorded; every such answer is an assumption about the data, listed with its source line.
 *
 * - `select` returns one placeholder row, `first` that row, `pluck` one value: every column reads null, and
 *   aggregates (`count`, `sum` …) read 0. A migration that throws on that row is recorded again with reads
 *   answered as on an empty database (no rows, one row of aggregates).
 * - `hasTable` is true for a table an earlier recorded statement created (and did not drop), else false;
 *   `hasColumn` likewise for a column it created or added; other schema questions answer as for an empty database.
 */

export interface KnexQuery {
  sql: string;
  method?: string;
  output?: unknown;
  bindings?: readonly unknown[];
}

export interface OfflineAnswer {
  response: unknown;
  /** What was assumed, e.g. "select answered with one placeholder row"; undefined for writes. */
  assumption?: string;
  /** The answer is the placeholder row (or its value). */
  placeholder?: boolean;
}

/**
 * How data reads are answered: a placeholder row, so loops over rows run and their writes are recorded; or as on
 * an empty database, for code the placeholder row makes throw (a row validated before use).
 */
export type DataReads = 'placeholder' | 'empty';

const AGGREGATE = /^\s*select\s+(count|sum|avg|min|max)\s*\(/i;
const DATA_READS = new Set(['select', 'first', 'pluck']);

/** A row of any columns: each reads null (0 for an aggregate), and it is not a thenable. */
function placeholderRow(value: null | 0): Record<string, unknown> {
  return new Proxy(
    {},
    {
      get: (_target, property) => (typeof property === 'string' && property !== 'then' ? value : undefined),
    },
  );
}

/** Tracks the tables (and their columns) recorded statements created, to answer hasTable and hasColumn. */
export class OfflineSchema {
  private readonly tables = new Map<string, Set<string>>();

  observe(sql: string): void {
    const created = /^\s*create\s+table\s+(?:if\s+not\s+exists\s+)?([`"]?)([\w.]+)\1\s*\(/i.exec(sql);
    if (created?.[2]) this.tables.set(bare(created[2]), new Set(createdColumns(sql.slice(created[0].length))));
    const dropped = /^\s*drop\s+table\s+(?:if\s+exists\s+)?([`"]?)([\w.]+)\1/i.exec(sql);
    if (dropped?.[2]) this.tables.delete(bare(dropped[2]));
    const renamed = /^\s*alter\s+table\s+([`"]?)([\w.]+)\1\s+rename\s+to\s+([`"]?)([\w.]+)\3/i.exec(sql);
    const columns = renamed?.[2] ? this.tables.get(bare(renamed[2])) : undefined;
    if (renamed?.[2] && renamed[4] && columns) {
      this.tables.delete(bare(renamed[2]));
      this.tables.set(bare(renamed[4]), columns);
    }
    const altered = /^\s*alter\s+table\s+([`"]?)([\w.]+)\1\s/i.exec(sql);
    if (altered?.[2]) this.observeColumns(this.tables.get(bare(altered[2])), sql.slice(altered[0].length));
  }

  private observeColumns(columns: Set<string> | undefined, actions: string): void {
    if (!columns) return;
    const name = String.raw`(?:"([^"]+)"|(\w+))`;
    const stored = (match: RegExpMatchArray, at: number) => match[at] ?? match[at + 1]?.toLowerCase() ?? '';
    for (const match of actions.matchAll(
      new RegExp(String.raw`\badd\s+column\s+(?:if\s+not\s+exists\s+)?${name}`, 'gi'),
    ))
      columns.add(stored(match, 1));
    for (const match of actions.matchAll(new RegExp(String.raw`\bdrop\s+column\s+(?:if\s+exists\s+)?${name}`, 'gi')))
      columns.delete(stored(match, 1));
    for (const match of actions.matchAll(new RegExp(String.raw`\brename\s+(?:column\s+)?${name}\s+to\s+${name}`, 'gi')))
      if (columns.delete(stored(match, 1))) columns.add(stored(match, 3));
  }

  /** The tables known now, to restore after a recording that is thrown away. */
  snapshot(): () => void {
    const known = [...this.tables].map(([table, columns]) => [table, new Set(columns)] as const);
    return () => {
      this.tables.clear();
      for (const [table, columns] of known) this.tables.set(table, columns);
    };
  }

  has(table: string): boolean {
    return this.tables.has(bare(table));
  }

  hasColumn(table: string, column: string): boolean {
    return this.tables.get(bare(table))?.has(column) ?? false;
  }
}

/** The column names of a CREATE TABLE's definition list (the text after its opening parenthesis). */
function createdColumns(definitions: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let start = 0;
  for (let at = 0; at <= definitions.length && depth >= 0; at++) {
    const char = definitions[at];
    if (char === '(') depth++;
    else if (char === ')') depth--;
    if ((char === ',' && depth === 0) || depth < 0 || at === definitions.length) {
      const item = /^\s*(?:"([^"]+)"|(\w+))/.exec(definitions.slice(start, at));
      const unquoted = item?.[2]?.toLowerCase();
      if (item?.[1]) names.push(item[1]);
      else if (unquoted && !TABLE_CONSTRAINT.test(unquoted)) names.push(unquoted);
      start = at + 1;
    }
  }
  return names;
}

const TABLE_CONSTRAINT = /^(constraint|primary|unique|foreign|check|exclude|like)$/;

function bare(table: string): string {
  return (table.split('.').pop() ?? table).toLowerCase();
}

/** The response the dialect's driver would give (`pg`-style result object, or mysql2's [rows, fields]). */
export function offlineAnswer(
  client: string,
  query: KnexQuery,
  schema: OfflineSchema,
  reads: DataReads = 'placeholder',
): OfflineAnswer {
  const command = /^\s*(\w+)/.exec(query.sql)?.[1]?.toUpperCase() ?? '';
  let rows: unknown[] = [];
  let assumption: string | undefined;
  let placeholder = false;
  if (query.output !== undefined && /information_schema\.tables|sqlite_master|show\s+tables/i.test(query.sql)) {
    const table = typeof query.bindings?.[0] === 'string' ? query.bindings[0] : undefined;
    const exists = table !== undefined && schema.has(table);
    if (exists) rows = [placeholderRow(null)];
    assumption = `hasTable(${table ?? '?'}) answered ${exists} (${exists ? 'created by an earlier recorded statement' : 'no recorded statement created it'})`;
  } else if (query.output !== undefined && /information_schema\.columns|show\s+columns|pragma/i.test(query.sql)) {
    const [table, column] = (query.bindings ?? []).map(String);
    const exists = table !== undefined && column !== undefined && schema.hasColumn(table, column);
    if (exists) rows = [placeholderRow(null)];
    assumption = `hasColumn(${table ?? '?'}, ${column ?? '?'}) answered ${exists} (${exists ? 'added by an earlier recorded statement' : 'no recorded statement added it'})`;
  } else if (query.output !== undefined && command === 'SELECT') {
    assumption = `a schema question (${query.sql.slice(0, 50)}…) answered as for an empty database`;
  } else if (query.method && DATA_READS.has(query.method) && command === 'SELECT' && reads === 'empty') {
    rows = emptyDatabaseRows(query.sql);
    assumption = `${query.method}() answered as for an empty database`;
  } else if (query.method && DATA_READS.has(query.method) && command === 'SELECT') {
    const aggregate = AGGREGATE.test(query.sql);
    rows = [placeholderRow(aggregate ? 0 : null)];
    placeholder = true;
    assumption = aggregate
      ? `${/^\s*select\s+(\w+)/i.exec(query.sql)?.[1]?.toLowerCase()}() answered 0`
      : `${query.method}() answered with one placeholder row (every column null)`;
  }
  const response =
    client === 'pg'
      ? { rows, rowCount: rows.length, fields: [], command: command === 'WITH' ? 'SELECT' : command }
      : [rows, []];
  return { response, ...(assumption ? { assumption } : {}), ...(placeholder ? { placeholder } : {}) };
}

/** The note listing where the recorded code's data-dependent branches were decided by assumed answers. */
export function assumptionsNote(assumed: { what: string; at: string }[]): string | undefined {
  if (assumed.length === 0) return undefined;
  const listed = assumed.slice(0, 5).map((entry) => `${entry.at}: ${entry.what}`);
  const more = assumed.length > 5 ? `; and ${assumed.length - 5} more` : '';
  return `Recorded without a database, so reads were answered by assumption and code branching on them took the assumed path — ${listed.join('; ')}${more}. Rehearse on a shadow database to see the real run.`;
}
