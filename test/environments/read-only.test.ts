import { afterEach, describe, expect, it } from 'vitest';
import { maskUrl, openReadOnly } from '../../src/environments/read-only.js';
import { engineAvailable, freshDatabase, project, type TestDatabase, type TestEngine } from './databases.js';

/** The server (or SQLite itself) refuses writes on the connections migration_status reads through. */
const REFUSAL: Record<TestEngine, RegExp> = {
  postgresql: /read-only transaction/,
  mysql: /READ ONLY transaction/i,
  sqlite: /readonly database/,
};

describe.each(['postgresql', 'mysql', 'sqlite'] as TestEngine[])('read-only connection to %s', (engine) => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it('reads, and the database refuses DDL and INSERT', async () => {
    if (!(await engineAvailable(engine))) return;
    const root = project({});
    db = await freshDatabase(engine, root);
    await db.exec('CREATE TABLE accounts (id integer PRIMARY KEY)');
    const connection = await openReadOnly(db.url, root);
    try {
      expect(await connection.query('SELECT count(*) AS n FROM accounts')).toEqual([{ n: expect.anything() }]);
      await expect(connection.query('CREATE TABLE intruder (id integer)')).rejects.toThrow(REFUSAL[engine]);
      await expect(connection.query('INSERT INTO accounts (id) VALUES (1)')).rejects.toThrow(REFUSAL[engine]);
    } finally {
      await connection.close();
    }
  });
});

describe('time limit and masking', () => {
  it.each([
    ['postgresql', 'SHOW statement_timeout', { statement_timeout: '10s' }],
    ['mysql', 'SELECT @@SESSION.max_statement_time AS limit_seconds', { limit_seconds: expect.anything() }],
  ] as const)('every %s statement has a time limit', async (engine, sql, expected) => {
    if (!(await engineAvailable(engine))) return;
    const root = project({});
    const db = await freshDatabase(engine, root);
    try {
      const connection = await openReadOnly(db.url, root);
      try {
        const [row] = await connection.query(sql);
        expect(row).toEqual(expected);
        if (engine === 'mysql') expect(Number(row?.limit_seconds)).toBe(10);
      } finally {
        await connection.close();
      }
    } finally {
      await db.drop();
    }
  });

  it('masks the password of server URLs, in the user part and in ?password=', () => {
    expect(maskUrl('postgres://app:s3cret@db.internal:5432/shop')).toBe('postgres://app:***@db.internal:5432/shop');
    expect(maskUrl('mysql://app@db/shop?password=s3cret')).toBe('mysql://app@db/shop?password=***');
  });
});
