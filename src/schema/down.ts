import { UserError } from '../errors.js';
import type { Engine, Migration } from '../model.js';
import { buildBaseline } from '../shadow/baseline.js';
import { shadowEngineFor } from '../shadow/open.js';
import { cachedReplay, historyExtensions, historyKey, rememberReplay, versionText } from '../shadow/replay-cache.js';
import { migrationIndex } from '../sources/migration-ref.js';
import { diffSchemas } from './diff/diff.js';
import type { SchemaDiff, SchemaOperation } from './diff/types.js';
import type { Schema } from './model.js';
import { withShadow } from './sources.js';

/**
 * The down of any up: the migrations before it replayed on a shadow (S0), the up applied (S1), and the down is
 * diff(S1, S0). Views, routines and triggers come back with their exact earlier text because S0 is read from the
 * catalog, not from the hand-written down. Every step that cannot give data back is a point of no return.
 */

export interface DerivedDown {
  migration: { id: string; name: string; path: string };
  /** Migrations replayed as the baseline. */
  baseline: number;
  down: SchemaDiff;
  /** The down's statements in order, ready to write as a file. */
  statements: string[];
  pointsOfNoReturn: { object: string; lost: string }[];
  /** Steps of the up that destroy data: the down restores their structure, empty. */
  upLosses: { object: string; lost: string }[];
  /** What a structural down cannot see. */
  caveats: string[];
}

export interface DeriveDownOptions {
  root: string;
  engine?: Engine;
  shadowUrl?: string;
  signal?: AbortSignal;
  /** Migration folder inside the project, when not the detected one. */
  path?: string;
}

