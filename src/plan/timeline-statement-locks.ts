import type { ServerVersion } from '../generate/ddl.js';
import { atLeast } from '../generate/ddl.js';
import type { WorkKind } from '../safety/estimate.js';
import type { Blocked } from './migration-plan-types.js';

/**
 * What one statement of a MySQL/MariaDB or SQLite migration blocks, read from its SQL (these shadows report no
 * locks). MySQL: the ALTER algorithm the server picks for the version — INSTANT (a brief exclusive metadata lock),
 * INPLACE (exclusive metadata locks only at start and end; reads and writes go on), COPY (the table is copied and
 * writes wait for it). SQLite: any write takes the database file's write lock, so every writer to every table waits.
 */

export interface StatementLock {
  table: string;
  mode: string;
  blocks: Blocked;
  /** The work grows with the table's rows (a copy, a rebuild, an index build, a full UPDATE); else a blink. */
  work: WorkKind;
  why: string;
}

type Algorithm = 'INSTANT' | 'INPLACE' | 'COPY';

interface ClauseLock {
  algorithm: Algorithm;
  work: WorkKind;
  why: string;
  /** INPLACE that blocks writes all along (FULLTEXT and SPATIAL indexes take LOCK=SHARED). */
  shared?: boolean;
}

const RANK: Record<Algorithm, number> = { INSTANT: 0, INPLACE: 1, COPY: 2 };

export function mysqlStatementLock(sql: string, version: ServerVersion | undefined): StatementLock | undefined {
  const flat = sql.replace(/\s+/g, ' ').trim();
  const index = /^CREATE (?:UNIQUE |FULLTEXT |SPATIAL )?INDEX \S+ ON (\S+)/i.exec(flat);
  if (index?.[1]) {
    const shared = /^CREATE (FULLTEXT|SPATIAL)/i.test(flat);
    return fromClause(unquote(index[1]), explicit(flat) ?? indexBuild(shared));
  }
  const alter = /^ALTER TABLE (\S+) (.*)$/i.exec(flat);
  if (alter?.[1] && alter[2]) {
    const forced = explicit(alter[2]);
    const clauses = alter[2]
      .split(/,\s*(?=(?:ADD|DROP|MODIFY|CHANGE|ALTER|RENAME|CONVERT|ENGINE|FORCE)\b)/i)
      .filter((clause) => !/^(ALGORITHM|LOCK)\s*=/i.test(clause.trim()));
    const worst = clauses
      .map((clause) => alterClause(clause.trim(), version))
      .reduce((a, b) => (RANK[b.algorithm] > RANK[a.algorithm] || (b.shared && !a.shared) ? b : a));
    return fromClause(unquote(alter[1]), forced ?? worst);
  }
  return commonStatementLock(flat, 'exclusive metadata lock');
}

export function sqliteStatementLock(sql: string): StatementLock | undefined {
  const flat = sql.replace(/\s+/g, ' ').trim();
  const mode = 'database write lock';
  const whole = 'a write transaction: every writer to the database file waits';
  const copy = /^INSERT INTO (\S+)(?: \([^)]*\))? SELECT .*? FROM (\S+)/i.exec(flat);
  if (copy?.[2])
    return {
      table: unquote(copy[2]),
      mode,
      blocks: 'writes',
      work: 'rewrite',
      why: `table rebuild (copy into ${unquote(copy[1] ?? '')}): ${whole}, for a time that grows with the rows`,
    };
  const index = /^CREATE (?:UNIQUE )?INDEX (?:IF NOT EXISTS )?\S+ ON (\S+?)\s*\(/i.exec(flat);
  if (index?.[1])
    return { table: unquote(index[1]), mode, blocks: 'writes', work: 'indexBuild', why: `index build: ${whole}` };
  const alter = /^ALTER TABLE (\S+) (.*)$/i.exec(flat);
  if (alter?.[1] && alter[2])
    return {
      table: unquote(alter[1]),
      mode,
      blocks: 'writes',
      work: /^DROP\b/i.test(alter[2]) ? 'rewrite' : 'metadata',
      why: /^DROP\b/i.test(alter[2]) ? `DROP COLUMN rewrites every row: ${whole}` : `schema change only: ${whole}`,
    };
  return commonStatementLock(flat, mode);
}

