/**
 * The lock facts the rehearsal reports with. They are PostgreSQL's, kept once in src/engines/postgresql/locks.ts;
 * `LockModeName` is the rehearsal's name for a mode as pg_locks shows it.
 */
export {
  blocksWrites,
  LOCK_STRENGTH,
  lockModeBlocks as lockBlocks,
  lockModeFromPgLocks as lockModeFromPg,
  type PgLockMode as LockModeName,
} from '../engines/postgresql/locks.js';
