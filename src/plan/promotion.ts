import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadEnvironments, resolveUrl } from '../environments/config.js';
import { migrationStatus } from '../environments/status.js';
import { UserError } from '../errors.js';
import { shadowEngineFor } from '../shadow/open.js';
import { readTargetRowCounts } from '../shadow/target-stats.js';

/** The environment a plan promotes migrations to, as read there (read-only). */
export interface Promotion {
  environment: string;
  /** The URL with its password masked. */
  url: string;
  applied: number;
  /** What the environment has still to run, in order: the migrations the plan is of unless others are named. */
  pending: string[];
  /** Tables whose row count was read there (planner estimates), which the lock durations are stretched to. */
  rowCountsRead: number;
  /**
   * Where the environment is in a multi-phase change generate_migration wrote (expand / backfill / contract): the
   * next phase it has to run, when the first pending migration is one of them.
   */
  phase?: { next: number; of: number; label: string; migration: string };
}

/** Pending migrations listed at most (the count is always exact). */
const MAX_PENDING = 1_000;

/**
 * Reads, over read-only connections, what `environment` (declared in the project's configuration) has still to
 * run — from the migration tool's own bookkeeping there — and its tables' row counts.
 */
export async function readPromotion(
  root: string,
  environment: string,
  options: { path?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ promotion: Promotion; rowCounts: Record<string, number> }> {
  const status = await migrationStatus({
    root,
    environments: [environment],
    drift: false,
    limit: MAX_PENDING,
    ...(options.path ? { path: options.path } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  const found = status.environments[0];
  if (!found) throw new Error(`migration_status returned no environment ${environment}`);
  if (found.error) throw new UserError(found.error.code, `${environment}: ${found.error.what}`, found.error.fix);
  if (found.pending.length === 0)
    throw new UserError(
      'nothing-to-promote',
      `${environment} has every migration of ${status.directory} applied (${found.counts.applied}): nothing to promote.`,
      'Name the migrations to plan (migrations), or check the environment with migration_status.',
    );
  const reference = loadEnvironments(root).find((candidate) => candidate.name === environment);
  const url = resolveUrl(reference?.url ?? environment, reference?.where, options.env);
  const counts = found.engine ? await readTargetRowCounts(url, shadowEngineFor(found.engine)) : new Map();
  return {
    promotion: {
      environment,
      url: found.url,
      applied: found.counts.applied,
      pending: found.pending,
      rowCountsRead: counts.size,
      ...(await nextPhase(root, found.pending[0]!)),
    },
    rowCounts: Object.fromEntries(counts),
  };
}

/** The header generate_migration writes in a phased migration: "Phase 2 of 4 (backfill)". */
const PHASE_HEADER = /\bPhase (\d+) of (\d+) \((\w+)\)/;

async function nextPhase(root: string, pending: string): Promise<{ phase?: Promotion['phase'] }> {
  const file = pending.split('#')[0]!;
  const text = await readFile(path.join(root, file), 'utf8').catch(() => '');
  const match = PHASE_HEADER.exec(text.slice(0, 2_000));
  if (!match) return {};
  return { phase: { next: Number(match[1]), of: Number(match[2]), label: match[3]!, migration: pending } };
}
