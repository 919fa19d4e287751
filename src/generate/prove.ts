import type { Migration } from '../model.js';
import { validatePostgres } from '../safety/engine.js';
import type { Risk } from '../safety/report.js';
import type { BaselineSource } from '../shadow/baseline.js';
import { rehearseMigration } from '../shadow/rehearse.js';
import { migrationFromSql } from '../shadow/statements.js';
import type { ShadowEngine } from '../shadow/types.js';
import type { MigrationDraft } from './types.js';

/**
 * The proof behind a generated migration: validate_safety's rules on each draft (PostgreSQL, with the project's
 * migrations and the earlier drafts as history), and a rehearsal of each draft on a shadow — the project's
 * migrations and the earlier drafts as baseline, synthetic rows, then up → down → up.
 */

export interface DraftValidation {
  draft: string;
  risk: Risk | 'NOT CHECKED';
  findings: { ruleId: string; severity: string; title: string; line: number }[];
  /** Findings beyond the first few, counted. */
  more: number;
}

export interface DraftRehearsal {
  draft: string;
  outcome: 'passed' | 'failed' | 'skipped';
  roundTrip: 'passed' | 'failed' | 'skipped';
  reason?: string;
  /** Rows the shadow held before the draft ran, and what the draft destroyed of them. */
  rows: number;
  destroyed: string[];
  durationMs: number;
}

const MAX_FINDINGS = 5;

export async function draftMigration(draft: MigrationDraft, engine: ShadowEngine, file: string): Promise<Migration> {
  const join = (statements: string[]) => statements.map((statement) => `${statement};`).join('\n');
  const migration = await migrationFromSql({
    id: draft.name,
    path: file,
    up: join(draft.up),
    ...(draft.down.length ? { down: join(draft.down) } : {}),
    engine,
  });
  return { ...migration, name: draft.name, transactional: draft.transactional };
}

export async function validateDrafts(
  drafts: { draft: MigrationDraft; file: string }[],
  history: Migration[],
  engine: ShadowEngine,
): Promise<DraftValidation[]> {
  if (engine !== 'postgresql')
    return drafts.map(({ draft }) => ({ draft: draft.name, risk: 'NOT CHECKED', findings: [], more: 0 }));
  const earlier = history.map((migration) => ({
    sql: migration.up.map((statement) => `${statement.sql};`).join('\n'),
    file: migration.path,
  }));
  const results: DraftValidation[] = [];
  for (const { draft, file } of drafts) {
    const sql = draft.up.map((statement) => `${statement};`).join('\n');
    const report = await validatePostgres(sql, {
      file,
      assumeInTransaction: draft.transactional,
      catalog: { history: [...earlier] },
      down: draft.down.length ? { sql: draft.down.map((statement) => `${statement};`).join('\n') } : false,
    });
    results.push({
      draft: draft.name,
      risk: report.risk,
      findings: report.findings.slice(0, MAX_FINDINGS).map((finding) => ({
        ruleId: finding.ruleId,
        severity: finding.severity,
        title: finding.title,
        line: finding.span.start.line,
      })),
      more: Math.max(0, report.findings.length - MAX_FINDINGS),
    });
    earlier.push({ sql, file });
  }
  return results;
}

export async function rehearseDrafts(
  drafts: { draft: MigrationDraft; file: string }[],
  history: Migration[],
  engine: ShadowEngine,
  options: {
    shadowUrl?: string;
    rowsPerTable?: number;
    signal?: AbortSignal;
    lockTimeoutMs?: number;
    keepWarm?: boolean;
  },
): Promise<DraftRehearsal[]> {
  const results: DraftRehearsal[] = [];
  const baseline = [...history];
  if (engine === 'mysql' && !options.shadowUrl)
    return drafts.map(({ draft }) => ({
      draft: draft.name,
      outcome: 'skipped',
      roundTrip: 'skipped',
      reason: 'MySQL/MariaDB has no embedded shadow: pass shadowUrl (CLI --shadow-url) to rehearse',
      rows: 0,
      destroyed: [],
      durationMs: 0,
    }));
  for (const { draft, file } of drafts) {
    const migration = await draftMigration(draft, engine, file);
    const source: BaselineSource = { kind: 'migrations', migrations: [...baseline] };
    const report = await rehearseMigration({
      engine,
      migration,
      baseline: source,
      rowsPerTable: options.rowsPerTable ?? 200,
      ...(options.shadowUrl ? { shadowUrl: options.shadowUrl } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.lockTimeoutMs ? { lockTimeoutMs: options.lockTimeoutMs } : {}),
      ...(options.keepWarm ? { keepWarm: true } : {}),
    });
    const differences = [...report.roundTrip.downDifference, ...report.roundTrip.reapplyDifference]
      .slice(0, 3)
      .map((change) => `${change.kind} ${change.object} ${change.change}`);
    const reason = report.failure
      ? `${report.failure.phase} statement ${report.failure.statement}: ${report.failure.message}`
      : report.roundTrip.reason && differences.length
        ? `${report.roundTrip.reason}: ${differences.join(', ')}`
        : report.roundTrip.reason;
    results.push({
      draft: draft.name,
      outcome: report.outcome,
      roundTrip: report.roundTrip.status,
      ...(reason ? { reason } : {}),
      rows: report.baseline.tables.reduce((sum, table) => sum + table.rows, 0),
      destroyed: report.data.destroyed.map(
        (item) => `${item.phase}: ${item.kind} ${item.object} (${item.rows} row(s))`,
      ),
      durationMs: Math.round(report.durationMs),
    });
    baseline.push(migration);
    // Later drafts build on this one: a failed draft makes their baseline meaningless.
    if (report.outcome === 'failed') break;
  }
  return results;
}
