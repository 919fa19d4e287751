import type { Column, Schema, Table } from './model.js';
import { qualifiedName } from './model.js';

/**
 * Exact structural difference between two schemas: every table, column, constraint, index, view, enum and
 * sequence added, removed or changed, with before/after values, plus a readable rendering.
 */

export type ObjectKind =
  | 'table'
  | 'column'
  | 'primary-key'
  | 'index'
  | 'unique'
  | 'check'
  | 'foreign-key'
  | 'view'
  | 'enum'
  | 'sequence';

export interface SchemaChange {
  kind: ObjectKind;
  change: 'added' | 'removed' | 'changed';
  /** `table`, `table.column`, `table.index_name`… */
  object: string;
  /** Which properties differ (for `changed`). */
  fields?: string[];
  before?: unknown;
  after?: unknown;
}

export function compareSchemas(before: Schema, after: Schema): SchemaChange[] {
  const changes: SchemaChange[] = [];
  diffNamed(changes, 'table', before.tables, after.tables, (a, b, name) => compareTables(changes, name, a, b), true);
  diffNamed(changes, 'view', before.views, after.views);
  diffNamed(changes, 'enum', before.enums, after.enums);
  diffNamed(changes, 'sequence', before.sequences, after.sequences);
  return changes;
}

function compareTables(changes: SchemaChange[], tableName: string, before: Table, after: Table): void {
  const prefix = (name: string) => `${tableName}.${name}`;
  diffNamed(changes, 'column', before.columns, after.columns, undefined, false, prefix, columnFields);
  const pkBefore = before.primaryKey?.columns ?? [];
  const pkAfter = after.primaryKey?.columns ?? [];
  if (!sameJson(pkBefore, pkAfter)) {
    changes.push({
      kind: 'primary-key',
      change: pkBefore.length === 0 ? 'added' : pkAfter.length === 0 ? 'removed' : 'changed',
      object: tableName,
      ...(pkBefore.length ? { before: pkBefore } : {}),
      ...(pkAfter.length ? { after: pkAfter } : {}),
    });
  }
  diffNamed(changes, 'index', before.indexes, after.indexes, undefined, false, prefix);
  diffNamed(changes, 'unique', before.uniques, after.uniques, undefined, false, prefix);
  diffNamed(changes, 'check', before.checks, after.checks, undefined, false, prefix);
  diffNamed(changes, 'foreign-key', before.foreignKeys, after.foreignKeys, undefined, false, prefix);
}

/** Column properties compared; rawType is informational and not part of identity. */
function columnFields(column: Column): Record<string, unknown> {
  const { rawType: _raw, ...rest } = column;
  return rest;
}

function diffNamed<T extends { name: string; namespace?: string }>(
  changes: SchemaChange[],
  kind: ObjectKind,
  before: T[],
  after: T[],
  nested?: (a: T, b: T, name: string) => void,
  summariseWhole = false,
  nameOf: (name: string) => string = (name) => name,
  fieldsOf: (value: T) => Record<string, unknown> = (value) => value as Record<string, unknown>,
): void {
  const key = (item: T) => qualifiedName(item);
  const afterByName = new Map(after.map((item) => [key(item), item]));
  const beforeByName = new Map(before.map((item) => [key(item), item]));
  for (const item of before) {
    const name = nameOf(key(item));
    const match = afterByName.get(key(item));
    if (!match) {
      changes.push({ kind, change: 'removed', object: name, before: summariseWhole ? summarise(item) : item });
      continue;
    }
    if (nested) {
      nested(item, match, name);
      continue;
    }
    const a = fieldsOf(item);
    const b = fieldsOf(match);
    const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
      (field) => !sameJson(a[field], b[field]),
    );
    if (fields.length > 0) {
      changes.push({
        kind,
        change: 'changed',
        object: name,
        fields,
        before: Object.fromEntries(fields.map((field) => [field, a[field] ?? null])),
        after: Object.fromEntries(fields.map((field) => [field, b[field] ?? null])),
      });
    }
  }
  for (const item of after) {
    if (!beforeByName.has(key(item))) {
      changes.push({
        kind,
        change: 'added',
        object: nameOf(key(item)),
        after: summariseWhole ? summarise(item) : item,
      });
    }
  }
}

function summarise(item: unknown): unknown {
  if (item && typeof item === 'object' && 'columns' in item) {
    const table = item as Table;
    return {
      columns: table.columns.map((column) => `${column.name} ${column.type}${column.nullable ? '' : ' not null'}`),
    };
  }
  return item;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** One line per change, e.g. `~ column users.email: nullable true → false`. */
export function renderSchemaChanges(changes: SchemaChange[]): string {
  if (changes.length === 0) return 'no difference';
  return changes
    .map((change) => {
      const sign = change.change === 'added' ? '+' : change.change === 'removed' ? '-' : '~';
      if (change.change !== 'changed') {
        return `${sign} ${change.kind} ${change.object} ${change.change}: ${brief(change.after ?? change.before)}`;
      }
      const before = (change.before ?? {}) as Record<string, unknown>;
      const after = (change.after ?? {}) as Record<string, unknown>;
      const details = (change.fields ?? []).map((field) => `${field} ${brief(before[field])} → ${brief(after[field])}`);
      return `${sign} ${change.kind} ${change.object}: ${details.join('; ')}`;
    })
    .join('\n');
}

function brief(value: unknown): string {
  if (value === undefined || value === null) return '(none)';
  if (typeof value === 'string') return value;
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
