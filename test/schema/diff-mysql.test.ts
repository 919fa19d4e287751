import fc from 'fast-check';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSchemas } from '../../src/schema/diff/diff.js';
import { introspectMysql } from '../../src/schema/introspect/mysql.js';
import type { Schema } from '../../src/schema/model.js';
import { MYSQL_URL, mysqlAvailable, uniqueName } from '../helpers/databases.js';

const server = await mysqlAvailable();

describe.skipIf(!server.available)('schema diff on MySQL/MariaDB', { timeout: 300_000 }, () => {
  const names = [uniqueName('dma_diff_a'), uniqueName('dma_diff_b'), uniqueName('dma_diff_c')];
  const connections: mysql.Connection[] = [];
  let admin: mysql.Connection;
  beforeAll(async () => {
    admin = await mysql.createConnection({ uri: MYSQL_URL });
    for (const name of names) {
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(MYSQL_URL);
      url.pathname = `/${name}`;
      connections.push(await mysql.createConnection({ uri: url.href, multipleStatements: true }));
    }
  });
  afterAll(async () => {
    for (const connection of connections) await connection.end().catch(() => undefined);
    for (const name of names) await admin?.query(`DROP DATABASE IF EXISTS ${name}`).catch(() => undefined);
    await admin?.end();
  });

  async function reset(connection: mysql.Connection, sql: string): Promise<Schema> {
    const [rows] = await connection.query(
      'SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
    );
    await connection.query('SET FOREIGN_KEY_CHECKS = 0');
    for (const row of rows as { name: string; type: string }[])
      await connection.query(`DROP ${row.type === 'VIEW' ? 'VIEW' : 'TABLE'} \`${row.name}\``);
    await connection.query('SET FOREIGN_KEY_CHECKS = 1');
    if (sql) await connection.query(sql);
    return introspect(connection);
  }

  function introspect(connection: mysql.Connection): Promise<Schema> {
    return introspectMysql({ query: async (sql, params) => (await connection.query(sql, params))[0] as never });
  }

  async function apply(connection: mysql.Connection, statements: string[]): Promise<void> {
    for (const statement of statements) await connection.query(statement);
  }

  const BEFORE = `CREATE TABLE users (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, email varchar(100) NOT NULL, name varchar(50), UNIQUE KEY users_email (email)) ENGINE=InnoDB;
    CREATE TABLE orders (id int NOT NULL PRIMARY KEY, user_id int, total decimal(10,2) NOT NULL DEFAULT 0, CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id));
    CREATE VIEW emails AS SELECT id, email FROM users;`;
  const AFTER = `CREATE TABLE users (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, email varchar(200) NOT NULL, display_name varchar(50), status varchar(10) NOT NULL DEFAULT 'new', UNIQUE KEY users_email (email), KEY users_status (status)) ENGINE=InnoDB;
    CREATE TABLE orders (id int NOT NULL PRIMARY KEY, user_id int, total decimal(12,2) NOT NULL DEFAULT 0, CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE, CONSTRAINT total_positive CHECK (total >= 0));
    CREATE VIEW emails AS SELECT id, email FROM users;`;

  it('plans a changed schema with exact operations, applies it and asks about the rename', async () => {
    const [a, b, c] = connections as [mysql.Connection, mysql.Connection, mysql.Connection];
    const s0 = await reset(a, BEFORE);
    const s1 = await reset(b, AFTER);
    expect(diffSchemas(s0, s0).operations).toEqual([]);
    const diff = diffSchemas(s0, s1);
    expect(diff.questions.map((question) => question.answer)).toEqual([
      { table: 'users', from: 'name', to: 'display_name' },
    ]);
    expect(diff.operations.map((op) => `${op.kind} ${op.object} ${op.safety}`)).toEqual([
      'drop-view emails safe',
      'drop-constraint orders.orders_user safe',
      'alter-column orders.total dangerous',
      'alter-column users.email dangerous',
      'add-column users.display_name safe',
      'add-column users.status safe',
      'drop-column users.name dangerous',
      'add-constraint orders.total_positive careful',
      'create-index users.users_status safe',
      'add-constraint orders.orders_user careful',
      'create-view emails safe',
    ]);
    await reset(c, BEFORE);
    await apply(
      c,
      diff.operations.flatMap((op) => op.sql),
    );
    expect(diffSchemas(await introspect(c), s1).operations).toEqual([]);
    const answered = diffSchemas(s0, s1, { renames: [{ table: 'users', from: 'name', to: 'display_name' }] });
    await reset(c, `${BEFORE} INSERT INTO users (email, name) VALUES ('a@b', 'Ada');`);
    await apply(
      c,
      answered.operations.flatMap((op) => op.sql),
    );
    const [rows] = await c.query('SELECT display_name FROM users');
    expect(rows).toEqual([{ display_name: 'Ada' }]);
  });

  it('property: applying diff(S0, S1) to S0 gives S1', async () => {
    const [a, b, c] = connections as [mysql.Connection, mysql.Connection, mysql.Connection];
    const column = fc.record({
      type: fc.constantFrom('int', 'bigint', 'varchar(20)', 'varchar(40)', 'decimal(10,2)', 'text'),
      notNull: fc.boolean(),
      indexed: fc.boolean(),
    });
    const schema = fc.tuple(fc.array(column, { minLength: 1, maxLength: 4 }), fc.boolean()).map(([columns, second]) => {
      const statements = [
        `CREATE TABLE t1 (id int NOT NULL PRIMARY KEY, ${columns.map((col, i) => `c${i} ${col.type}${col.notNull ? ' NOT NULL' : ''}`).join(', ')})`,
        ...columns.flatMap((col, i) =>
          col.indexed && col.type !== 'text' ? [`CREATE INDEX t1_c${i} ON t1 (c${i})`] : [],
        ),
      ];
      if (second)
        statements.push(
          'CREATE TABLE t2 (id int, note varchar(10), CONSTRAINT t2_t1 FOREIGN KEY (id) REFERENCES t1 (id))',
        );
      return statements.join(';\n');
    });
    await fc.assert(
      fc.asyncProperty(schema, schema, async (ddl0, ddl1) => {
        const s0 = await reset(a, ddl0);
        const s1 = await reset(b, ddl1);
        expect(diffSchemas(s0, s0).operations).toEqual([]);
        await reset(c, ddl0);
        await apply(
          c,
          diffSchemas(s0, s1).operations.flatMap((op) => op.sql),
        );
        expect(diffSchemas(await introspect(c), s1).operations).toEqual([]);
      }),
      { numRuns: 15 },
    );
  });
});
