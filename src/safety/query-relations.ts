import type { Node, RangeVar } from 'libpg-query';
import { namesOf, objectKey, relationKey } from './names.js';

/**
 * The relations a query reads (every FROM/JOIN/subquery relation, as `schema.table` keys), minus the names of its
 * WITH queries. PostgreSQL takes ACCESS SHARE on each when a view is created over the query or a materialized
 * view is refreshed.
 */
export function queryRelations(query: unknown): string[] {
  // The lock map and the session state both ask for a view's query: walk each tree once.
  if (!query || typeof query !== 'object') return [];
  const known = walked.get(query);
  if (known) return [...known];
  const found = [...new Set(readByQuery(query).ranges.map((range) => range.key))];
  walked.set(query, found);
  return [...found];
}

const walked = new WeakMap<object, string[]>();

export interface RangeRead {
  key: string;
  relation: RangeVar;
  /** Named by FOR UPDATE / FOR SHARE (or the query locks every row it reads). */
  rowLocked: boolean;
  /** The SELECT reading it has a WHERE clause. */
  filtered: boolean;
}

/** The statements a WITH query may run that write their target relation. */
const WRITING_STATEMENTS = ['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt'] as const;

/**
 * In one walk of the tree: every relation in FROM / JOIN / subqueries with how its SELECT reads it (not the names
 * of WITH queries, wherever the WITH sits), the sequences nextval() / setval() advance, and the relations an
 * INSERT, UPDATE, DELETE or MERGE inside the tree writes (`WITH moved AS (INSERT INTO t … RETURNING …)`).
 */
export function readByQuery(query: unknown): { ranges: RangeRead[]; sequences: string[]; written: string[] } {
  const ctes = new Set<string>();
  const ranges: RangeRead[] = [];
  const sequences: string[] = [];
  const written: string[] = [];
  const visit = (node: unknown, select: { filtered: boolean; locked: Set<string> | 'all' | undefined }): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item, select);
      return;
    }
    const record = node as Record<string, unknown>;
    // Column references and constants hold no relation and no call: most of an expression tree.
    if (record.ColumnRef !== undefined || record.A_Const !== undefined) return;
    const inner = record.SelectStmt as
      | { whereClause?: unknown; lockingClause?: Node[]; [key: string]: unknown }
      | undefined;
    if (inner) {
      const locked = lockedNames(inner.lockingClause);
      const scope = { filtered: inner.whereClause !== undefined, locked };
      for (const field in inner) if (field !== 'lockingClause') visit(inner[field], scope);
      return;
    }
    for (const kind of WRITING_STATEMENTS) {
      const statement = record[kind] as { relation?: RangeVar; whereClause?: unknown } | undefined;
      if (!statement) continue;
      const target = relationKey(statement.relation);
      if (target && !written.includes(target)) written.push(target);
      const scope = { filtered: statement.whereClause !== undefined, locked: undefined };
      for (const field in statement)
        if (field !== 'relation') visit((statement as Record<string, unknown>)[field], scope);
      return;
    }
    const range = record.RangeVar as RangeVar | undefined;
    if (range) {
      const key = relationKey(range);
      if (!key) return;
      const names = [range.alias?.aliasname, range.relname].filter((name): name is string => name !== undefined);
      const locked = select.locked;
      const rowLocked = locked === 'all' || (locked !== undefined && names.some((name) => locked.has(name)));
      ranges.push({ key, relation: range, rowLocked, filtered: select.filtered });
      return;
    }
    const cte = record.CommonTableExpr as { ctename?: string } | undefined;
    if (cte?.ctename) ctes.add(cte.ctename);
    const sequence = advancedSequence(record, SEQUENCE_WRITERS);
    if (sequence && !sequences.includes(sequence)) sequences.push(sequence);
    // for…in: parse trees are plain JSON objects, and this allocates nothing per node.
    for (const field in record) visit(record[field], select);
  };
  visit(query, { filtered: false, locked: undefined });
  const isCte = (range: RangeRead) => range.relation.schemaname === undefined && ctes.has(range.relation.relname ?? '');
  return { ranges: ranges.filter((range) => !isCte(range)), sequences, written };
}

/** FOR UPDATE / FOR SHARE: the names (or aliases) it lists, or 'all' when it lists none. */
function lockedNames(clauses: Node[] | undefined): Set<string> | 'all' | undefined {
  let names: Set<string> | undefined;
  for (const clause of clauses ?? []) {
    if (!('LockingClause' in clause)) continue;
    const listed = clause.LockingClause.lockedRels ?? [];
    if (listed.length === 0) return 'all';
    names ??= new Set();
    for (const node of listed) if ('RangeVar' in node && node.RangeVar.relname) names.add(node.RangeVar.relname);
  }
  return names;
}

const SEQUENCE_WRITERS = new Set(['nextval', 'setval']);

/** Sequences named by a literal first argument of the given functions (`nextval('seq')`, `setval('seq', …)`). */
export function sequencesNamed(node: unknown, functions: ReadonlySet<string>, found: string[] = []): string[] {
  if (!node || typeof node !== 'object') return found;
  if (Array.isArray(node)) {
    for (const item of node) sequencesNamed(item, functions, found);
    return found;
  }
  const record = node as Record<string, unknown>;
  const sequence = advancedSequence(record, functions);
  if (sequence && !found.includes(sequence)) found.push(sequence);
  for (const field in record) sequencesNamed(record[field], functions, found);
  return found;
}

/** The sequence a call of one of `functions` names by a literal first argument, when `record` is such a call. */
function advancedSequence(record: Record<string, unknown>, functions: ReadonlySet<string>): string | undefined {
  const call = record.FuncCall as { funcname?: Node[]; args?: Node[] } | undefined;
  if (!call) return undefined;
  const name = namesOf(call.funcname).at(-1);
  return name && functions.has(name) ? literalName(call.args?.[0]) : undefined;
}

/** `'schema.seq'` or `'seq'::regclass` as a `schema.name` key. */
function literalName(argument: Node | undefined): string | undefined {
  let node = argument;
  if (node && 'TypeCast' in node) node = node.TypeCast.arg;
  const text = node && 'A_Const' in node ? node.A_Const.sval?.sval : undefined;
  if (!text || !/^[a-z_][a-z0-9_$]*(\.[a-z_][a-z0-9_$]*)?$/.test(text)) return undefined;
  return objectKey(text.split('.').map((part) => ({ String: { sval: part } })));
}
