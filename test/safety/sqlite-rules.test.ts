import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { affinityOf } from '../../src/engines/sqlite/safety/affinity.js';
import { sqliteSafety } from '../../src/engines/sqlite/safety/index.js';
import { validateWith } from '../../src/safety/engine.js';

/**
 * Each SQLite rule on statements it must flag and statements it must leave alone, and every claim that SQLite
 * refuses or accepts a statement run on better-sqlite3 against the schema below.
 */

const SCHEMA = `
CREATE TABLE users (id integer PRIMARY KEY, email text UNIQUE, name text, age integer, note text, manager integer,
  FOREIGN KEY (manager) REFERENCES users (id));
CREATE INDEX users_name ON users (name);
CREATE TABLE orders (id integer PRIMARY KEY, user_id integer REFERENCES users (id) ON DELETE CASCADE);
INSERT INTO users (id, email, name, age, note) VALUES (1, 'a@example.com', 'Ann', 30, 'x');
INSERT INTO orders VALUES (1, 1);
`;

function freshDatabase(): Database.Database {
  const db = new Database(':memory:');
  db.exec(SCHEMA);
  return db;
}

/** Whether SQLite runs the SQL on the schema above (each test gets its own database). */
function sqliteAccepts(sql: string): boolean {
  const db = freshDatabase();
  try {
    db.exec(sql);
    return true;
  } catch {
    return false;
  } finally {
    db.close();
  }
}

async function ruleIds(sql: string): Promise<string[]> {
  const report = await validateWith(sqliteSafety.check, sql, {});
  expect(report.ruleErrors).toEqual([]);
  return report.findings.map((finding) => finding.ruleId);
}

