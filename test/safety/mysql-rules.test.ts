import { describe, expect, it } from 'vitest';
import { mysqlSafety } from '../../src/engines/mysql/safety/index.js';
import { validateWith } from '../../src/safety/engine.js';
import { checkSqlInputs } from '../../src/safety/run.js';

/**
 * Each MySQL/MariaDB rule on statements it must flag and statements it must leave alone. The tables are
 * existing ones (not created in the file) unless the case says otherwise. A case may start with `@<version>`
 * (the --engine-version) and hold earlier migrations before `---` lines: only the last file's findings count.
 */

async function ruleIds(sql: string): Promise<string[]> {
  const version = /^@(\S+)\n/.exec(sql);
  const files = sql.slice(version ? version[0].length : 0).split(/\n---\n/);
  const result = await checkSqlInputs(
    files.map((text, at) => ({ file: `${String(at + 1).padStart(3, '0')}.sql`, sql: text })),
    { engine: 'mysql', ...(version?.[1] ? { engineVersion: version[1] } : {}) },
  );
  const last = result.files[files.length - 1];
  expect(last?.ruleErrors).toEqual([]);
  return last?.findings.map((finding) => finding.ruleId) ?? [];
}

const ORDERS = `CREATE TABLE orders (id bigint PRIMARY KEY, status enum('new','paid','shipped') NOT NULL DEFAULT 'new',
  flags set('gift','rush'), name varchar(40) NOT NULL DEFAULT '', qty int NOT NULL DEFAULT 0, code varchar(20)
  CHARACTER SET utf8mb3, KEY orders_name (name)) DEFAULT CHARSET=latin1;\n---\n`;

