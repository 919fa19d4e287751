import { UserError } from '../errors.js';
import type { Migration, Statement } from '../model.js';
import { opensOwnTransaction } from './run-statements.js';
import { splitForEngine } from './statements.js';
import { describeDatabaseError, type ShadowDatabase, ShadowLimitation } from './types.js';

/**
 * The schema the new migration will meet: the project's earlier migrations replayed in order, or a schema dump
 * loaded, or nothing. Replays run fast (no observation); a failure names the migration file and line.
 */

export type BaselineSource =
  | { kind: 'migrations'; migrations: Migration[] }
  | { kind: 'dump'; sql: string; file: string }
  | { kind: 'none' };

export interface BaselineOptions {
  signal?: AbortSignal;
  onMigration?: (index: number, total: number, name: string) => void;
}

export async function buildBaseline(
  db: ShadowDatabase,
  source: BaselineSource,
  options: BaselineOptions = {},
): Promise<number> {
  if (source.kind === 'none') return 0;
  // A cancellation stops the statement replaying now, not only the next one; the caller then drops the shadow.
  const signal = options.signal;
  const interrupt = () => void db.interrupt?.().catch(() => undefined);
  signal?.addEventListener('abort', interrupt, { once: true });
  try {
    return await replay(db, source, options);
  } finally {
    signal?.removeEventListener('abort', interrupt);
  }
}

async function replay(
  db: ShadowDatabase,
  source: Exclude<BaselineSource, { kind: 'none' }>,
  options: BaselineOptions,
): Promise<number> {
  if (source.kind === 'dump') {
    const statements = await splitForEngine(source.sql, db.engine, source.file);
    await replayStatements(db, statements, source.file, db.transactionalDdl, options.signal);
    return statements.length;
  }
  for (const [index, migration] of source.migrations.entries()) {
    options.signal?.throwIfAborted();
    options.onMigration?.(index, source.migrations.length, migration.name);
    await replayStatements(
      db,
      migration.up,
      migration.path,
      migration.transactional && db.transactionalDdl && !opensOwnTransaction(db, migration.up),
      options.signal,
    );
  }
  return source.migrations.length;
}

async function replayStatements(
  db: ShadowDatabase,
  statements: Statement[],
  file: string,
  inTransaction: boolean,
  signal?: AbortSignal,
): Promise<void> {
  if (inTransaction) await db.begin();
  for (const statement of statements) {
    signal?.throwIfAborted();
    try {
      await db.exec(statement.sql);
    } catch (error) {
      // Stopped (time limit, cancellation): the shadow is being dropped, there is nothing to roll back or explain.
      signal?.throwIfAborted();
      if (inTransaction) await db.rollback().catch(() => undefined);
      const info = describeDatabaseError(error);
      const where = statement.origin ?? { file, line: statement.span.start.line, column: statement.span.start.column };
      const location = {
        file: where.file,
        line: where.line,
        ...(where.column !== undefined ? { column: where.column } : {}),
      };
      if (error instanceof ShadowLimitation)
        throw new UserError(
          'shadow-limitation',
          `Building the baseline stopped at an earlier migration the ${db.engine} shadow cannot run: ${error.message}`,
          error.fix,
          location,
        );
      throw new UserError(
        'baseline-failed',
        `Building the baseline failed: this earlier migration does not apply on a fresh ${db.engine} database: ${info.message}`,
        'Fix the earlier migration, rehearse with baseline "none" or "dump:<schema.sql>", or check that the engine is right.',
        location,
      );
    }
  }
  if (inTransaction) await db.commit();
}
