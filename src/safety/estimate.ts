import type { StatementLock } from './locks.js';

/**
 * Lock-duration estimates for large tables (seed rule 8). These are documented rules of thumb, not
 * measurements: real speed depends on row width, indexes, disks and load. They exist to separate "a blink"
 * from "minutes of blocked traffic"; rehearse_migration measures the real figure on a copy.
 */
export const ROWS_PER_SECOND = {
  /** Reading every row under the lock: constraint validation, SET NOT NULL, ATTACH PARTITION. */
  scan: 1_000_000,
  /** Building an index (CREATE INDEX, ADD UNIQUE/PRIMARY KEY): a scan plus a sort. */
  indexBuild: 500_000,
  /** Rewriting the table and its indexes: ALTER TYPE, volatile DEFAULT, VACUUM FULL, CLUSTER. */
  rewrite: 200_000,
  /** UPDATE/DELETE touching every row (row locks, WAL, dead tuples). */
  dml: 100_000,
} as const;

export type WorkKind = keyof typeof ROWS_PER_SECOND | 'metadata';

export function workKind(lock: StatementLock, buildsIndex: boolean): WorkKind {
  if (lock.rewrite) return 'rewrite';
  if (buildsIndex) return 'indexBuild';
  if (lock.mode === 'ROW EXCLUSIVE') return lock.scan ? 'dml' : 'metadata';
  if (lock.scan) return 'scan';
  return 'metadata';
}

/** Seconds a lock is held for the given work on a table of `rows` rows (metadata changes: 0). */
export function estimateSeconds(kind: WorkKind, rows: number): number {
  if (kind === 'metadata') return 0;
  return Math.round((rows / ROWS_PER_SECOND[kind]) * 10) / 10;
}

export function describeDuration(seconds: number): string {
  if (seconds < 1) return 'under a second';
  if (seconds < 90) return `about ${Math.round(seconds)} s`;
  if (seconds < 5400) return `about ${Math.round(seconds / 60)} min`;
  return `about ${(seconds / 3600).toFixed(1)} h`;
}

/** 1234567 → "1,234,567" without Intl (loading ICU data costs ~25 ms at startup). */
export function formatCount(value: number): string {
  const digits = String(Math.round(Math.abs(value)));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return value < 0 ? `-${grouped}` : grouped;
}
