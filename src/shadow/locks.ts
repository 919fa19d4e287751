/**
 * PostgreSQL table-level lock modes as pg_locks names them, with what each blocks for other sessions
 * (the conflict table of the manual's "Explicit Locking" chapter). Data, not logic.
 */

export type LockModeName =
  | 'ACCESS SHARE'
  | 'ROW SHARE'
  | 'ROW EXCLUSIVE'
  | 'SHARE UPDATE EXCLUSIVE'
  | 'SHARE'
  | 'SHARE ROW EXCLUSIVE'
  | 'EXCLUSIVE'
  | 'ACCESS EXCLUSIVE';

const FROM_PG_LOCKS: Record<string, LockModeName> = {
  AccessShareLock: 'ACCESS SHARE',
  RowShareLock: 'ROW SHARE',
  RowExclusiveLock: 'ROW EXCLUSIVE',
  ShareUpdateExclusiveLock: 'SHARE UPDATE EXCLUSIVE',
  ShareLock: 'SHARE',
  ShareRowExclusiveLock: 'SHARE ROW EXCLUSIVE',
  ExclusiveLock: 'EXCLUSIVE',
  AccessExclusiveLock: 'ACCESS EXCLUSIVE',
};

export const LOCK_STRENGTH: Record<LockModeName, number> = {
  'ACCESS SHARE': 1,
  'ROW SHARE': 2,
  'ROW EXCLUSIVE': 3,
  'SHARE UPDATE EXCLUSIVE': 4,
  SHARE: 5,
  'SHARE ROW EXCLUSIVE': 6,
  EXCLUSIVE: 7,
  'ACCESS EXCLUSIVE': 8,
};

/** What other sessions cannot do on the relation while the lock is held. */
const BLOCKS: Record<LockModeName, string> = {
  'ACCESS SHARE': 'only ACCESS EXCLUSIVE (DROP, most ALTER TABLE)',
  'ROW SHARE': 'EXCLUSIVE and ACCESS EXCLUSIVE',
  'ROW EXCLUSIVE': 'CREATE INDEX, schema changes taking SHARE or stronger',
  'SHARE UPDATE EXCLUSIVE': 'other schema changes and VACUUM; reads and writes continue',
  SHARE: 'writes (INSERT, UPDATE, DELETE); reads continue',
  'SHARE ROW EXCLUSIVE': 'writes (INSERT, UPDATE, DELETE); reads continue',
  EXCLUSIVE: 'writes and SELECT … FOR UPDATE; plain reads continue',
  'ACCESS EXCLUSIVE': 'all reads and writes',
};

export function lockModeFromPg(mode: string): LockModeName | undefined {
  return FROM_PG_LOCKS[mode];
}

export function lockBlocks(mode: LockModeName): string {
  return BLOCKS[mode];
}

/** The lock stops ordinary application writes (SHARE and stronger). */
export function blocksWrites(mode: LockModeName): boolean {
  return LOCK_STRENGTH[mode] >= LOCK_STRENGTH.SHARE;
}
