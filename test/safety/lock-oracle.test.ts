import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MigrationCatalog } from '../../src/safety/catalog.js';
import { doBlockBody } from '../../src/safety/do-blocks.js';
import { lockStrength, statementLocks } from '../../src/safety/locks.js';
import { RULES } from '../../src/safety/rules/index.js';
import { SessionState } from '../../src/safety/state.js';
import type { PgLockMode } from '../../src/safety/types.js';
import { readLocks, readRelations } from '../../src/shadow/observe-postgres.js';
import { LineIndex } from '../../src/sql/positions.js';
import { parsePostgres } from '../../src/sql/postgres.js';
import { POSTGRES_URL, postgresAvailable, uniqueName } from '../helpers/databases.js';
import { LOCK_SHAPES, type LockShape } from './lock-oracle-shapes.js';
import { LOCK_CASES } from './rules/setups.js';

/**
 * The lock oracle: every shape runs after its setup inside a transaction, and before ROLLBACK the relation locks
 * the backend holds (pg_locks) and the relfilenodes (a change = a rewrite) are compared with what
 * statementLocks claims, given the schema the setup built. Compared: every table, view, materialized view and
 * sequence that existed before the statement, and every index once we name one. A mismatch either way fails.
 */

interface Session {
  query<Row extends Record<string, unknown>>(sql: string): Promise<Row[]>;
  exec(sql: string): Promise<void>;
}

interface Observed {
  locks: Record<string, PgLockMode>;
  rewritten: string[];
}

/** Rules' failing examples with the setups the rule lock test already verifies them with. */
const RULE_SHAPES: Array<{ id: string; shape: LockShape }> = RULES.flatMap((rule) => {
  const lockCase = LOCK_CASES[rule.meta.id];
  if (!lockCase || lockCase.extraSchemas) return [];
  const sql = lockCase.sql?.('') ?? rule.meta.examples.bad;
  // Without the case's rows: locks and relfilenodes do not depend on them, and some examples fail on them.
  return [{ id: rule.meta.id, shape: { sql, setup: lockCase.setup ?? '' } }];
});

const SHAPES: Array<{ title: string; shape: LockShape }> = [
  ...LOCK_SHAPES.map((shape) => ({ title: shape.sql, shape })),
  ...RULE_SHAPES.map(({ id, shape }) => ({ title: `rule ${id}: ${shape.sql.split('\n')[0]}`, shape })),
];

/** The statements, with a DO block's taking the block's place (as the check sees them and claims their locks). */
async function statementsOf(sql: string) {
  const statements = await parsePostgres(sql);
  const lines = new LineIndex(sql);
  return statements
    .flatMap((statement) =>
      'DoStmt' in statement.ast
        ? (doBlockBody(statement, (offset) => lines.position(offset))?.statements.map((inner) => inner.statement) ?? [])
        : [statement],
    )
    .filter((statement) => !('TransactionStmt' in statement.ast));
}

function strongest(into: Record<string, PgLockMode>, relation: string, mode: PgLockMode): void {
  const previous = into[relation];
  if (!previous || lockStrength(mode) > lockStrength(previous)) into[relation] = mode;
}

/** The catalog keys statementLocks uses are `public.name`; the shapes live in one schema. */
const bare = (key: string) => key.replace(/^[^.]+\./, '');

/** What we claim: the strongest mode per relation over the shape's statements, and the tables we say rewrite. */
async function claimed(shape: LockShape, pgVersion: number): Promise<Observed> {
  const catalog = new MigrationCatalog();
  const state = new SessionState(catalog, false);
  for (const statement of await statementsOf(shape.setup)) state.apply(statement.ast, []);
  // The setup plays the earlier migrations: what it did not create does not exist.
  catalog.schemaKnown = true;
  state.apply({ TransactionStmt: { kind: 'TRANS_STMT_BEGIN' } }, []);
  const locks: Record<string, PgLockMode> = {};
  const rewritten = new Set<string>();
  for (const statement of await statementsOf(shape.sql)) {
    const statementLocksHeld = statementLocks(statement.ast, catalog, pgVersion, state);
    for (const lock of statementLocksHeld) {
      // A relation an earlier statement of the shape created is not compared: no one else can see it yet.
      if (catalog.tableCreatedInCurrentTransaction(lock.table)) continue;
      strongest(locks, bare(lock.table), lock.mode);
      if (lock.rewrite) rewritten.add(bare(lock.table));
    }
    state.apply(statement.ast, statementLocksHeld);
  }
  return { locks, rewritten: [...rewritten].sort() };
}

const COMPARED_KINDS = new Set(['r', 'p', 'm', 'v', 'S', 'f']);

