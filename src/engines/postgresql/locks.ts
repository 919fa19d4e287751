/**
 * PostgreSQL's table-level lock modes: the one list the checker, the rehearsal and the MCP schemas read. Weakest
 * first, which is the order of the manual's "Table-Level Locks" section and the numbering of lockdefs.h and of
 * `LOCK TABLE … IN <mode> MODE` (libpg_query's LockStmt.mode 1–8).
 */
export const PG_LOCK_MODES = [
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
] as const;

export type PgLockMode = (typeof PG_LOCK_MODES)[number];

/** 1 (ACCESS SHARE) … 8 (ACCESS EXCLUSIVE): a stronger mode conflicts with at least what a weaker one does. */
export const LOCK_STRENGTH: Readonly<Record<PgLockMode, number>> = Object.fromEntries(
  PG_LOCK_MODES.map((mode, index) => [mode, index + 1]),
) as Record<PgLockMode, number>;

/** The mode of a LOCK statement's number (1–8). */
export function lockModeOfNumber(number: number): PgLockMode | undefined {
  return PG_LOCK_MODES[number - 1];
}

/** pg_locks.mode spells the modes `AccessShareLock` … `AccessExclusiveLock`. */
const BY_PG_LOCKS_NAME = new Map<string, PgLockMode>(
  PG_LOCK_MODES.map((mode) => [
    `${mode
      .toLowerCase()
      .split(' ')
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join('')}Lock`,
    mode,
  ]),
);

export function lockModeFromPgLocks(name: string): PgLockMode | undefined {
  return BY_PG_LOCKS_NAME.get(name);
}

/** What other sessions cannot do on the relation while the lock is held (the manual's conflict table). */
const BLOCKS: Readonly<Record<PgLockMode, string>> = {
  'ACCESS SHARE': 'only ACCESS EXCLUSIVE (DROP, most ALTER TABLE)',
  'ROW SHARE': 'EXCLUSIVE and ACCESS EXCLUSIVE',
  'ROW EXCLUSIVE': 'CREATE INDEX, schema changes taking SHARE or stronger',
  'SHARE UPDATE EXCLUSIVE': 'other schema changes and VACUUM; reads and writes continue',
  SHARE: 'writes (INSERT, UPDATE, DELETE); reads continue',
  'SHARE ROW EXCLUSIVE': 'writes (INSERT, UPDATE, DELETE); reads continue',
  EXCLUSIVE: 'writes and SELECT … FOR UPDATE; plain reads continue',
  'ACCESS EXCLUSIVE': 'all reads and writes',
};

export function lockModeBlocks(mode: PgLockMode): string {
  return BLOCKS[mode];
}

/** The lock stops ordinary application writes: SHARE and stronger. */
export function blocksWrites(mode: PgLockMode): boolean {
  return LOCK_STRENGTH[mode] >= LOCK_STRENGTH.SHARE;
}
