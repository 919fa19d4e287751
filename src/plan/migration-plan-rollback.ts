import type { RehearsalReport } from '../shadow/rehearse.js';
import type { PlanRollback, PlanRollbackSummary } from './migration-plan-types.js';
import { type RollbackOptions, rollbackPlanOf } from './rollback.js';
import type { RollbackTarget } from './rollback-target.js';

/**
 * The plan's rollback section is rollback_plan's answer for each migration, made by the same code: the plan and
 * rollback_plan cannot disagree. Its rehearsal (up → down → up) is the plan's rehearsal too, so the lock timeline
 * and the proof come from one run.
 */

export async function planRollback(
  root: string,
  target: RollbackTarget,
  options: RollbackOptions,
): Promise<{ rollback: PlanRollback; rehearsal?: RehearsalReport }> {
  try {
    const { plan, rehearsal } = await rollbackPlanOf(root, target, options);
    return { rollback: { migration: target.migration.id, plan }, ...(rehearsal ? { rehearsal } : {}) };
  } catch (error) {
    options.signal?.throwIfAborted();
    // An up that does not run on the shadow leaves no schema to derive the down from: the plan says so and goes on.
    return { rollback: { migration: target.migration.id, error: (error as Error).message } };
  }
}

export function rollbackSummary(rollback: PlanRollback): PlanRollbackSummary {
  const plan = rollback.plan;
  if (!plan)
    return {
      migration: rollback.migration,
      grade: 'unknown',
      down: 'none',
      downStatements: 0,
      proof: 'skipped',
      pointsOfNoReturn: [],
      findings: [`no rollback plan: ${rollback.error ?? 'unknown reason'}`],
    };
  return {
    migration: rollback.migration,
    grade: plan.grade,
    down: plan.down.source,
    downStatements: plan.down.statements.length,
    ...(plan.command.command ? { command: plan.command.command } : {}),
    proof: plan.proof.status,
    pointsOfNoReturn: plan.pointsOfNoReturn.map(({ phase, statement, lost, backup }) => ({
      phase,
      statement,
      lost,
      backup,
    })),
    findings: plan.findings,
  };
}