const CASES: Array<{ rule: string; flagged: string[]; passing: string[] }> = [
  {
    rule: 'mysql-copy-alter',
    flagged: [
      'ALTER TABLE orders MODIFY total bigint NOT NULL',
      'ALTER TABLE orders DROP PRIMARY KEY',
      'ALTER TABLE orders CONVERT TO CHARACTER SET utf8mb4',
      'ALTER TABLE orders ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id)',
      'ALTER TABLE orders ADD COLUMN total_cents bigint AS (total * 100) STORED',
    ],
    passing: [
      'ALTER TABLE orders ADD COLUMN note varchar(200)',
      'ALTER TABLE orders ADD INDEX orders_user (user_id)',
      'SET foreign_key_checks = 0;\nALTER TABLE orders ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id)',
      'CREATE TABLE fresh (id int PRIMARY KEY, total int);\nALTER TABLE fresh MODIFY total bigint',
      'ALTER TABLE orders DROP PRIMARY KEY, ADD PRIMARY KEY (id, created_at)',
      // Members unknown: may be an INSTANT append; mysql-enum-set-change asks to check the list instead.
      "ALTER TABLE orders MODIFY status enum('new','paid','shipped','cancelled')",
    ],
  },
  {
    rule: 'mysql-algorithm-not-pinned',
    flagged: [
      'ALTER TABLE users ADD COLUMN nickname varchar(50)',
      'ALTER TABLE users DROP INDEX users_email',
      'CREATE INDEX users_email ON users (email)',
    ],
    passing: [
      'ALTER TABLE users ADD COLUMN nickname varchar(50), ALGORITHM=INSTANT',
      'ALTER TABLE users ADD INDEX users_email (email), ALGORITHM=INPLACE, LOCK=NONE',
      'CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN x int',
    ],
  },
  {
    rule: 'mysql-lock-wait-timeout',
    flagged: [
      'ALTER TABLE users ADD COLUMN nickname varchar(50)',
      'DROP INDEX users_email ON users',
      'RENAME TABLE users TO members',
    ],
    passing: [
      'SET SESSION lock_wait_timeout = 5;\nALTER TABLE users ADD COLUMN nickname varchar(50)',
      'SET lock_wait_timeout = 10;\nDROP INDEX users_email ON users',
      'CREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id)',
    ],
  },
  {
    rule: 'mysql-non-transactional-ddl',
    flagged: [
      'ALTER TABLE users ADD COLUMN a int;\nALTER TABLE users ADD COLUMN b int',
      'CREATE TABLE t (id int);\nINSERT INTO t VALUES (1)',
      'BEGIN;\nALTER TABLE users ADD COLUMN a int;\nCOMMIT',
    ],
    passing: [
      'ALTER TABLE users ADD COLUMN a int',
      'SET SESSION lock_wait_timeout = 5;\nALTER TABLE users ADD COLUMN a int',
      "INSERT INTO users (id) VALUES (1);\nUPDATE users SET name = 'x' WHERE id = 1",
    ],
  },
  {
    rule: 'mysql-add-column-not-null-without-default',
    flagged: [
      'ALTER TABLE users ADD COLUMN status varchar(20) NOT NULL',
      'ALTER TABLE users ADD status int NOT NULL AFTER id',
      'ALTER TABLE users ADD COLUMN a int NULL, ADD COLUMN b date NOT NULL',
    ],
    passing: [
      "ALTER TABLE users ADD COLUMN status varchar(20) NOT NULL DEFAULT 'active'",
      'ALTER TABLE users ADD COLUMN status varchar(20)',
      'CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN status int NOT NULL',
    ],
  },
  {
    rule: 'mysql-column-type-change',
    flagged: [
      'ALTER TABLE users MODIFY name varchar(50)',
      'ALTER TABLE users MODIFY COLUMN age int unsigned',
      'ALTER TABLE users CHANGE age age smallint NOT NULL',
    ],
    passing: [
      'ALTER TABLE users ADD COLUMN age int',
      'ALTER TABLE users ALTER COLUMN age SET DEFAULT 0',
      'CREATE TABLE t (id int, name varchar(10));\nALTER TABLE t MODIFY name varchar(5)',
    ],
  },
  {
    rule: 'mysql-drop-column',
    flagged: [
      'ALTER TABLE users DROP COLUMN legacy',
      'ALTER TABLE users DROP legacy',
      'ALTER TABLE users ADD COLUMN a int, DROP COLUMN IF EXISTS b',
    ],
    passing: [
      'ALTER TABLE users DROP INDEX users_legacy',
      'ALTER TABLE users DROP PRIMARY KEY, ADD PRIMARY KEY (id)',
      'CREATE TABLE t (id int, x int);\nALTER TABLE t DROP COLUMN x',
    ],
  },
  {
    rule: 'mysql-drop-table',
    flagged: ['DROP TABLE sessions', 'DROP TABLE IF EXISTS `shop`.`sessions`', 'DROP TEMPORARY TABLE sessions'],
    passing: ['CREATE TABLE t (id int);\nDROP TABLE t', 'DROP INDEX i ON sessions', 'TRUNCATE sessions_log_view_dummy'],
  },
  {
    rule: 'mysql-rename',
    flagged: [
      'ALTER TABLE users RENAME COLUMN name TO full_name',
      'ALTER TABLE users CHANGE name full_name varchar(255)',
      'RENAME TABLE users TO members',
      'ALTER TABLE users RENAME TO members',
    ],
    passing: [
      'ALTER TABLE users CHANGE name name varchar(255)',
      'ALTER TABLE users RENAME INDEX a TO b',
      'CREATE TABLE t (id int);\nRENAME TABLE t TO u',
    ],
  },
  {
    rule: 'mysql-foreign-key-checks-left-off',
    flagged: [
      'SET foreign_key_checks = 0;\nALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id)',
      'SET FOREIGN_KEY_CHECKS=0;\nDROP TABLE users',
      'SET foreign_key_checks = 0;\nSET foreign_key_checks = 1;\nSET foreign_key_checks = OFF',
    ],
    passing: [
      'SET foreign_key_checks = 0;\nDROP TABLE users;\nSET foreign_key_checks = 1',
      'SET foreign_key_checks = 1',
      'ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id)',
    ],
  },
  {
    rule: 'mysql-int-auto-increment-key',
    flagged: [
      'CREATE TABLE events (id int NOT NULL AUTO_INCREMENT PRIMARY KEY)',
      'CREATE TABLE events (id int unsigned NOT NULL AUTO_INCREMENT, PRIMARY KEY (id))',
      'ALTER TABLE events MODIFY id mediumint NOT NULL AUTO_INCREMENT',
    ],
    passing: [
      'CREATE TABLE events (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY)',
      'CREATE TABLE events (id int NOT NULL PRIMARY KEY)',
      'ALTER TABLE events ADD COLUMN counter int NOT NULL DEFAULT 0',
    ],
  },
  {
    rule: 'mysql-enum-set-change',
    flagged: [
      `${ORDERS}ALTER TABLE orders MODIFY status enum('new','cancelled','paid','shipped') NOT NULL DEFAULT 'new'`,
      `${ORDERS}ALTER TABLE orders MODIFY status enum('new','paid') NOT NULL DEFAULT 'new'`,
      `${ORDERS}ALTER TABLE orders MODIFY flags set('rush','gift')`,
      "ALTER TABLE orders MODIFY status enum('new','paid','shipped','cancelled')",
    ],
    passing: [
      `${ORDERS}ALTER TABLE orders MODIFY status enum('new','paid','shipped','cancelled') NOT NULL DEFAULT 'new'`,
      `${ORDERS}ALTER TABLE orders MODIFY flags set('gift','rush','fragile')`,
      "CREATE TABLE t (id int, s enum('a','b'));\nALTER TABLE t MODIFY s enum('b','a')",
    ],
  },
  {
    rule: 'mysql-charset-change',
    flagged: [
      'ALTER TABLE users CONVERT TO CHARACTER SET utf8mb4',
      'ALTER TABLE users CONVERT TO CHARSET utf8mb4 COLLATE utf8mb4_unicode_ci',
      'ALTER TABLE users DEFAULT CHARACTER SET utf8mb4',
    ],
    passing: [
      'ALTER TABLE users ADD COLUMN bio text CHARACTER SET utf8mb4',
      "ALTER TABLE users COMMENT 'people'",
      'CREATE TABLE t (id int, name varchar(10));\nALTER TABLE t CONVERT TO CHARACTER SET utf8mb4',
    ],
  },
  {
    rule: 'mysql-algorithm-refused',
    flagged: [
      'ALTER TABLE users MODIFY id bigint, ALGORITHM=INSTANT',
      '@8.0.20\nALTER TABLE users ADD COLUMN nickname varchar(50) AFTER id, ALGORITHM=INSTANT',
      '@5.7\nALTER TABLE users DROP COLUMN legacy, ALGORITHM=INSTANT',
      'ALTER TABLE users CONVERT TO CHARACTER SET utf8mb4, LOCK=NONE',
    ],
    passing: [
      '@8.0.35\nALTER TABLE users ADD COLUMN nickname varchar(50) AFTER id, ALGORITHM=INSTANT',
      'ALTER TABLE users ADD INDEX users_email (email), ALGORITHM=INPLACE, LOCK=NONE',
      'ALTER TABLE users MODIFY id bigint, ALGORITHM=COPY',
    ],
  },
  {
    rule: 'mysql-column-type-change',
    flagged: [
      `${ORDERS}ALTER TABLE orders MODIFY qty smallint NOT NULL DEFAULT 0`,
      `${ORDERS}ALTER TABLE orders MODIFY qty int unsigned NOT NULL DEFAULT 0`,
      `${ORDERS}ALTER TABLE orders MODIFY name varchar(40)`,
    ],
    passing: [
      `${ORDERS}ALTER TABLE orders MODIFY qty bigint NOT NULL DEFAULT 0`,
      `${ORDERS}ALTER TABLE orders MODIFY name varchar(80) NOT NULL DEFAULT ''`,
      `${ORDERS}ALTER TABLE orders MODIFY code varchar(20) CHARACTER SET utf8mb3 COMMENT 'sku'`,
    ],
  },
  {
    rule: 'mysql-not-parsed',
    flagged: [
      'ALTER TABLE users CONVERT TO CHARACTER SET utf8mb4',
      'ALTER TABLE users DROP PRIMARY KEY, DROP FOREIGN KEY fk, ALTER COLUMN a SET DEFAULT 1',
      'ALTER TABLE users MODIFY name varchar(255) BINARY',
    ],
    passing: ['ALTER TABLE users ADD COLUMN a int', 'SET SESSION lock_wait_timeout = 5', 'START TRANSACTION'],
  },
];

