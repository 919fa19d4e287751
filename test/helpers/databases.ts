import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';

/**
 * Real database servers for tests. URLs come from the environment with this machine's defaults.
 * Under CI=true an unreachable server fails the run; on a laptop the tests are skipped with a clear message.
 */
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

export interface ServerAvailability {
  available: boolean;
  reason?: string;
}

export async function postgresAvailable(): Promise<ServerAvailability> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { available: true };
  } catch (error) {
    return unavailable('PostgreSQL', POSTGRES_URL, 'TEST_POSTGRES_URL', error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function mysqlAvailable(): Promise<ServerAvailability> {
  const mysql = await import('mysql2/promise');
  try {
    const connection = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 3_000 });
    await connection.query('select 1');
    await connection.end();
    return { available: true };
  } catch (error) {
    return unavailable('MySQL/MariaDB', MYSQL_URL, 'TEST_MYSQL_URL', error);
  }
}

function unavailable(kind: string, url: string, variable: string, error: unknown): ServerAvailability {
  const reason = `${kind} at ${url} is unreachable (${error instanceof Error ? error.message : String(error)}); set ${variable} or start the server`;
  if (process.env.CI === 'true') throw new Error(`CI=true requires a reachable server: ${reason}`);
  console.warn(`SKIP: ${reason}`);
  return { available: false, reason };
}

/** A unique lower-case name for a test's own schema or database, so tests can run in parallel. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`.toLowerCase();
}

/** A PostgreSQL schema of its own for the tests of one describe block, and the admin session that owns it. */
export interface ThrowAwaySchema {
  /** The schema's unique name. */
  name: string;
  /** False when the server is unreachable (the tests then return early, after the printed skip). */
  readonly available: boolean;
  /** Runs SQL as the admin session (cleaning up between tests). */
  query(sql: string): Promise<void>;
}

/**
 * A uniquely named PostgreSQL database for a describe block's tests, dropped after them: for a tool that reads
 * every schema of its database (Kysely's Migrator introspects them all, and fails on a schema another test file
 * drops meanwhile). Call inside `describe`.
 */
export function throwAwayDatabase(prefix: string): { name: string; url: string; readonly available: boolean } {
  const name = uniqueName(prefix);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  let available = false;
  let admin: import('pg').Client | undefined;
  beforeAll(async () => {
    available = (await postgresAvailable()).available;
    if (!available) return;
    const { default: pg } = await import('pg');
    admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`create database "${name}"`);
  });
  afterAll(async () => {
    await admin?.query(`drop database if exists "${name}" with (force)`);
    await admin?.end();
  });
  return {
    name,
    url: url.href,
    get available() {
      return available;
    },
  };
}

/**
 * Creates a uniquely named schema before the describe block's tests and drops it (cascade) after them, so tests
 * that run a migration tool against the real server do not meet each other's tables. Call inside `describe`.
 */
export function throwAwaySchema(prefix: string): ThrowAwaySchema {
  const name = uniqueName(prefix);
  let available = false;
  let admin: import('pg').Client | undefined;
  beforeAll(async () => {
    available = (await postgresAvailable()).available;
    if (!available) return;
    const { default: pg } = await import('pg');
    admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`create schema "${name}"`);
  });
  afterAll(async () => {
    await admin?.query(`drop schema if exists "${name}" cascade`);
    await admin?.end();
  });
  return {
    name,
    get available() {
      return available;
    },
    async query(sql) {
      await admin?.query(sql);
    },
  };
}
