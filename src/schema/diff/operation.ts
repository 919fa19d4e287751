import type { Hazard, OperationKind, RenameAnswer, Safety, SchemaOperation } from './types.js';

/** An operation waiting for its place in the plan: phases run in ascending order, ties keep insertion order. */
export interface PlannedOperation extends SchemaOperation {
  phase: number;
}

export function operation(
  phase: number,
  kind: OperationKind,
  object: string,
  safety: Safety,
  reason: string,
  sql: string[],
  extra: { hazards?: Hazard[]; dataLoss?: string } = {},
): PlannedOperation {
  return {
    phase,
    kind,
    object,
    safety,
    reason,
    hazards: extra.hazards ?? [],
    ...(extra.dataLoss ? { dataLoss: extra.dataLoss } : {}),
    sql,
  };
}

/** Orders by phase (stable), then drops the phase. */
export function ordered(operations: PlannedOperation[]): SchemaOperation[] {
  return operations
    .map((item, index) => ({ item, index }))
    .sort((a, b) => a.item.phase - b.item.phase || a.index - b.index)
    .map(({ item: { phase: _phase, ...rest } }) => rest);
}

/** Same content, ignoring key order and absent-vs-undefined. */
export function same(a: unknown, b: unknown): boolean {
  return stable(a) === stable(b);
}

function stable(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, item) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  );
}

/** Orders names so each comes after the names it depends on (cycles keep their input order). */
export function dependencyOrder<T>(items: T[], key: (item: T) => string, dependsOn: (item: T) => string[]): T[] {
  const byKey = new Map(items.map((item) => [key(item), item]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const result: T[] = [];
  const visit = (item: T) => {
    const name = key(item);
    if (done.has(name) || visiting.has(name)) return;
    visiting.add(name);
    for (const dependency of dependsOn(item)) {
      const other = byKey.get(dependency);
      if (other) visit(other);
    }
    visiting.delete(name);
    done.add(name);
    result.push(item);
  };
  for (const item of items) visit(item);
  return result;
}

/**
 * The operations of answered renames for engines whose renames carry no extra hazard: each table rename in the
 * engine's own syntax, then each column rename (`ALTER TABLE … RENAME COLUMN`, the same on MySQL 8 and SQLite).
 */
export function answeredRenames(
  renames: RenameAnswer[],
  phase: number,
  ident: (name: string) => string,
  renameTable: (from: string, to: string) => string,
): PlannedOperation[] {
  const ops: PlannedOperation[] = [];
  for (const answer of renames.filter((item) => !item.table))
    ops.push(
      operation(phase, 'rename-table', answer.from, 'careful', `renamed to ${answer.to} (answered rename)`, [
        renameTable(ident(answer.from), ident(answer.to)),
      ]),
    );
  for (const answer of renames.filter((item) => item.table))
    ops.push(
      operation(
        phase,
        'rename-column',
        `${answer.table}.${answer.from}`,
        'careful',
        `renamed to ${answer.to} (answered rename)`,
        [`ALTER TABLE ${ident(answer.table ?? '')} RENAME COLUMN ${ident(answer.from)} TO ${ident(answer.to)}`],
      ),
    );
  return ops;
}