/** `refused`: SQLite must refuse the flagged SQL (checked on better-sqlite3) and accept the passing SQL. */
const CASES: Array<{ rule: string; flagged: string[]; passing: string[]; refused: boolean }> = [
  {
    rule: 'sqlite-add-column-refused',
    refused: true,
    flagged: [
      'ALTER TABLE users ADD COLUMN status text NOT NULL',
      'ALTER TABLE users ADD COLUMN code text UNIQUE',
      'ALTER TABLE users ADD COLUMN created_at text DEFAULT CURRENT_TIMESTAMP',
      'ALTER TABLE users ADD COLUMN slug text AS (lower(name)) STORED',
      "ALTER TABLE users ADD COLUMN lowered text DEFAULT (lower('A'))",
    ],
    passing: [
      "ALTER TABLE users ADD COLUMN status text NOT NULL DEFAULT 'active'",
      'ALTER TABLE users ADD COLUMN nickname text',
      'ALTER TABLE users ADD COLUMN slug text AS (lower(name)) VIRTUAL',
    ],
  },
  {
    rule: 'sqlite-alter-needs-rebuild',
    refused: true,
    flagged: [
      'ALTER TABLE users ALTER COLUMN age TYPE bigint',
      'ALTER TABLE users ADD PRIMARY KEY (id)',
      'ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (age) REFERENCES users (id)',
      'ALTER TABLE users ALTER COLUMN age SET DEFAULT 1',
      'ALTER TABLE users MODIFY age bigint',
    ],
    passing: [
      'ALTER TABLE users RENAME TO members',
      'ALTER TABLE users RENAME COLUMN note TO remark',
      'ALTER TABLE users ADD COLUMN nickname text',
      'ALTER TABLE users DROP COLUMN note',
    ],
  },
  {
    rule: 'sqlite-drop-column-limits',
    refused: false,
    flagged: [
      'CREATE TABLE t (id integer PRIMARY KEY, code text UNIQUE);\nALTER TABLE t DROP COLUMN code',
      'CREATE TABLE t (id integer PRIMARY KEY, a int, b int, CHECK (a < b));\nALTER TABLE t DROP COLUMN a',
      'CREATE TABLE t (id integer PRIMARY KEY, p int, FOREIGN KEY (p) REFERENCES users (id));\nALTER TABLE t DROP COLUMN p',
      'ALTER TABLE users DROP COLUMN note',
    ],
    passing: [
      'CREATE TABLE t (id integer PRIMARY KEY, a int, note text);\nALTER TABLE t DROP COLUMN note',
      'ALTER TABLE users ADD COLUMN nickname text',
      'ALTER TABLE users RENAME COLUMN note TO remark',
    ],
  },
  {
    rule: 'sqlite-foreign-keys-pragma',
    refused: false,
    flagged: [
      'BEGIN;\nPRAGMA foreign_keys = OFF;\nPRAGMA foreign_key_check;\nCOMMIT',
      'PRAGMA foreign_keys = OFF;\nDROP TABLE orders',
      'PRAGMA foreign_keys=0;\nBEGIN;\nCOMMIT;\nPRAGMA foreign_keys=1',
    ],
    passing: [
      'PRAGMA foreign_keys = OFF;\nBEGIN;\nPRAGMA foreign_key_check;\nCOMMIT;\nPRAGMA foreign_keys = ON',
      'PRAGMA foreign_keys = ON',
      'ALTER TABLE users ADD COLUMN nickname text',
    ],
  },
  {
    rule: 'sqlite-rebuild-locks-database',
    refused: false,
    flagged: [
      'CREATE TABLE users_new (id integer PRIMARY KEY);\nINSERT INTO users_new (id) SELECT id FROM users',
      'INSERT INTO archive SELECT * FROM orders',
      'INSERT OR IGNORE INTO archive (id) SELECT id FROM "orders" WHERE id > 10',
    ],
    passing: [
      "INSERT INTO users (id, email) VALUES (2, 'b@example.com')",
      'CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nINSERT INTO b SELECT id FROM a',
      'UPDATE users SET age = 31 WHERE id = 1',
    ],
  },
  {
    rule: 'sqlite-strict-table-types',
    refused: true,
    flagged: [
      'CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(100)) STRICT',
      'CREATE TABLE t (id INTEGER PRIMARY KEY, created_at DATETIME) STRICT',
      'CREATE TABLE t (id INTEGER PRIMARY KEY, payload) STRICT',
      'CREATE TABLE t (id INTEGER PRIMARY KEY, active BOOLEAN NOT NULL DEFAULT 0) STRICT, WITHOUT ROWID',
      'CREATE TABLE s (id INTEGER PRIMARY KEY) STRICT;\nALTER TABLE s ADD COLUMN n varchar(10)',
    ],
    passing: [
      'CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT CHECK (length(name) <= 100)) STRICT',
      'CREATE TABLE t (id INT PRIMARY KEY, score REAL, data BLOB, extra ANY) STRICT',
      'CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(100))',
      'CREATE TABLE s (id INTEGER PRIMARY KEY) STRICT;\nALTER TABLE s ADD COLUMN k TEXT',
    ],
  },
  {
    rule: 'sqlite-without-rowid',
    refused: true,
    flagged: [
      'CREATE TABLE tags (name TEXT) WITHOUT ROWID',
      'CREATE TABLE tags (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT) WITHOUT ROWID',
      'CREATE TABLE tags (name TEXT UNIQUE, n INTEGER) STRICT, WITHOUT ROWID',
    ],
    passing: [
      'CREATE TABLE tags (name TEXT PRIMARY KEY) WITHOUT ROWID',
      'CREATE TABLE tags (a TEXT, b INTEGER, PRIMARY KEY (a, b)) WITHOUT ROWID',
      'CREATE TABLE tags (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT)',
    ],
  },
  {
    rule: 'sqlite-type-affinity',
    refused: false,
    flagged: [
      'CREATE TABLE t (id INTEGER PRIMARY KEY, code STRING)',
      'CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(20), born DATETIME)',
      'ALTER TABLE users ADD COLUMN active BOOLEAN',
      'CREATE TABLE t (id INTEGER PRIMARY KEY, ratio FLOATING POINT)',
      'CREATE TABLE t (id INTEGER PRIMARY KEY, title STIRNG)',
    ],
    passing: [
      'CREATE TABLE t (id INTEGER PRIMARY KEY, code TEXT, price NUMERIC, ratio REAL, raw BLOB)',
      'CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(20)) STRICT',
      'ALTER TABLE users ADD COLUMN amount DECIMAL(10,2)',
      'CREATE TABLE s (id INTEGER PRIMARY KEY) STRICT;\nALTER TABLE s ADD COLUMN n varchar(10)',
    ],
  },
  {
    rule: 'sqlite-not-parsed',
    refused: false,
    flagged: ['INSERT INTO users (id) VALUES (5) ON CONFLICT (id) DO NOTHING', 'REINDEX users', 'ANALYZE'],
    passing: [
      'CREATE TABLE t (id INTEGER PRIMARY KEY, n TEXT) STRICT, WITHOUT ROWID',
      'CREATE TRIGGER users_touch AFTER INSERT ON users BEGIN UPDATE users SET age = 1 WHERE id = new.id; END',
      'CREATE INDEX users_age ON users (age) WHERE age > 0',
    ],
  },
];

