import { renderSchemaChanges } from '../schema/compare.js';
import { LOCK_STRENGTH } from './locks.js';
import type { RehearsalReport } from './rehearse.js';
import type { StatementReport } from './run-statements.js';

/** The readable rehearsal report: per-statement table, round-trip verdict, data, scale estimate. */
export function renderRehearsal(report: RehearsalReport): string {
  const lines: string[] = [];
  const verdict = report.outcome === 'passed' ? 'PASSED' : 'FAILED';
  lines.push(`Rehearsal ${verdict} — ${report.migration.path} on ${report.shadow}`);
  lines.push(
    `baseline: ${describeBaseline(report)}; ${report.migration.statements} statement(s) up, ${executionMode(report)}; ${report.durationMs} ms`,
  );
  if (report.failure)
    lines.push(
      `error: ${report.failure.location}: ${report.failure.message} (${report.failure.phase}, statement ${report.failure.statement})`,
    );
  lines.push('');
  lines.push('| # | phase | statement | ms | locks (held until) | rewrite | scan |');
  lines.push('|---|---|---|---:|---|---|---|');
  for (const step of report.steps) lines.push(row(step));
  lines.push('');
  const trip = report.roundTrip;
  lines.push(`round trip up → down → up: ${trip.status.toUpperCase()}${trip.reason ? ` (${trip.reason})` : ''}`);
  if (trip.downDifference.length > 0)
    lines.push(`schema after down differs from the baseline:\n${indent(renderSchemaChanges(trip.downDifference))}`);
  if (trip.reapplyDifference.length > 0)
    lines.push(`second up differs from the first:\n${indent(renderSchemaChanges(trip.reapplyDifference))}`);
  const preserved = report.data.preserved.filter((table) => table.rows > 0);
  if (preserved.length > 0)
    lines.push(
      `data preserved after down: ${preserved.map((table) => `${table.table} (${table.rows} rows, ${table.columns.length} column checksums equal)`).join(', ')}`,
    );
  for (const change of report.data.changed)
    lines.push(`data changed: ${change.table}.${change.column}: ${change.reason}`);
  for (const item of report.data.destroyed)
    lines.push(
      `data destroyed by ${item.phase}: ${item.kind} ${item.object} (${item.rows} rows${item.nonNullValues !== undefined ? `, ${item.nonNullValues} non-NULL values` : ''})`,
    );
  for (const estimate of report.estimates) {
    const flag = estimate.exceedsLockTimeout ? '⚠ ' : '';
    lines.push(
      `${flag}at ${estimate.targetRows.toLocaleString('en-US')} rows (${estimate.rowCountSource}): statement ${estimate.statement} ${estimate.work} of ${estimate.table} ≈ ${(estimate.estimatedMs / 1000).toFixed(1)} s${estimate.lock ? ` under ${estimate.lock}` : ''} (measured ${estimate.measuredMs} ms for ${estimate.syntheticRows} rows)${estimate.advice ? `\n  ${estimate.advice}` : ''}`,
    );
  }
  for (const note of report.engineNotes) lines.push(`note: ${note}`);
  return lines.join('\n');
}

function executionMode(report: RehearsalReport): string {
  if (report.engine === 'mysql') return 'no transaction: each DDL statement commits on its own (MySQL/MariaDB)';
  return report.migration.transactional ? 'one transaction' : 'no wrapping transaction';
}

function describeBaseline(report: RehearsalReport): string {
  const rows = report.baseline.tables.reduce((sum, table) => sum + table.rows, 0);
  const what =
    report.baseline.kind === 'migrations'
      ? `${report.baseline.migrationsReplayed} earlier migration(s)${report.baseline.cached ? '' : ' replayed'}`
      : report.baseline.kind === 'dump'
        ? 'schema dump loaded'
        : 'empty database';
  const timing = report.baseline.cached
    ? `restored from the baseline cache in ${report.baseline.durationMs} ms, built ${formatAge(report.baseline.cachedAgeMs ?? 0)} ago by an earlier rehearsal`
    : `${report.baseline.durationMs} ms`;
  return `${what}, ${report.baseline.tables.length} table(s), ${rows} synthetic rows (${timing})`;
}

function formatAge(ms: number): string {
  if (ms < 60_000) return `${Math.max(1, Math.round(ms / 1000))} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

function row(step: StatementReport): string {
  const sql = step.sql.replace(/\s+/g, ' ');
  const shown = sql.length > 60 ? `${sql.slice(0, 57)}...` : sql;
  // An index lock is implied when its table is locked at least as strongly in the same statement.
  const tableStrength = Math.max(
    0,
    ...step.locks.filter((lock) => lock.kind === 'table').map((lock) => LOCK_STRENGTH[lock.mode]),
  );
  const locks = step.locks
    .filter((lock) => !lock.newObject)
    .filter((lock) => lock.kind !== 'index' || LOCK_STRENGTH[lock.mode] > tableStrength)
    .map((lock) => `${lock.mode} ${lock.relation} (${lock.heldUntil === 'commit' ? 'until commit' : 'statement'})`)
    .join('; ');
  const rewrites = step.rewrites
    .filter((item) => item.kind === 'table')
    .map((item) => item.relation)
    .join(', ');
  const scans = step.scans.map((item) => item.relation).join(', ');
  const status = step.error
    ? ` ✗ ${step.location.file}:${step.error.line}:${step.error.column} ${step.error.message.split('\n')[0]}`
    : '';
  return `| ${step.index} | ${step.phase} | \`${shown.replaceAll('|', '\\|')}\`${status} | ${step.durationMs} | ${locks || '—'} | ${rewrites || '—'} | ${scans || '—'} |`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