export async function deriveDown(migrationRef: string, options: DeriveDownOptions): Promise<DerivedDown> {
  const { readMigrations } = await import('../sources/index.js');
  const result = await readMigrations(options.root, {
    ...(options.path ? { path: options.path } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const index = migrationIndex(result.migrations, migrationRef, result.directory);
  const migration = result.migrations[index]!;
  const earlier = result.migrations.slice(0, index);
  const notCompiled = [...earlier, migration].find((item) => item.compiled === false);
  if (notCompiled)
    throw new UserError(
      'migrations-not-compiled',
      `${notCompiled.path} is code whose SQL is unknown without running it.`,
      'List the migrations with executeProjectCode first, or derive the down from SQL migrations.',
      { file: notCompiled.path },
    );
  const engine = options.engine ?? result.engine;
  return deriveDownOf(migration, earlier, { ...options, ...(engine ? { engine } : {}) });
}

export async function deriveDownOf(
  migration: Migration,
  earlier: Migration[],
  options: Omit<DeriveDownOptions, 'root' | 'path'>,
): Promise<DerivedDown> {
  const { before, after } = await schemasAround(migration, earlier, options);
  return downBetween(migration, earlier.length, before, after);
}

/**
 * The schema before the migration (its earlier ones replayed on a shadow) and after it; both kept in the
 * process's replay cache, so deriving the same down again, or diffing the same history, replays nothing.
 */
export async function schemasAround(
  migration: Migration,
  earlier: Migration[],
  options: Omit<DeriveDownOptions, 'root' | 'path'>,
): Promise<{ before: Schema; after: Schema }> {
  const engine = shadowEngineFor(options.engine);
  const beforeKey = historyKey(engine, earlier, options.shadowUrl);
  const afterKey = historyKey(engine, [...earlier, migration], options.shadowUrl);
  const [cachedBefore, cachedAfter] = [cachedReplay(beforeKey), cachedReplay(afterKey)];
  if (cachedBefore && cachedAfter) return { before: cachedBefore.schema, after: cachedAfter.schema };
  const signal = options.signal ? { signal: options.signal } : {};
  const extensions = historyExtensions([...earlier, migration]);
  return withShadow({ ...options, extensions }, async (db) => {
    await buildBaseline(db, { kind: 'migrations', migrations: earlier }, signal);
    const version = await versionText(db);
    const before = await db.introspect();
    await buildBaseline(db, { kind: 'migrations', migrations: [migration] }, signal);
    const after = await db.introspect();
    rememberReplay(beforeKey, { schema: structuredClone(before), ...(version ? { version } : {}) });
    rememberReplay(afterKey, { schema: structuredClone(after), ...(version ? { version } : {}) });
    return { before, after };
  });
}

/** The down of a migration from the schemas around it (see schemasAround); `baseline` = earlier migrations. */
export function downBetween(migration: Migration, baseline: number, before: Schema, after: Schema): DerivedDown {
  const down = diffSchemas(after, before);
  const up = diffSchemas(before, after);
  const caveats: string[] = [];
  if (migration.up.some((statement) => /^\s*(delete|update|truncate)\b/i.test(statement.sql)))
    caveats.push(
      'The up changes rows (DELETE/UPDATE/TRUNCATE): the structural down cannot restore them; restore from a backup.',
    );
  if (down.questions.length > 0)
    caveats.push('The up looks like it renames something; the down drops and re-adds unless the renames are answered.');
  return {
    migration: { id: migration.id, name: migration.name, path: migration.path },
    baseline,
    down,
    statements: down.operations.flatMap((operation) => operation.sql),
    pointsOfNoReturn: down.operations.filter(hasLoss).map((operation) => ({
      object: operation.object,
      lost: operation.dataLoss ?? '',
    })),
    upLosses: up.operations
      .filter(hasLoss)
      .map((operation) => ({ object: operation.object, lost: operation.dataLoss ?? '' })),
    caveats,
  };
}

function hasLoss(operation: SchemaOperation): boolean {
  return operation.dataLoss !== undefined;
}

export interface HistoryDown {
  migration: { id: string; name: string; path: string };
  statements: string[];
  pointsOfNoReturn: { object: string; lost: string }[];
  /** The derived down was applied after the up and gave back the exact earlier schema. */
  restoresEarlierSchema: boolean;
  /** What still differs when it did not (operations a second diff would need), or the error it raised. */
  residual: string[];
}

/**
 * Derives and proves the down of every migration of a history in one pass on one shadow: up, introspect, down =
 * diff(after, before), apply the down, check the schema is the earlier one exactly, apply the up again, go on.
 */
export async function deriveHistoryDowns(
  migrations: Migration[],
  options: Omit<DeriveDownOptions, 'root' | 'path'> & { onMigration?: (index: number, total: number) => void },
): Promise<HistoryDown[]> {
  const signal = options.signal ? { signal: options.signal } : {};
  return withShadow(options, async (db) => {
    const results: HistoryDown[] = [];
    let before = await db.introspect();
    for (const [index, migration] of migrations.entries()) {
      options.onMigration?.(index, migrations.length);
      await buildBaseline(db, { kind: 'migrations', migrations: [migration] }, signal);
      const after = await db.introspect();
      const down = diffSchemas(after, before);
      const statements = down.operations.flatMap((operation) => operation.sql);
      let residual: string[];
      try {
        for (const statement of statements) await db.exec(statement);
        residual = diffSchemas(await db.introspect(), before).operations.map(
          (operation) => `${operation.kind} ${operation.object}`,
        );
      } catch (error) {
        residual = [`the down failed: ${(error as Error).message}`];
      }
      // Continue from the real state after the up, whatever the down did.
      if (residual.length > 0 || statements.length > 0) {
        const undo = diffSchemas(await db.introspect(), after).operations.flatMap((operation) => operation.sql);
        for (const statement of undo) await db.exec(statement);
      }
      results.push({
        migration: { id: migration.id, name: migration.name, path: migration.path },
        statements,
        pointsOfNoReturn: down.operations
          .filter(hasLoss)
          .map((operation) => ({ object: operation.object, lost: operation.dataLoss ?? '' })),
        restoresEarlierSchema: residual.length === 0,
        residual,
      });
      before = after;
    }
    return results;
  });
}
