import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MYSQL_URL, mysqlAvailable, POSTGRES_URL, postgresAvailable, uniqueName } from '../helpers/databases.js';

/** A fresh database per test on PostgreSQL, MariaDB or a SQLite file, written to through an admin connection. */
export interface TestDatabase {
  url: string;
  exec(sql: string): Promise<void>;
  drop(): Promise<void>;
}

export type TestEngine = 'postgresql' | 'mysql' | 'sqlite';

export async function engineAvailable(engine: TestEngine): Promise<boolean> {
  if (engine === 'postgresql') return (await postgresAvailable()).available;
  if (engine === 'mysql') return (await mysqlAvailable()).available;
  return true;
}

export async function freshDatabase(engine: TestEngine, root: string): Promise<TestDatabase> {
  const name = uniqueName('status');
  if (engine === 'postgresql') {
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${name}`;
    const client = new pg.Client({ connectionString: url.href });
    await client.connect();
    return {
      url: url.href,
      exec: async (sql) => void (await client.query(sql)),
      drop: async () => {
        await client.end();
        await admin.query(`DROP DATABASE IF EXISTS ${name}`);
        await admin.end();
      },
    };
  }
  if (engine === 'mysql') {
    const mysql = await import('mysql2/promise');
    const admin = await mysql.createConnection({ uri: MYSQL_URL });
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(MYSQL_URL);
    url.pathname = `/${name}`;
    const connection = await mysql.createConnection({ uri: url.href, multipleStatements: true });
    return {
      url: url.href,
      exec: async (sql) => void (await connection.query(sql)),
      drop: async () => {
        await connection.end();
        await admin.query(`DROP DATABASE IF EXISTS ${name}`);
        await admin.end();
      },
    };
  }
  const { default: Database } = await import('better-sqlite3');
  const file = path.join(root, `${name}.sqlite3`);
  const db = new Database(file);
  return {
    url: `sqlite:${name}.sqlite3`,
    exec: async (sql) => void db.exec(sql),
    drop: async () => void db.close(),
  };
}

/** A throw-away project folder holding these files. */
export function project(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'dma-status-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}
