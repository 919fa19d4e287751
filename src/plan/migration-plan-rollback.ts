import type { Migration } from '../model.js';
import { deriveDownOf } from '../schema/down.js';
import type { RehearsalReport } from '../shadow/rehearse.js';
import { splitForEngine } from '../shadow/statements.js';
import type { ShadowEngine } from '../shadow/types.js';
import type { PlanRollback } from './migration-plan-types.js';

/**
 * The plan's rollback section, kept in one place so a fuller rollback plan can replace it: the migration's own
 * down when it has one, else the down derived from the schema on a shadow (with its points of no return), and
 * the project's rollback command. `withDown` gives the rehearsal the down to prove in its round trip.
 */

export interface RollbackDraft {
  rollback: Omit<PlanRollback, 'tested'>;
  /** The migration with the down the rehearsal should run (the derived one when it had none). */
  withDown: Migration;
}

export async function draftRollback(
  migration: Migration,
  earlier: Migration[],
  options: {
    engine: ShadowEngine;
    shadowUrl?: string;
    command?: { command: string; source: string };
    signal?: AbortSignal;
  },
): Promise<RollbackDraft> {
  const base = { migration: migration.id, ...(options.command ? { command: options.command } : {}) };
  if (migration.down && migration.down.length > 0)
    return {
      rollback: {
        ...base,
        source: 'migration',
        statements: migration.down.map((statement) => statement.sql),
        pointsOfNoReturn: [],
        notes: [],
      },
      withDown: migration,
    };
  try {
    const derived = await deriveDownOf(migration, earlier, {
      engine: options.engine,
      ...(options.shadowUrl ? { shadowUrl: options.shadowUrl } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const sql = derived.statements.map((statement) => `${statement};`).join('\n');
    const down = await splitForEngine(sql, options.engine, `${migration.path} (derived down)`);
    return {
      rollback: {
        ...base,
        source: 'derived',
        statements: derived.statements,
        pointsOfNoReturn: [...derived.upLosses, ...derived.pointsOfNoReturn],
        notes: [
          `${migration.path} has no down migration: this one is derived from the schema before and after it.`,
          ...derived.caveats,
        ],
      },
      withDown: { ...migration, down },
    };
  } catch (error) {
    return {
      rollback: {
        ...base,
        source: 'none',
        statements: [],
        pointsOfNoReturn: [],
        notes: [`No down migration, and none could be derived: ${(error as Error).message}`],
      },
      withDown: migration,
    };
  }
}

/** The rollback with what the rehearsal proved: the round trip, and the data the down does not give back. */
export function provenRollback(draft: RollbackDraft['rollback'], report: RehearsalReport | undefined): PlanRollback {
  if (!report) return { ...draft, tested: 'not rehearsed' };
  const lost = report.data.destroyed.map((item) => ({
    object: item.object,
    lost: `${item.phase === 'up' ? 'the up destroys' : 'rolling back destroys'} ${item.kind} ${item.object} (${item.rows} rows${item.nonNullValues !== undefined ? `, ${item.nonNullValues} non-NULL values` : ''})`,
  }));
  const known = new Set(draft.pointsOfNoReturn.map((point) => point.object));
  return {
    ...draft,
    pointsOfNoReturn: [...draft.pointsOfNoReturn, ...lost.filter((point) => !known.has(point.object))],
    tested:
      report.roundTrip.status === 'passed'
        ? 'passed'
        : report.roundTrip.status === 'failed'
          ? 'failed'
          : 'not rehearsed',
    notes: [
      ...draft.notes,
      ...(report.roundTrip.reason ? [`round trip: ${report.roundTrip.reason}`] : []),
      ...report.data.changed.map(
        (change) => `after rollback ${change.table}.${change.column} differs: ${change.reason}`,
      ),
    ],
  };
}
