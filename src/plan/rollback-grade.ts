import type { Engine, Migration } from '../model.js';
import type { DerivedDown } from '../schema/down.js';
import type { RehearsalReport } from '../shadow/rehearse.js';
import { backupCommand } from './rollback-checks.js';
import type { RollbackProof } from './rollback-proof.js';

/**
 * How recoverable a migration is, and why: what is lost (by the up, or by rolling back data written since), the
 * step where that happens, and the backup to take before it.
 */

export type RollbackGrade = 'reversible' | 'reversible-with-data-loss' | 'irreversible';

export interface Loss {
  /** `users.legacy_flag`, `orders`, `rows of users`. */
  object: string;
  what: string;
  /** `up`: the migration destroys it; `down`: rolling back destroys what was written since the up. */
  by: 'up' | 'down';
}

export interface PointOfNoReturn {
  phase: 'up' | 'down';
  /** 1-based statement of that phase. */
  statement: number;
  sql: string;
  lost: string;
  tables: string[];
  /** Run before that statement. */
  backup: string;
}

export interface Evidence {
  phase: 'up' | 'down';
  statement?: number;
  sql?: string;
  why: string;
}

export function lossesOf(derived: DerivedDown, migration: Migration, rehearsal?: RehearsalReport): Loss[] {
  const losses: Loss[] = [
    ...derived.upLosses.map((loss) => ({ object: loss.object, what: loss.lost, by: 'up' as const })),
    ...derived.pointsOfNoReturn.map((loss) => ({
      object: loss.object,
      what: `${loss.lost} written after the up`,
      by: 'down' as const,
    })),
  ];
  for (const statement of migration.up) {
    const match = /^\s*(delete\s+from|update|truncate(?:\s+table)?)\s+(?:only\s+)?([\w."`]+)/i.exec(statement.sql);
    if (match?.[1] && match[2])
      losses.push({
        object: `rows of ${unquote(match[2])}`,
        what: `the ${match[1].split(/\s/)[0]?.toUpperCase()} changes row values no down gives back`,
        by: 'up',
      });
  }
  for (const changed of rehearsal?.data.changed ?? [])
    if (!losses.some((loss) => loss.object === `${changed.table}.${changed.column}`))
      losses.push({
        object: `${changed.table}.${changed.column}`,
        what: `values differ after up → down (${changed.reason})`,
        by: 'up',
      });
  return losses;
}

export function pointsOfNoReturn(
  losses: Loss[],
  up: string[],
  down: string[],
  engine: Engine,
  label: string,
): PointOfNoReturn[] {
  const points: PointOfNoReturn[] = [];
  for (const loss of losses) {
    const table = tableOf(loss.object);
    const statements = loss.by === 'up' ? up : down;
    const index = findStatement(statements, loss.object, table);
    const existing = points.find((point) => point.phase === loss.by && point.statement === index + 1);
    if (existing) {
      existing.lost += `; ${loss.what}`;
      if (!existing.tables.includes(table)) existing.tables.push(table);
      existing.backup = backupCommand(engine, existing.tables, `${label}-${loss.by}`);
      continue;
    }
    points.push({
      phase: loss.by,
      statement: index + 1,
      sql: statements[index] ?? '',
      lost: loss.what,
      tables: [table],
      backup: backupCommand(engine, [table], `${label}-${loss.by}`),
    });
  }
  return points.sort((a, b) => (a.phase === b.phase ? a.statement - b.statement : a.phase === 'up' ? -1 : 1));
}

/** The first statement that names the object (or its table) with a destructive verb; else one naming the table. */
function findStatement(statements: string[], object: string, table: string): number {
  const column = object.includes('.') ? object.split('.').at(-1) : undefined;
  const names = (sql: string, name: string) =>
    new RegExp(`[\\s."\`(]${escapeRegExp(name)}([\\s."\`;(),]|$)`, 'i').test(` ${sql}`);
  const destructive = /\b(drop|delete|truncate|update|alter|rename)\b/i;
  const order = [
    (sql: string) => destructive.test(sql) && names(sql, table) && (!column || names(sql, column)),
    (sql: string) => destructive.test(sql) && names(sql, table),
    (sql: string) => names(sql, table),
  ];
  for (const test of order) {
    const index = statements.findIndex(test);
    if (index >= 0) return index;
  }
  return 0;
}

export function tableOf(object: string): string {
  const name = object.replace(/^rows of /, '').replace(/^(view|table|index|sequence|enum|type)\s+/, '');
  const parts = name.split('.');
  // `schema.table.column` and `table.column` name a column; a bare name is the table.
  return parts.length >= 3 ? `${parts[0]}.${parts[1]}` : (parts[0] ?? name);
}

function unquote(name: string): string {
  return name.replace(/["`]/g, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The grade, from the proof first (a down that fails or leaves another schema), then from what is lost. */
export function gradeOf(
  lost: Loss[],
  points: PointOfNoReturn[],
  proof: RollbackProof,
  down: string[],
  up: string[],
): { grade: RollbackGrade; evidence: Evidence[] } {
  if (proof.status === 'failed' && proof.failedAt?.phase !== 'up') {
    const failed = proof.failedAt;
    return {
      grade: 'irreversible',
      evidence: [
        failed
          ? {
              phase: 'down',
              statement: failed.statement,
              sql: down[failed.statement - 1] ?? '',
              why: `the down fails there in the rehearsal: ${failed.message}`,
            }
          : {
              phase: 'down',
              why: `no down gives back the earlier schema: ${(proof.schemaDifference ?? []).join('; ')}`,
            },
      ],
    };
  }
  if (
    down.length === 0 &&
    up.some((sql) => !/^\s*(delete|update|truncate|insert|select)\b/i.test(sql)) &&
    lost.length === 0
  )
    return {
      grade: 'reversible',
      evidence: [{ phase: 'up', why: 'the up leaves the schema unchanged: nothing to undo' }],
    };
  if (lost.length === 0)
    return {
      grade: 'reversible',
      evidence: [
        {
          phase: 'down',
          why: `the down gives back the earlier schema and no step destroys data${proof.status === 'passed' ? ' (proven by the rehearsal)' : ''}`,
        },
      ],
    };
  return {
    grade: 'reversible-with-data-loss',
    evidence: points.map((point) => ({
      phase: point.phase,
      statement: point.statement,
      sql: point.sql,
      why: point.phase === 'up' ? `destroys ${point.lost}` : `rolling back drops ${point.lost}`,
    })),
  };
}