/** DML and DROP/TRUNCATE/RENAME, read alike on both engines. */
function commonStatementLock(flat: string, exclusive: string): StatementLock | undefined {
  const dml = /^(?:UPDATE|DELETE FROM) (\S+)/i.exec(flat);
  if (dml?.[1])
    return {
      table: unquote(dml[1]),
      mode: exclusive === 'database write lock' ? exclusive : 'row locks',
      blocks: 'writes',
      work: 'dml',
      why: 'writes to the rows it changes wait until it ends',
    };
  const drop = /^(?:DROP TABLE (?:IF EXISTS )?|TRUNCATE (?:TABLE )?|RENAME TABLE )(\S+)/i.exec(flat);
  if (drop?.[1])
    return {
      table: unquote(drop[1]),
      mode: exclusive,
      blocks: exclusive === 'database write lock' ? 'writes' : 'reads and writes',
      work: 'metadata',
      why: 'a brief exclusive lock on the table',
    };
  return undefined;
}

function alterClause(clause: string, version: ServerVersion | undefined): ClauseLock {
  const mariadb = version?.flavor === 'mariadb';
  // Unknown version: today's servers (MySQL 8.0.29+, MariaDB 10.4+), said so in the timeline's basis.
  const at = (mysql: [number, number, number], maria: [number, number, number]) =>
    !version || (mariadb ? atLeast(version, ...maria) : atLeast(version, ...mysql));
  if (/^ADD (?:CONSTRAINT \S+ )?(?:FOREIGN KEY|CHECK)\b/i.test(clause))
    return { algorithm: 'COPY', work: 'rewrite', why: 'a validated FOREIGN KEY or CHECK copies the table' };
  if (/^ADD (?:CONSTRAINT \S+ )?PRIMARY KEY\b/i.test(clause))
    return { algorithm: 'INPLACE', work: 'rewrite', why: 'adding a primary key rebuilds the table in place' };
  if (/^ADD (?:CONSTRAINT \S+ )?(?:UNIQUE|INDEX|KEY|FULLTEXT|SPATIAL)\b/i.test(clause))
    return indexBuild(/^ADD (FULLTEXT|SPATIAL)/i.test(clause));
  if (/^ADD\b/i.test(clause)) {
    if (/\bAUTO_INCREMENT\b|\bSTORED\b/i.test(clause))
      return {
        algorithm: 'COPY',
        work: 'rewrite',
        why: 'an AUTO_INCREMENT or stored generated column copies the table',
      };
    const positioned = /\b(FIRST|AFTER \S+)\s*$/i.test(clause);
    return at(positioned ? [8, 0, 29] : [8, 0, 12], positioned ? [10, 4, 0] : [10, 3, 0])
      ? { algorithm: 'INSTANT', work: 'metadata', why: 'ADD COLUMN is instant on this version' }
      : { algorithm: 'INPLACE', work: 'rewrite', why: 'ADD COLUMN rebuilds the table in place on this version' };
  }
  if (/^DROP PRIMARY KEY\b/i.test(clause))
    return { algorithm: 'COPY', work: 'rewrite', why: 'dropping the primary key alone copies the table' };
  if (/^DROP (?:INDEX|KEY|FOREIGN KEY|CONSTRAINT|CHECK)\b/i.test(clause))
    return { algorithm: 'INPLACE', work: 'metadata', why: 'dropping an index or constraint changes metadata only' };
  if (/^DROP\b/i.test(clause))
    return at([8, 0, 29], [10, 4, 0])
      ? { algorithm: 'INSTANT', work: 'metadata', why: 'DROP COLUMN is instant on this version' }
      : { algorithm: 'INPLACE', work: 'rewrite', why: 'DROP COLUMN rebuilds the table in place on this version' };
  if (/^RENAME (?:COLUMN|INDEX|KEY)\b/i.test(clause) || /^ALTER (?:COLUMN )?\S+ (?:SET|DROP) DEFAULT\b/i.test(clause))
    return { algorithm: 'INSTANT', work: 'metadata', why: 'a rename or new default changes metadata only' };
  if (/^RENAME\b/i.test(clause))
    return { algorithm: 'INSTANT', work: 'metadata', why: 'renaming the table changes metadata only' };
  if (/^(?:ENGINE|FORCE)\b/i.test(clause))
    return { algorithm: 'INPLACE', work: 'rewrite', why: 'the table is rebuilt in place' };
  return {
    algorithm: 'COPY',
    work: 'rewrite',
    why: /^(MODIFY|CHANGE)\b/i.test(clause)
      ? 'a column type change copies the table'
      : 'not a change the server is known to make in place: assumed to copy the table',
  };
}

