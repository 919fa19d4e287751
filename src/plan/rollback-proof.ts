import type { Migration, Statement } from '../model.js';
import { type RehearsalReport, rehearseMigration } from '../shadow/rehearse.js';
import { splitForEngine } from '../shadow/statements.js';
import type { ShadowEngine } from '../shadow/types.js';

/**
 * The proof of a rollback: up → down → up rehearsed on a throw-away shadow with synthetic rows. The project's own
 * down is tried first; when it fails or leaves a different schema, that is a finding and the derived down is
 * rehearsed instead. An up that fails on synthetic rows says nothing about the down: it is retried on empty tables.
 */

export interface RollbackProof {
  status: 'passed' | 'failed' | 'skipped';
  shadow?: string;
  /** Which down was rehearsed. */
  down?: 'project' | 'derived';
  failedAt?: { phase: string; statement: number; message: string; location: string };
  /** What still differs from the earlier schema after the down. */
  schemaDifference?: string[];
  reason?: string;
  rowsPerTable?: number;
}

export interface ProofRequest {
  engine: ShadowEngine;
  migration: Migration;
  earlier: Migration[];
  own?: Statement[];
  derived: string[];
  rowsPerTable: number;
  shadowUrl?: string;
  allowRemoteShadow?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: number, total: number, message: string) => void;
  keepWarm?: boolean;
  rowCounts?: Record<string, number>;
  lockTimeoutMs?: number;
}

export interface ProofOutcome {
  proof: RollbackProof;
  report: RehearsalReport;
  /** The first rehearsal, on synthetic rows: where an up that fails on rows shows it (the retry is on empty tables). */
  upReport: RehearsalReport;
  source: 'project' | 'derived';
  findings: string[];
  notes: string[];
}

export async function proveRollback(request: ProofRequest): Promise<ProofOutcome> {
  const findings: string[] = [];
  const notes: string[] = [];
  const derived = async () =>
    splitForEngine(request.derived.map((sql) => `${sql};`).join('\n'), request.engine, 'derived-down.sql');
  let source: 'project' | 'derived' = request.own ? 'project' : 'derived';
  let rows = request.rowsPerTable;
  let outcome = await rehearse(request, request.own ?? (await derived()), source, rows);
  const upReport = outcome.report;
  if (outcome.proof.failedAt?.phase === 'up' && rows > 0) {
    notes.push(
      `the up failed on synthetic rows (${outcome.proof.failedAt.message}); the round trip was rehearsed on empty tables`,
    );
    rows = 0;
    outcome = await rehearse(request, request.own ?? (await derived()), source, rows);
  }
  const { proof } = outcome;
  if (request.own && proof.status === 'failed' && proof.failedAt?.phase !== 'up') {
    findings.push(
      proof.failedAt?.phase === 'down'
        ? `the project's down fails at statement ${proof.failedAt.statement}: ${proof.failedAt.message}`
        : `the project's down does not give back the earlier schema: ${(proof.schemaDifference ?? []).join('; ')}`,
    );
    if (request.derived.length > 0) {
      const retry = await rehearse(request, await derived(), 'derived', rows);
      if (retry.proof.status === 'passed') {
        findings.push('the derived down passes the round trip: use it instead');
        source = 'derived';
        outcome = retry;
      }
    }
  }
  return { ...outcome, upReport, source, findings, notes };
}

async function rehearse(
  request: ProofRequest,
  down: Statement[],
  source: 'project' | 'derived',
  rowsPerTable: number,
): Promise<{ proof: RollbackProof; report: RehearsalReport }> {
  const report = await rehearseMigration({
    engine: request.engine,
    migration: { ...request.migration, down },
    baseline: { kind: 'migrations', migrations: request.earlier },
    rowsPerTable,
    ...(request.shadowUrl ? { shadowUrl: request.shadowUrl } : {}),
    ...(request.allowRemoteShadow ? { allowRemoteShadow: true } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.onProgress
      ? {
          onProgress: (progress: number, total: number, message: string) =>
            request.onProgress?.(progress, total, `proof: ${message}`),
        }
      : {}),
    ...(request.keepWarm ? { keepWarm: true } : {}),
    ...(request.rowCounts ? { rowCounts: request.rowCounts } : {}),
    ...(request.lockTimeoutMs !== undefined ? { lockTimeoutMs: request.lockTimeoutMs } : {}),
  });
  const difference = report.roundTrip.downDifference.map(
    (change) => `${change.change} ${change.kind} ${change.object}`,
  );
  const passed = report.outcome === 'passed' && report.roundTrip.status === 'passed';
  return {
    report,
    proof: {
      status: passed ? 'passed' : 'failed',
      shadow: report.shadow,
      down: source,
      rowsPerTable,
      ...(report.failure ? { failedAt: report.failure } : {}),
      ...(difference.length ? { schemaDifference: difference } : {}),
      ...(!passed && report.roundTrip.reason ? { reason: report.roundTrip.reason } : {}),
    },
  };
}
