import type { Engine } from '../model.js';
import type { RenameAnswer, SchemaOperation } from '../schema/diff/types.js';
import { diffSources } from '../schema/diff-sources.js';
import type { ProjectCodeConsent } from '../sources/types.js';
import { type DdlWriter, finishStatements } from './ddl.js';
import { snakeName } from './naming.js';
import type { Plan } from './plan.js';
import type { MigrationDraft } from './types.js';

/**
 * Drafts from a schema diff (the same `from` / `to` sources as diff_schema): its operations' SQL, the down from the
 * reverse diff, operations that cannot run in a transaction in a migration of their own, and steps that destroy
 * data withheld unless confirmed.
 */

export interface DiffDraftOptions {
  root: string;
  from?: string;
  to?: string;
  file?: string;
  engine?: Engine;
  renames?: RenameAnswer[];
  shadowUrl?: string;
  signal?: AbortSignal;
  name?: string;
  confirmDestructive?: boolean;
  lockTimeoutMs?: number;
  /** Consent to load a Drizzle schema module in the sandbox (a `drizzle:` or `git:` schema.ts side). */
  executeProjectCode?: ProjectCodeConsent;
  /** Whether a table exists before the change (may hold rows): its new indexes are built concurrently. */
  existing?: (table: string) => boolean;
}

const NAMES: Partial<Record<SchemaOperation['kind'], (table: string, item: string) => string>> = {
  'create-table': (table) => `add_${table}_table`,
  'drop-table': (table) => `drop_${table}_table`,
  'add-column': (table, item) => `add_${item}_to_${table}`,
  'drop-column': (table, item) => `drop_${item}_from_${table}`,
  'alter-column': (table, item) => `alter_${table}_${item}`,
  'create-index': (table, item) => `add_${item || table}`,
  'rename-column': (table, item) => `rename_${table}_${item}`,
};

function operationName(op: SchemaOperation): string {
  const [table = op.object, item = ''] = op.object.split('.');
  return snakeName(NAMES[op.kind]?.(table, item) ?? `${op.kind} ${op.object}`);
}

function outsideTransaction(op: SchemaOperation, engine: string): boolean {
  return (
    engine === 'postgresql' &&
    op.sql.some((sql) => /\bconcurrently\b/i.test(sql) || /^\s*alter\s+type\b.*\badd\s+value\b/i.test(sql))
  );
}

export async function planFromDiff(
  options: DiffDraftOptions,
  writer: DdlWriter,
): Promise<Plan & { from: string; to: string }> {
  const common = {
    root: options.root,
    ...(options.file ? { file: options.file } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
    ...(options.shadowUrl ? { shadowUrl: options.shadowUrl } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.executeProjectCode !== undefined ? { executeProjectCode: options.executeProjectCode } : {}),
  };
  const renames = options.renames ?? [];
  const forward = await diffSources({
    ...common,
    ...(options.from ? { from: options.from } : {}),
    ...(options.to ? { to: options.to } : {}),
    renames,
  });
  // The down is the diff the other way: to → from, with every rename answered backwards.
  const backward = await diffSources({
    ...common,
    from: forward.sources.to,
    to: forward.sources.from,
    renames: renames.map((rename) => ({
      ...(rename.table ? { table: rename.table } : {}),
      from: rename.to,
      to: rename.from,
    })),
  }).catch(() => undefined);
  const plan: Plan & { from: string; to: string } = {
    drafts: [],
    withheld: [],
    notes: [...forward.diff.notes],
    from: forward.from,
    to: forward.to,
  };
  for (const question of forward.diff.questions)
    plan.notes.push(
      `${question.kind} ${question.table ? `${question.table}.` : ''}${question.from} → ${question.to} looks renamed; pass renames: [${JSON.stringify(question.answer)}] to keep its data.`,
    );
  const kept: SchemaOperation[] = [];
  // An index on a table that may hold rows is built CONCURRENTLY (then a migration of its own, below).
  const concurrently = (op: SchemaOperation): SchemaOperation => {
    const table = op.object.split('.')[0] ?? '';
    const [sql] = op.sql;
    if (forward.engine !== 'postgresql' || op.kind !== 'create-index' || op.sql.length !== 1 || !sql) return op;
    if (!options.existing?.(table)) return op;
    return {
      ...op,
      sql: [
        sql.replace(/^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+(?!CONCURRENTLY)/i, 'CREATE $1INDEX CONCURRENTLY IF NOT EXISTS '),
      ],
    };
  };
  const withheldObjects = new Set<string>();
  for (const op of forward.diff.operations) {
    if (op.dataLoss && !options.confirmDestructive) {
      plan.withheld.push({ migration: operationName(op), drops: op.dataLoss });
      withheldObjects.add(op.object);
    } else kept.push(concurrently(op));
  }
  if (!backward)
    plan.notes.push('The reverse diff could not be computed: the down was left to the rehearsal to judge.');
  const reverse = (backward?.diff.operations ?? []).filter((op) => !withheldObjects.has(op.object));
  const own = kept.filter((op) => outsideTransaction(op, forward.engine));
  const ownObjects = new Set(own.map((op) => op.object));
  const main = kept.filter((op) => !ownObjects.has(op.object) || !own.includes(op));
  const locks = (ops: SchemaOperation[]) => ops.some((op) => !/^create-/.test(op.kind));
  const draft = (
    name: string,
    ops: SchemaOperation[],
    down: SchemaOperation[],
    transactional: boolean,
  ): MigrationDraft => {
    const finished = finishStatements(
      writer,
      { up: ops.flatMap((op) => op.sql), down: down.flatMap((op) => op.sql) },
      transactional,
      transactional && locks(ops) ? (options.lockTimeoutMs ?? 5_000) : undefined,
    );
    return {
      name,
      engine: writer.engine,
      ...finished,
      changes: [],
    };
  };
  if (main.length) {
    const name = options.name
      ? snakeName(options.name)
      : snakeName(main.slice(0, 2).map(operationName).join('_and_') + (main.length > 2 ? '_and_more' : ''));
    plan.drafts.push(
      draft(
        name,
        main,
        reverse.filter((op) => !ownObjects.has(op.object)),
        true,
      ),
    );
  }
  for (const op of own) {
    const down = reverse
      .filter((item) => item.object === op.object)
      .map((item) =>
        item.kind === 'drop-index'
          ? {
              ...item,
              sql: item.sql.map((sql) =>
                sql.replace(
                  /^\s*DROP\s+INDEX\s+(?!CONCURRENTLY)(?:IF\s+EXISTS\s+)?/i,
                  'DROP INDEX CONCURRENTLY IF EXISTS ',
                ),
              ),
            }
          : item,
      );
    plan.drafts.push(draft(operationName(op), [op], down, false));
  }
  if (plan.drafts.length > 1)
    plan.drafts = plan.drafts.map((item, index, all) => ({
      ...item,
      phase: { index: index + 1, of: all.length, label: index === 0 ? 'change' : 'index' },
    }));
  return plan;
}