/** What PostgreSQL does: the shape runs in a fresh schema, inside a transaction that is rolled back. */
async function observed(session: Session, shape: LockShape, claim: Observed): Promise<Observed> {
  const schema = uniqueName('oracle');
  await session.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema};`);
  try {
    await session.exec(shape.setup);
    if (shape.data) await session.exec(shape.data);
    const kinds = new Map(
      (
        await session.query<{ oid: number; relname: string; relkind: string }>(
          `SELECT c.oid::int AS oid, c.relname, c.relkind::text AS relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '${schema}'`,
        )
      ).map((row) => [row.oid, row]),
    );
    const before = await readRelations(session);
    // Every relation of the schema, so the locks on views and sequences the statement drops keep their names.
    const known = new Map(
      [...kinds.values()].map((row) => [
        row.oid,
        { oid: row.oid, name: row.relname, kind: 'other' as const, relfilenode: 0 },
      ]),
    );
    await session.exec('BEGIN');
    try {
      // A DO block runs as itself: its loops, conditions and variables are PostgreSQL's to evaluate.
      for (const statement of await parsePostgres(shape.sql))
        if (!('TransactionStmt' in statement.ast)) await session.exec(statement.sql);
      const locks: Record<string, PgLockMode> = {};
      // Naming one index (REINDEX, DROP INDEX) makes every index compared: one we left out is a wrong claim.
      const indexesNamed = [...kinds.values()].some((row) => row.relkind === 'i' && claim.locks[row.relname]);
      for (const lock of await readLocks(session, known)) {
        const existed = kinds.get(lock.oid);
        if (!existed) continue;
        const compared =
          COMPARED_KINDS.has(existed.relkind) ||
          claim.locks[existed.relname] !== undefined ||
          (indexesNamed && existed.relkind === 'i');
        if (compared) strongest(locks, existed.relname, lock.mode);
      }
      const after = await readRelations(session);
      const truncates = /^\s*TRUNCATE/im.test(shape.sql);
      const rewritten: string[] = [];
      for (const [oid, relation] of before) {
        const now = after.get(oid);
        if (relation.kind !== 'table' || !now || now.relfilenode === relation.relfilenode) continue;
        // TRUNCATE gives the table a new, empty file: nothing is copied, which is what "rewrite" claims.
        if (!truncates) rewritten.push(bare(relation.name));
      }
      return { locks, rewritten: rewritten.sort() };
    } finally {
      await session.exec('ROLLBACK');
    }
  } finally {
    await session.exec(`DROP SCHEMA ${schema} CASCADE; SET search_path TO public;`);
  }
}

/** One line a failing test prints: `t ACCESS EXCLUSIVE, p SHARE ROW EXCLUSIVE; rewrites t`. */
function described(result: Observed): string {
  const locks = Object.entries(result.locks)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([relation, mode]) => `${relation} ${mode}`);
  return `${locks.join(', ') || 'no locks'}; rewrites ${result.rewritten.join(', ') || 'nothing'}`;
}

function oracle(session: () => Session, version: () => number) {
  for (const { title, shape } of SHAPES) {
    it(title, async () => {
      const claim = await claimed(shape, version());
      expect(described(await observed(session(), shape, claim)), 'PostgreSQL vs our claim').toBe(described(claim));
    });
  }
}

describe('lock oracle: the shapes', () => {
  it('covers at least 100 statement shapes', () => {
    expect(SHAPES.length).toBeGreaterThanOrEqual(100);
  });
});

describe('lock oracle on the PostgreSQL server', async () => {
  const availability = await postgresAvailable();
  let client: pg.Client;
  let version = 15;
  beforeAll(async () => {
    if (!availability.available) return;
    client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5_000 });
    await client.connect();
    const [row] = (await client.query<{ server_version_num: string }>('SHOW server_version_num')).rows;
    version = Math.floor(Number(row?.server_version_num ?? '150000') / 10_000);
  });
  afterAll(async () => {
    await client?.end();
  });
  describe.skipIf(!availability.available)('statements', () => {
    oracle(
      () => ({
        query: async <Row extends Record<string, unknown>>(sql: string) => (await client.query(sql)).rows as Row[],
        exec: async (sql) => {
          await client.query(sql);
        },
      }),
      () => version,
    );
  });
});

describe('lock oracle on PGlite', () => {
  let db: PGlite;
  let version = 17;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
    const [row] = (await db.query<{ server_version_num: string }>('SHOW server_version_num')).rows;
    version = Math.floor(Number(row?.server_version_num ?? '170000') / 10_000);
  });
  afterAll(async () => {
    await db?.close();
  });
  oracle(
    () => ({
      query: async <Row extends Record<string, unknown>>(sql: string) => (await db.query<Row>(sql)).rows,
      exec: async (sql) => {
        await db.exec(sql);
      },
    }),
    () => version,
  );
});