describe('MySQL/MariaDB rules', () => {
  it('every MySQL rule has at least three failing and three passing cases', () => {
    for (const meta of mysqlSafety.ruleMeta()) {
      const cases = CASES.filter((each) => each.rule === meta.id);
      expect(cases.flatMap((each) => each.flagged).length, meta.id).toBeGreaterThanOrEqual(3);
      expect(cases.flatMap((each) => each.passing).length, meta.id).toBeGreaterThanOrEqual(3);
    }
  });

  for (const { rule, flagged, passing } of CASES) {
    describe(rule, () => {
      for (const sql of flagged)
        it(`flags: ${sql.replace(/\n/g, ' ⏎ ')}`, async () => {
          expect(await ruleIds(sql)).toContain(rule);
        });
      for (const sql of passing)
        it(`passes: ${sql.replace(/\n/g, ' ⏎ ')}`, async () => {
          expect(await ruleIds(sql)).not.toContain(rule);
        });
    });
  }

  it('the column memory tells a safe widening from a copy: VARCHAR within its length prefix, on MySQL and MariaDB', async () => {
    const result = await checkSqlInputs(
      [
        { file: '001.sql', sql: ORDERS.replace(/\n---\n$/, '') },
        { file: '002.sql', sql: "ALTER TABLE orders MODIFY name varchar(60) NOT NULL DEFAULT '';" },
        { file: '003.sql', sql: "ALTER TABLE orders MODIFY name varchar(300) NOT NULL DEFAULT '';" },
      ],
      { engine: 'mysql', engineVersion: '8.0.35', rowCounts: { orders: 10 } },
    );
    const modes = result.files.slice(1).map((file) => file.locks[0]?.locks[0]?.mode);
    // latin1: 60 and 300 bytes; the second crosses 255 and needs a 2-byte length prefix.
    expect(modes).toEqual(['ALGORITHM=INPLACE, LOCK=NONE', 'ALGORITHM=COPY, LOCK=SHARED']);
  });

  it('a COPY ALTER on a large table is an error whose fix is the gh-ost and pt-osc commands', async () => {
    const report = await validateWith(mysqlSafety.check, 'ALTER TABLE shop.orders MODIFY total bigint NOT NULL', {
      rowCounts: { 'shop.orders': 5_000_000 },
    });
    const copy = report.findings.find((finding) => finding.ruleId === 'mysql-copy-alter');
    expect(copy?.severity).toBe('error');
    expect(copy?.message).toContain('about 5,000,000 rows');
    expect(copy?.message).toContain('copies the table while writes wait: COPY, LOCK=SHARED (rebuilds the table)');
    expect(copy?.fix?.steps.map((step) => step.sql.split(' ')[0])).toEqual([
      'gh-ost',
      'pt-online-schema-change',
      'ALTER',
    ]);
    expect(copy?.fix?.steps[0]?.sql).toContain('--database=shop --table=orders --alter="MODIFY total bigint NOT NULL"');
    expect(copy?.fix?.steps[1]?.sql).toContain('D=shop,t=orders');
    expect(report.risk).toBe('HIGH');
    // The copy holds LOCK=SHARED over 5,000,000 rows: the checklist's long-lock item fails with the estimate.
    const longLocks = report.checklist.find((item) => item.id === 'no-long-locks');
    expect(longLocks?.status).toBe('fail');
    expect(longLocks?.evidence[0]).toBe(
      'line 1: ALGORITHM=COPY, LOCK=SHARED on shop.orders (5,000,000 rows) for about 25 s',
    );
    expect(report.locks[0]?.locks[0]).toMatchObject({ rows: 5_000_000, estimatedLockSeconds: 25 });
  });

  it('an online rebuild (LOCK=NONE) on a large table is no long lock; a copy of a table of unknown size is unknown', async () => {
    const online = await validateWith(mysqlSafety.check, 'ALTER TABLE orders DROP COLUMN note, ALGORITHM=INPLACE', {
      rowCounts: { orders: 5_000_000 },
      engineVersion: '5.7',
    });
    expect(online.checklist.find((item) => item.id === 'no-long-locks')?.status).toBe('pass');
    const unsized = await validateWith(mysqlSafety.check, 'ALTER TABLE orders MODIFY total bigint', {});
    const item = unsized.checklist.find((each) => each.id === 'no-long-locks');
    expect(item?.status).toBe('unknown');
    expect(item?.evidence[0]).toBe(
      'line 1: ALGORITHM=COPY, LOCK=SHARED on orders while it rewrites the table; row count unknown',
    );
  });

  it('a half-applied migration names the statements that stay applied', async () => {
    const report = await validateWith(
      mysqlSafety.check,
      'ALTER TABLE users ADD COLUMN a int;\nCREATE INDEX users_a ON users (a);\nALTER TABLE users DROP COLUMN b;',
      {},
    );
    const half = report.findings.find((finding) => finding.ruleId === 'mysql-non-transactional-ddl');
    expect(half?.message).toBe(
      '3 statements, 3 of them DDL, each committed on its own: if line 2 fails, line 1 stay applied; if line 3 fails, line 1, line 2 stay applied.',
    );
    expect(half?.span.start.line).toBe(2);
  });

  it('a statement the parser cannot read is reported with its position and still checked by keywords', async () => {
    const report = await validateWith(
      mysqlSafety.check,
      'SELECT 1;\nALTER TABLE users\n  MODIFY name varchar(255) BINARY;',
      {
        file: 'm.sql',
      },
    );
    const ids = report.findings.map((finding) => finding.ruleId);
    expect(ids).toContain('mysql-copy-alter');
    const notParsed = report.findings.find((finding) => finding.ruleId === 'mysql-not-parsed');
    expect(notParsed?.span.start).toEqual({ line: 3, column: 28 });
    expect(notParsed?.message).toMatch(/^Checked from its keywords only: the parser stopped at 3:28 /);
  });

  it('drops and renames make the checklist fail and the risk HIGH', async () => {
    const report = await validateWith(mysqlSafety.check, 'ALTER TABLE users DROP COLUMN a, RENAME COLUMN b TO c;', {});
    expect(report.engine).toBe('mysql');
    const status = Object.fromEntries(report.checklist.map((item) => [item.id, item.status]));
    expect(status['no-data-loss']).toBe('fail');
    expect(status['backward-compatible']).toBe('fail');
    expect(report.risk).toBe('HIGH');
  });

  it('ignore comments work as on PostgreSQL, also with MySQL # comments', async () => {
    const report = await validateWith(
      mysqlSafety.check,
      "-- dma-ignore-file mysql-lock-wait-timeout\n# dma-ignore mysql-drop-column unused since release 12\nALTER TABLE users DROP COLUMN legacy;\n-- dma-ignore mysql-drop-colum typo\nALTER TABLE users DROP COLUMN old, ALGORITHM=INSTANT;\nSELECT '-- dma-ignore mysql-drop-table';",
      {},
    );
    expect(report.suppressed.map((entry) => [entry.ruleId, entry.line, entry.reason])).toEqual([
      ['mysql-drop-column', 3, 'unused since release 12'],
      ['mysql-lock-wait-timeout', 3, '(no reason given)'],
    ]);
    const ids = report.findings.map((finding) => `${finding.ruleId}:${finding.span.start.line}`);
    expect(ids).toContain('unknown-ignore:4');
    expect(ids).toContain('mysql-drop-column:5');
    expect(report.findings.find((finding) => finding.ruleId === 'unknown-ignore')?.message).toContain(
      'did you mean "mysql-drop-column"?',
    );
  });
});
