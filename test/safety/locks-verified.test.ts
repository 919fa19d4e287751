import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../src/safety/rules/index.js';
import type { LockClaim, Rule } from '../../src/safety/types.js';
import { parsePostgres } from '../../src/sql/postgres.js';
import { POSTGRES_URL, postgresAvailable, uniqueName } from '../helpers/databases.js';
import { LOCK_CASES as CASES, type LockCase } from './rules/setups.js';

/**
 * Lock claims are verified, not assumed: each rule's failing example runs inside a transaction on the real
 * PostgreSQL server and on PGlite, and pg_locks must show every claimed mode on the claimed relation.
 */

/** 'SHARE ROW EXCLUSIVE' → 'ShareRowExclusiveLock', as pg_locks names modes. */
function pgLockName(mode: LockClaim['mode']): string {
  return `${mode
    .toLowerCase()
    .split(' ')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')}Lock`;
}

/** The example's statements without BEGIN/COMMIT: the test wraps them in its own transaction. */
async function statementsOf(sql: string): Promise<string[]> {
  const statements = await parsePostgres(sql);
  return statements.filter((statement) => !('TransactionStmt' in statement.ast)).map((statement) => statement.sql);
}

interface Session {
  exec(sql: string): Promise<void>;
  rows<T>(sql: string): Promise<T[]>;
}

/** Runs the case in a fresh schema and returns the locks the session holds, as relation name → modes. */
async function heldLocks(session: Session, rule: Rule, lockCase: LockCase): Promise<Map<string, Set<string>>> {
  const schema = uniqueName('locks');
  const extra = lockCase.extraSchemas?.(schema) ?? [];
  await session.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}, public;`);
  try {
    if (lockCase.setup) await session.exec(lockCase.setup);
    // For drop-schema the schema and its table are created before the transaction, like the others.
    const example = lockCase.sql?.(schema) ?? rule.meta.examples.bad;
    const statements = await statementsOf(example);
    if (rule.meta.id === 'drop-schema') {
      await session.exec(statements.join(';\n'));
      statements.splice(0, statements.length, `DROP SCHEMA ${schema}_reporting CASCADE`);
    }
    const oids = await session.rows<{ oid: string; relname: string }>(
      `SELECT c.oid::text AS oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN (${[schema, ...extra].map((name) => `'${name}'`).join(', ')})`,
    );
    const names = new Map(oids.map((row) => [row.oid, row.relname]));
    await session.exec('BEGIN');
    try {
      for (const statement of statements) await session.exec(statement);
      const locks = await session.rows<{ oid: string; mode: string }>(
        "SELECT relation::text AS oid, mode FROM pg_locks WHERE locktype = 'relation' AND pid = pg_backend_pid()",
      );
      const held = new Map<string, Set<string>>();
      for (const lock of locks) {
        const name = names.get(lock.oid);
        if (!name) continue;
        const modes = held.get(name) ?? new Set<string>();
        modes.add(lock.mode);
        held.set(name, modes);
      }
      return held;
    } finally {
      await session.exec('ROLLBACK');
    }
  } finally {
    for (const name of extra) await session.exec(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    await session.exec(`DROP SCHEMA ${schema} CASCADE; SET search_path TO public;`);
  }
}

const claiming = RULES.filter((rule) => rule.meta.locks.length > 0);

function expectClaims(rule: Rule, lockCase: LockCase, held: Map<string, Set<string>>): void {
  rule.meta.locks.forEach((claim, index) => {
    const relation = lockCase.relations[index];
    expect(relation, `${rule.meta.id}: no relation given for lock claim ${index + 1}`).toBeDefined();
    const modes = held.get(relation ?? '') ?? new Set<string>();
    expect([...modes], `${rule.meta.id} claims ${claim.mode} on ${claim.on} (${relation})`).toContain(
      pgLockName(claim.mode),
    );
  });
}

describe('lock claims', () => {
  it('every rule that claims locks has a verification case', () => {
    expect(claiming.map((rule) => rule.meta.id).filter((id) => !CASES[id])).toEqual([]);
    for (const rule of claiming) expect(CASES[rule.meta.id]?.relations).toHaveLength(rule.meta.locks.length);
  });
});

describe('lock claims on the PostgreSQL server', async () => {
  const availability = await postgresAvailable();
  let client: pg.Client;
  beforeAll(async () => {
    if (!availability.available) return;
    client = new pg.Client({
      connectionString: POSTGRES_URL,
      connectionTimeoutMillis: 5_000,
      statement_timeout: 30_000,
    });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });
  const session: Session = {
    exec: async (sql) => {
      await client.query(sql);
    },
    rows: async <T>(sql: string) => (await client.query(sql)).rows as T[],
  };
  for (const rule of claiming) {
    const lockCase = CASES[rule.meta.id];
    if (!lockCase) continue;
    it.skipIf(!availability.available)(
      `${rule.meta.id}: ${rule.meta.locks.map((lock) => `${lock.mode} on ${lock.on}`).join(', ')}`,
      async () => {
        expectClaims(rule, lockCase, await heldLocks(session, rule, lockCase));
      },
    );
  }
});

describe('lock claims on PGlite', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
  });
  afterAll(async () => {
    await db?.close();
  });
  const session: Session = {
    exec: async (sql) => {
      await db.exec(sql);
    },
    rows: async <T>(sql: string) => (await db.query<T>(sql)).rows,
  };
  for (const rule of claiming) {
    const lockCase = CASES[rule.meta.id];
    if (!lockCase) continue;
    it(`${rule.meta.id}: ${rule.meta.locks.map((lock) => `${lock.mode} on ${lock.on}`).join(', ')}`, async () => {
      expectClaims(rule, lockCase, await heldLocks(session, rule, lockCase));
    });
  }
});
