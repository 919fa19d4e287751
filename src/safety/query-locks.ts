import type { Node, SelectStmt } from 'libpg-query';
import { namesOf, objectKey, relationKey } from './names.js';
import { queryRelations } from './query-relations.js';
import type { AddLock } from './related-locks.js';

/**
 * What a query locks on the relations it reads: ACCESS SHARE on each (ROW SHARE where it says FOR UPDATE / FOR
 * SHARE), and ROW EXCLUSIVE on a sequence nextval() or setval() names. `query` is the statement without the
 * relation it writes (the caller locks that one itself).
 */
export function queryLocks(query: unknown, add: AddLock, on = 'table read'): void {
  const rowLocked = new Set<string>();
  for (const select of selects(query)) {
    for (const clause of select.lockingClause ?? []) {
      if (!('LockingClause' in clause)) continue;
      const named = (clause.LockingClause.lockedRels ?? []).flatMap((node) =>
        'RangeVar' in node ? [relationKey(node.RangeVar)] : [],
      );
      // FOR UPDATE without OF: every relation of the FROM clause.
      const targets = named.length > 0 ? named : queryRelations(select.fromClause);
      for (const target of targets) if (target) rowLocked.add(target);
    }
  }
  for (const read of queryRelations(query)) add(read, rowLocked.has(read) ? 'ROW SHARE' : 'ACCESS SHARE', on);
  for (const sequence of sequencesAdvanced(query)) add(sequence, 'ROW EXCLUSIVE', 'sequence');
}

/** Every SELECT in the tree (subqueries, set operations, CTEs). */
function selects(node: unknown, found: SelectStmt[] = []): SelectStmt[] {
  if (!node || typeof node !== 'object') return found;
  if (Array.isArray(node)) {
    for (const item of node) selects(item, found);
    return found;
  }
  const record = node as Record<string, unknown>;
  if (record.SelectStmt) found.push(record.SelectStmt as SelectStmt);
  for (const value of Object.values(record)) selects(value, found);
  return found;
}

const SEQUENCE_WRITERS = new Set(['nextval', 'setval']);

/** Sequences named by a literal first argument of nextval('seq') / setval('seq', …). */
function sequencesAdvanced(node: unknown, found: string[] = []): string[] {
  if (!node || typeof node !== 'object') return found;
  if (Array.isArray(node)) {
    for (const item of node) sequencesAdvanced(item, found);
    return found;
  }
  const record = node as Record<string, unknown>;
  const call = record.FuncCall as { funcname?: Node[]; args?: Node[] } | undefined;
  if (call) {
    const name = namesOf(call.funcname).at(-1);
    const sequence = name && SEQUENCE_WRITERS.has(name) ? literalName(call.args?.[0]) : undefined;
    if (sequence && !found.includes(sequence)) found.push(sequence);
  }
  for (const value of Object.values(record)) sequencesAdvanced(value, found);
  return found;
}

/** `'schema.seq'` or `'seq'::regclass` as a `schema.name` key. */
function literalName(argument: Node | undefined): string | undefined {
  let node = argument;
  if (node && 'TypeCast' in node) node = node.TypeCast.arg;
  const text = node && 'A_Const' in node ? node.A_Const.sval?.sval : undefined;
  if (!text || !/^[a-z_][a-z0-9_$]*(\.[a-z_][a-z0-9_$]*)?$/.test(text)) return undefined;
  return objectKey(text.split('.').map((part) => ({ String: { sval: part } })));
}