function indexBuild(shared: boolean): ClauseLock {
  return shared
    ? { algorithm: 'INPLACE', work: 'indexBuild', shared, why: 'a FULLTEXT or SPATIAL index blocks writes while built' }
    : { algorithm: 'INPLACE', work: 'indexBuild', why: 'the index is built online; reads and writes go on' };
}

function explicit(text: string): ClauseLock | undefined {
  const named = /\bALGORITHM\s*=\s*(INSTANT|INPLACE|COPY)\b/i.exec(text)?.[1]?.toUpperCase() as Algorithm | undefined;
  if (!named) return undefined;
  return {
    algorithm: named,
    work: named === 'INSTANT' ? 'metadata' : 'rewrite',
    why: `ALGORITHM=${named} is asked for (the server refuses the statement if it cannot)`,
    ...(named === 'INPLACE' && /\bLOCK\s*=\s*SHARED\b/i.test(text) ? { shared: true } : {}),
  };
}

function fromClause(table: string, clause: ClauseLock): StatementLock {
  if (clause.algorithm === 'COPY')
    return { table, mode: 'COPY', blocks: 'writes', work: clause.work, why: `${clause.why}: writes wait for the copy` };
  if (clause.algorithm === 'INSTANT')
    return {
      table,
      mode: 'INSTANT',
      blocks: 'reads and writes',
      work: 'metadata',
      why: `${clause.why}: a brief exclusive metadata lock`,
    };
  return {
    table,
    mode: clause.shared ? 'INPLACE, LOCK=SHARED' : 'INPLACE',
    blocks: clause.shared ? 'writes' : 'schema changes',
    work: clause.work,
    why: `${clause.why}; exclusive metadata locks at start and end`,
  };
}

/** The COPY the server reported it made (rows copied) outranks what the SQL suggests. */
export function observedCopy(lock: StatementLock, notes: string[]): StatementLock {
  if (lock.mode === 'COPY' || !notes.some((note) => note.includes('ALGORITHM=COPY'))) return lock;
  return {
    ...lock,
    mode: 'COPY',
    blocks: 'writes',
    work: 'rewrite',
    why: 'the server copied the table on the shadow: writes wait for the copy',
  };
}

/** The table a CREATE TABLE makes: nobody else uses it yet, so its locks block nobody. */
export function createdTable(sql: string): string | undefined {
  const created = /^\s*CREATE TABLE (?:IF NOT EXISTS )?(\S+)/i.exec(sql)?.[1];
  return created ? unquote(created) : undefined;
}

function unquote(name: string): string {
  const last =
    name
      .replace(/[;(].*$/, '')
      .split('.')
      .at(-1) ?? name;
  return last.replace(/[`"[\]]/g, '');
}
