import type { Engine } from '../model.js';
import type { DeploymentStep, TimelineEntry } from './migration-plan-types.js';
import { backupCommand } from './rollback-checks.js';
import { formatMs } from './timeline-render.js';

/**
 * The plan's deployment steps, per environment: staging first (apply, verify, roll back and re-apply), then
 * production (backup of the affected tables, lock_timeout, apply, monitor), then the follow-up phases the safety
 * report's fixes put in separate migrations.
 */

export interface DeploymentFacts {
  engine: Engine;
  tables: string[];
  applyCommand?: string;
  rollbackCommand?: string;
  lockTimeoutMs: number;
  /** The up phase's locks that block reads or writes. */
  blocking: TimelineEntry[];
  /** Steps the safety report says belong in a separate, later migration. */
  followUps: { description: string; sql: string }[];
  /** Multi-phase advice for changes old code cannot live with. */
  incompatible: string[];
  migrationIds: string[];
}

export function deploymentSteps(facts: DeploymentFacts): DeploymentStep[] {
  const apply = facts.applyCommand ?? `apply ${facts.migrationIds.join(', ')} with the project's migration tool`;
  const steps: DeploymentStep[] = [
    {
      environment: 'staging',
      title: 'Run the migration in staging first',
      commands: [apply],
      detail: 'On a copy of production data, so lock times and data conversions are real.',
    },
    {
      environment: 'staging',
      title: 'Verify data integrity',
      commands: facts.tables.map((table) => countQuery(facts.engine, table)),
      detail: 'Row counts of the affected tables must match before and after; then roll back and re-apply once.',
    },
  ];
  if (facts.rollbackCommand)
    steps.push({
      environment: 'staging',
      title: 'Prove the rollback',
      commands: [facts.rollbackCommand, apply],
    });
  steps.push({
    environment: 'production',
    title: 'Back up the affected tables',
    commands: [backupCommand(facts.engine, facts.tables, facts.migrationIds.at(-1) ?? 'migration')],
  });
  steps.push({
    environment: 'production',
    title: 'Run the migration in production',
    commands: [apply],
    detail: `${
      facts.blocking.length > 0
        ? `Blocks ${[...new Set(facts.blocking.map((entry) => `${entry.table} (${entry.blocks}, ${formatMs(entry.durationMs)})`))].join(', ')}${facts.blocking.some((entry) => entry.exceedsLockTimeout) ? ': run at low traffic' : ''}.`
        : 'No lock blocks reads or writes of an existing table.'
    }${facts.engine === 'postgresql' ? ` Run it with SET lock_timeout = '${facts.lockTimeoutMs}ms' so a lock that cannot be had fails fast instead of queueing traffic.` : ''}`,
  });
  steps.push({
    environment: 'production',
    title: 'Monitor for errors and lock waits',
    commands: monitoringQueries(facts.engine, facts.tables),
    detail: 'Watch the application error rate and the queries queued behind the migration until it commits.',
  });
  const later = [
    ...facts.followUps.map((step) => `-- ${step.description.replace(/\n/g, ' ')}\n${step.sql.trim()}`),
    ...facts.incompatible.map((advice) => `-- ${advice.replace(/\n/g, ' ')}`),
  ];
  steps.push({
    environment: 'follow-up',
    title: later.length > 0 ? 'Schedule the follow-up migrations' : 'No follow-up migration needed',
    commands: later,
    detail:
      later.length > 0
        ? 'Each in its own migration, after the code that needs the previous phase is deployed.'
        : 'Single phase: the change is complete when this migration has run.',
  });
  return steps;
}

function countQuery(engine: Engine, table: string): string {
  return `SELECT count(*) FROM ${quote(engine, table)};`;
}

function monitoringQueries(engine: Engine, tables: string[]): string[] {
  if (engine === 'mysql' || engine === 'mariadb')
    return [
      'SELECT object_name, lock_type, lock_status, owner_thread_id FROM performance_schema.metadata_locks WHERE object_schema = DATABASE();',
      "SELECT id, time, state, info FROM information_schema.processlist WHERE state LIKE 'Waiting for table metadata lock%';",
    ];
  if (engine === 'sqlite') return ['PRAGMA integrity_check;', 'PRAGMA foreign_key_check;'];
  const names = tables.map((table) => `'${table.replace(/'/g, "''")}'`).join(', ');
  return [
    `SELECT a.pid, l.mode, l.relation::regclass AS relation, now() - a.query_start AS waiting, left(a.query, 60) AS query FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE NOT l.granted${names ? ` AND l.relation::regclass::text IN (${names})` : ''};`,
    "SELECT pid, now() - xact_start AS running, state, left(query, 60) AS query FROM pg_stat_activity WHERE xact_start < now() - interval '5 seconds' ORDER BY xact_start;",
  ];
}

function quote(engine: Engine, table: string): string {
  if (/^[a-z_][a-z0-9_.]*$/.test(table)) return table;
  return engine === 'mysql' || engine === 'mariadb' ? `\`${table}\`` : `"${table.replace(/"/g, '""')}"`;
}