/** What SQLite does with '0123' and 123 in a column: the observable side of its affinity. */
function storedAs(declaredType: string): string {
  const db = new Database(':memory:');
  try {
    db.exec(`CREATE TABLE probe (a ${declaredType}, b ${declaredType})`);
    db.exec("INSERT INTO probe VALUES ('0123', 123)");
    const row = db.prepare('SELECT typeof(a) AS a, typeof(b) AS b FROM probe').get() as { a: string; b: string };
    return `${row.a}/${row.b}`;
  } finally {
    db.close();
  }
}

/** The same for an affinity, by SQLite's documented conversions. */
const EXPECTED: Record<ReturnType<typeof affinityOf>, string> = {
  TEXT: 'text/text',
  BLOB: 'text/integer',
  INTEGER: 'integer/integer',
  NUMERIC: 'integer/integer',
  REAL: 'real/real',
};

describe('SQLite rules', () => {
  it('every SQLite rule has at least three failing and three passing cases', () => {
    for (const meta of sqliteSafety.ruleMeta()) {
      const cases = CASES.filter((each) => each.rule === meta.id);
      expect(cases.flatMap((each) => each.flagged).length, meta.id).toBeGreaterThanOrEqual(3);
      expect(cases.flatMap((each) => each.passing).length, meta.id).toBeGreaterThanOrEqual(3);
    }
  });

  it('what the parser cannot read is valid SQLite all the same (reported, not refused)', () => {
    for (const sql of CASES.find((each) => each.rule === 'sqlite-not-parsed')?.flagged ?? [])
      expect([sql, sqliteAccepts(sql)]).toEqual([sql, true]);
  });

  it('the affinity the rule computes is the one SQLite applies (better-sqlite3)', () => {
    for (const type of [
      'VARCHAR(10)',
      'STRING',
      'STIRNG',
      'DATETIME',
      'BOOLEAN',
      'FLOATING POINT',
      'DOUBLE',
      'JSON',
      'TEXT',
      'INTEGER',
      '',
      'CLOB',
      'UNSIGNED BIG INT',
      'DECIMAL(10,2)',
    ])
      expect([type, storedAs(type)]).toEqual([type, EXPECTED[affinityOf(type)]]);
  });

  it('the surprises sqlite-type-affinity names happen on SQLite', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (code STRING, name VARCHAR(3), born DATETIME, active BOOLEAN, ratio FLOATING POINT)');
    db.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?)').run('0123', 'abcdef', '20240101', 'true', '1.0');
    expect(db.prepare('SELECT * FROM t').get()).toEqual({
      code: 123,
      name: 'abcdef',
      born: 20240101,
      active: 'true',
      ratio: 1,
    });
    db.close();
  });

  for (const { rule, flagged, passing, refused } of CASES) {
    describe(rule, () => {
      for (const sql of flagged)
        it(`flags: ${sql.replace(/\n/g, ' ⏎ ')}`, async () => {
          expect(await ruleIds(sql)).toContain(rule);
          if (refused) expect(sqliteAccepts(sql)).toBe(false);
        });
      for (const sql of passing)
        it(`passes: ${sql.replace(/\n/g, ' ⏎ ')}`, async () => {
          expect(await ruleIds(sql)).not.toContain(rule);
          if (refused) expect(sqliteAccepts(sql)).toBe(true);
        });
    });
  }

  it('the DROP COLUMN limits the rule names are the ones SQLite enforces', () => {
    expect(sqliteAccepts('ALTER TABLE users DROP COLUMN id')).toBe(false);
    expect(sqliteAccepts('ALTER TABLE users DROP COLUMN email')).toBe(false);
    expect(sqliteAccepts('ALTER TABLE users DROP COLUMN name')).toBe(false);
    expect(sqliteAccepts('ALTER TABLE users DROP COLUMN manager')).toBe(false);
    expect(sqliteAccepts('ALTER TABLE users DROP COLUMN note')).toBe(true);
  });

  it('PRAGMA foreign_keys inside a transaction is a no-op, and DROP TABLE then cascades into child rows', () => {
    const db = freshDatabase();
    db.pragma('foreign_keys = ON');
    db.exec('BEGIN');
    db.exec('PRAGMA foreign_keys = OFF');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.exec('DROP TABLE users');
    db.exec('COMMIT');
    expect(db.prepare('SELECT count(*) AS n FROM orders').get()).toEqual({ n: 0 });
    db.close();
  });

  it('the rebuild in the fix runs on SQLite and keeps the data', async () => {
    const report = await validateWith(sqliteSafety.check, 'ALTER TABLE users ALTER COLUMN age TYPE bigint', {});
    const steps = report.findings.find((finding) => finding.ruleId === 'sqlite-alter-needs-rebuild')?.fix?.steps ?? [];
    const script = steps
      .map((step) => step.sql)
      .join('\n')
      .replace(
        '<the new definition>',
        'id integer PRIMARY KEY, email text UNIQUE, name text, age bigint, note text, manager integer',
      )
      .replaceAll('<columns>', 'id, email, name, age, note, manager');
    const db = freshDatabase();
    db.exec(script);
    expect(db.prepare('SELECT id, age FROM users').all()).toEqual([{ id: 1, age: 30 }]);
    expect(db.prepare('SELECT count(*) AS n FROM orders').get()).toEqual({ n: 1 });
    db.close();
  });

  it('a table rebuild is not reported as data loss; a plain DROP TABLE is', async () => {
    const rebuild = await validateWith(
      sqliteSafety.check,
      'CREATE TABLE users_new (id integer PRIMARY KEY);\nINSERT INTO users_new (id) SELECT id FROM users;\nDROP TABLE users;\nALTER TABLE users_new RENAME TO users;',
      {},
    );
    expect(rebuild.checklist.find((item) => item.id === 'no-data-loss')?.status).toBe('pass');
    const drop = await validateWith(sqliteSafety.check, 'DROP TABLE users;', {});
    expect(drop.checklist.find((item) => item.id === 'no-data-loss')?.status).toBe('fail');
    expect(drop.risk).toBe('HIGH');
  });
});

describe('sqlite-type-affinity on an ORM-style table', () => {
  it('says the types every ORM writes once per table, as info, and a type SQLite does not know as a warning', async () => {
    const orm = await validateWith(
      sqliteSafety.check,
      'CREATE TABLE flows (id char(36) PRIMARY KEY, issued_at DATETIME NOT NULL, expires_at DATETIME NOT NULL, active bool)',
      {},
    );
    const affinity = orm.findings.filter((finding) => finding.ruleId === 'sqlite-type-affinity');
    expect(affinity).toHaveLength(1);
    expect(affinity[0]).toMatchObject({ severity: 'info' });
    expect(affinity[0]?.message).toContain('4 columns');
    expect(affinity[0]?.message).toContain('issued_at DATETIME (NUMERIC)');
    expect(affinity[0]?.fix?.steps).toHaveLength(4);

    const typo = await validateWith(sqliteSafety.check, 'CREATE TABLE t (born DATETIME, code STRING)', {});
    const [finding] = typo.findings.filter((each) => each.ruleId === 'sqlite-type-affinity');
    expect(finding).toMatchObject({ severity: 'warning' });
    expect(finding?.message).toContain('STRING is not a type SQLite knows');
  });
});
