import { describe, expect, it } from 'vitest';
import { nodeType } from '../../src/safety/ast.js';
import { validatePostgres } from '../../src/safety/engine.js';
import type { Rule, RuleContext } from '../../src/safety/types.js';

/** What a rule sees before each statement, recorded by a test rule that flags nothing. */
interface Seen {
  type: string;
  line: number;
  inTransaction: boolean;
  lockTimeoutSet: boolean;
  statementTimeoutSet: boolean;
  held: string[];
  context: RuleContext;
}

function probe(): { rule: Rule; seen: Seen[] } {
  const seen: Seen[] = [];
  const rule: Rule = {
    meta: {
      id: 'test-probe',
      title: 'records the context',
      category: 'safe',
      defaultSeverity: 'info',
      engines: ['postgresql'],
      locks: [],
      rewritesTable: false,
      scansTable: false,
      breaksOldCode: false,
      why: 'test',
      safeAlternative: 'test',
      examples: { bad: '', good: '' },
    },
    check(context) {
      seen.push({
        type: nodeType(context.statement.ast),
        line: context.statement.span.start.line,
        inTransaction: context.inTransaction,
        lockTimeoutSet: context.lockTimeoutSet,
        statementTimeoutSet: context.statementTimeoutSet,
        held: [...context.accessExclusiveHeld],
        context,
      });
      return [];
    },
  };
  return { rule, seen };
}

/** Runs the engine with a probe that evaluates `ask` before every statement. */
async function contexts<T>(
  sql: string,
  ask: (context: RuleContext) => T,
  options: Parameters<typeof validatePostgres>[1] = {},
): Promise<T[]> {
  const answers: T[] = [];
  const rule: Rule = {
    ...probe().rule,
    check: (context) => {
      answers.push(ask(context));
      return [];
    },
  };
  await validatePostgres(sql, { ...options, rules: [rule] });
  return answers;
}

describe('transaction tracking', () => {
  it('follows BEGIN / COMMIT / ROLLBACK', async () => {
    const sql = 'SELECT 1;\nBEGIN;\nSELECT 2;\nCOMMIT;\nSELECT 3;\nSTART TRANSACTION;\nSELECT 4;\nROLLBACK;\nSELECT 5;';
    const inTx = await contexts(sql, (c) => c.inTransaction);
    expect(inTx).toEqual([false, false, true, true, false, false, true, true, false]);
  });

  it('treats the whole file as one transaction when the tool wraps it', async () => {
    const inTx = await contexts('SELECT 1;\nSELECT 2;', (c) => c.inTransaction, { assumeInTransaction: true });
    expect(inTx).toEqual([true, true]);
  });

  it('a COMMIT inside a wrapped file ends the transaction for what follows', async () => {
    const inTx = await contexts('SELECT 1;\nCOMMIT;\nSELECT 2;', (c) => c.inTransaction, { assumeInTransaction: true });
    expect(inTx).toEqual([true, true, false]);
  });
});

describe('timeouts', () => {
  it('tracks SET lock_timeout and statement_timeout, and `= 0` unsets', async () => {
    const sql = [
      'SELECT 1',
      "SET lock_timeout = '2s'",
      'SELECT 2',
      'SET lock_timeout = 0',
      'SELECT 3',
      "SET statement_timeout TO '5min'",
      'SELECT 4',
      'RESET statement_timeout',
      'SELECT 5',
      "SET lock_timeout = '0ms'",
      'SELECT 6',
      'SET lock_timeout = 1000',
      'SELECT 7',
      'SET lock_timeout TO DEFAULT',
      'SELECT 8',
    ].join(';\n');
    const seen = await contexts(sql, (c) => [c.lockTimeoutSet, c.statementTimeoutSet]);
    const at = (line: number) => seen[line - 1];
    expect(at(1)).toEqual([false, false]);
    expect(at(3)).toEqual([true, false]);
    expect(at(5)).toEqual([false, false]);
    expect(at(7)).toEqual([false, true]);
    expect(at(9)).toEqual([false, false]);
    expect(at(11)).toEqual([false, false]);
    expect(at(13)).toEqual([true, false]);
    expect(at(15)).toEqual([false, false]);
  });

  it('SET LOCAL lasts until the end of the transaction and is ignored outside one', async () => {
    const sql =
      "SET LOCAL lock_timeout = '1s';\nSELECT 1;\nBEGIN;\nSET LOCAL lock_timeout = '1s';\nSELECT 2;\nCOMMIT;\nSELECT 3;";
    const seen = await contexts(sql, (c) => c.lockTimeoutSet);
    expect(seen[1]).toBe(false);
    expect(seen[4]).toBe(true);
    expect(seen[6]).toBe(false);
  });

  it('SET LOCAL restores the session value, not "unset"', async () => {
    const sql = "SET lock_timeout = '3s';\nBEGIN;\nSET LOCAL lock_timeout = 0;\nSELECT 1;\nCOMMIT;\nSELECT 2;";
    const seen = await contexts(sql, (c) => c.lockTimeoutSet);
    expect(seen[3]).toBe(false);
    expect(seen[5]).toBe(true);
  });
});

describe('catalog tracking', () => {
  it('knows tables and columns created in the migration and in the open transaction', async () => {
    const sql = [
      "CREATE TABLE a (id bigint PRIMARY KEY, name varchar(20) NOT NULL, note text DEFAULT 'x')",
      'BEGIN',
      'CREATE TABLE b (id serial)',
      'SELECT 1',
      'COMMIT',
      'SELECT 2',
    ].join(';\n');
    const seen = await contexts(sql, (c) => ({
      a: c.catalog.tableCreatedInThisMigration('a'),
      aTx: c.catalog.tableCreatedInCurrentTransaction('public.a'),
      b: c.catalog.tableExists('b'),
      bTx: c.catalog.tableCreatedInCurrentTransaction('b'),
      columns: c.catalog.columns('a'),
      bColumns: c.catalog.columns('b'),
    }));
    expect(seen[0]).toMatchObject({ a: false, b: false });
    expect(seen[1]?.columns).toEqual([
      { name: 'id', type: 'int8', notNull: true, hasDefault: false },
      { name: 'name', type: 'varchar(20)', notNull: true, hasDefault: false },
      { name: 'note', type: 'text', notNull: false, hasDefault: true },
    ]);
    expect(seen[1]).toMatchObject({ a: true, aTx: false });
    expect(seen[3]).toMatchObject({ b: true, bTx: true });
    expect(seen[3]?.bColumns).toEqual([
      { name: 'id', type: 'serial', notNull: true, hasDefault: true, sequence: 'public.b_id_seq' },
    ]);
    expect(seen[5]).toMatchObject({ b: true, bTx: false });
  });

  it('follows ADD / DROP / RENAME COLUMN, SET NOT NULL, ALTER TYPE and table renames', async () => {
    const sql = [
      'CREATE TABLE t (id int, a text, b text)',
      'ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0, DROP COLUMN b',
      'ALTER TABLE t RENAME COLUMN a TO a2',
      'ALTER TABLE t ALTER COLUMN id SET NOT NULL, ALTER COLUMN id TYPE bigint',
      'ALTER TABLE t ALTER COLUMN c DROP NOT NULL, ALTER COLUMN c DROP DEFAULT',
      'ALTER TABLE t RENAME TO t2',
      'SELECT 1',
    ].join(';\n');
    const seen = await contexts(sql, (c) => ({ t: c.catalog.columns('t'), t2: c.catalog.columns('t2') }));
    expect(seen[2]?.t?.map((col) => col.name)).toEqual(['id', 'a', 'c']);
    expect(seen[3]?.t?.map((col) => col.name)).toEqual(['id', 'c', 'a2']);
    expect(seen[4]?.t?.find((col) => col.name === 'id')).toEqual({
      name: 'id',
      type: 'int8',
      notNull: true,
      hasDefault: false,
    });
    expect(seen[5]?.t?.find((col) => col.name === 'c')).toEqual({
      name: 'c',
      type: 'int4',
      notNull: false,
      hasDefault: false,
    });
    expect(seen[6]?.t).toBeUndefined();
    expect(seen[6]?.t2?.map((col) => col.name)).toEqual(['id', 'c', 'a2']);
  });

  it('records validated CHECK (col IS NOT NULL) constraints only after VALIDATE', async () => {
    const sql = [
      'CREATE TABLE t (id int, email text)',
      'SELECT 0',
      'ALTER TABLE t ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID',
      'ALTER TABLE t VALIDATE CONSTRAINT email_nn',
      'ALTER TABLE t ALTER COLUMN email SET NOT NULL',
      'ALTER TABLE t ADD CONSTRAINT id_nn CHECK (id IS NOT NULL)',
      'SELECT 1',
    ].join(';\n');
    const seen = await contexts(sql, (c) => [
      c.catalog.hasValidatedNotNullCheck('t', 'email'),
      c.catalog.hasValidatedNotNullCheck('t', 'id'),
    ]);
    expect(seen[2]).toEqual([false, false]);
    expect(seen[3]).toEqual([false, false]);
    expect(seen[4]).toEqual([true, false]);
    expect(seen[6]).toEqual([true, true]);
  });

  it('knows a table holds a validated CHECK only once it is validated, and forgets it when dropped', async () => {
    const sql = [
      'CREATE TABLE p (id int, day date)',
      'SELECT 0',
      "ALTER TABLE p ADD CONSTRAINT p_bounds CHECK (day >= '2024-01-01') NOT VALID",
      'ALTER TABLE p VALIDATE CONSTRAINT p_bounds',
      'ALTER TABLE p DROP CONSTRAINT p_bounds',
      'SELECT 1',
    ].join(';\n');
    const seen = await contexts(sql, (c) => c.catalog.hasValidatedCheck('p'));
    expect(seen.slice(1)).toEqual([false, false, false, true, false]);
  });

  it('ROLLBACK forgets what the transaction created and restores what it dropped', async () => {
    const sql = [
      'CREATE TABLE keep (id int, a text)',
      'BEGIN',
      'CREATE TABLE gone (id int)',
      'ALTER TABLE keep DROP COLUMN a',
      'DROP TABLE keep',
      'ROLLBACK',
      'SELECT 1',
    ].join(';\n');
    const seen = await contexts(sql, (c) => ({
      gone: c.catalog.tableExists('gone'),
      keep: c.catalog.columns('keep')?.map((col) => col.name),
    }));
    expect(seen[5]).toEqual({ gone: true, keep: undefined });
    expect(seen[6]).toEqual({ gone: false, keep: ['id', 'a'] });
  });

  it('tracks ACCESS EXCLUSIVE locks held by the open transaction on existing tables only', async () => {
    const sql = [
      'BEGIN',
      'CREATE TABLE fresh (id int)',
      'ALTER TABLE fresh ADD COLUMN x int',
      'ALTER TABLE users ADD COLUMN y int',
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON orders (id)',
      'COMMIT',
      'SELECT 1',
    ].join(';\n');
    const seen = await contexts(sql, (c) => [...c.accessExclusiveHeld]);
    expect(seen[3]).toEqual([]);
    expect(seen[4]).toEqual(['public.users']);
    expect(seen[6]).toEqual([]);
  });

  it('knows tables from a snapshot and from earlier migrations, which are not "new"', async () => {
    const seen = await contexts(
      'SELECT 1',
      (c) => ({
        snap: c.catalog.tableExists('accounts'),
        hist: c.catalog.tableExists('orders'),
        histNew: c.catalog.tableCreatedInThisMigration('orders'),
        known: c.catalog.schemaKnown,
        rows: c.catalog.rowCount('accounts'),
      }),
      {
        catalog: {
          snapshot: {
            tables: [
              {
                name: 'accounts',
                columns: [{ name: 'id', type: 'int8', notNull: true, hasDefault: false }],
                rowCount: 42,
              },
            ],
          },
          history: [{ sql: 'CREATE TABLE orders (id bigint PRIMARY KEY);' }],
        },
      },
    );
    expect(seen[0]).toEqual({ snap: true, hist: true, histNew: false, known: true, rows: 42 });
  });
});

describe('findings', () => {
  const flagAlter: Rule = {
    ...probe().rule,
    meta: {
      ...probe().rule.meta,
      id: 'test-flag-alter',
      defaultSeverity: 'warning',
      locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    },
    appliesTo: ['AlterTableStmt'],
    check: (_c) => [
      {
        message: 'altered',
        table: 'big',
        fix: {
          summary: 'do it later',
          steps: [{ description: 'later', sql: 'SELECT 1;', outsideTransaction: false, separateMigration: true }],
        },
      },
    ],
  };

  it('turns rule hits into findings with file, span, statement and fix, dispatched by node type', async () => {
    const report = await validatePostgres('SELECT 1;\n  ALTER TABLE big ADD COLUMN x int;', {
      file: 'm.sql',
      rules: [flagAlter],
    });
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({
      ruleId: 'test-flag-alter',
      severity: 'warning',
      file: 'm.sql',
      statementIndex: 1,
      span: { start: { line: 2, column: 3 }, end: { line: 2, column: 35 } },
      statement: 'ALTER TABLE big ADD COLUMN x int',
      table: 'big',
      fix: { summary: 'do it later' },
    });
  });

  it('configured severities win and "off" disables the rule', async () => {
    const warned = await validatePostgres('ALTER TABLE big ADD COLUMN x int;', {
      rules: [flagAlter],
      ruleSeverity: { 'test-flag-alter': 'info' },
    });
    expect(warned.findings[0]?.severity).toBe('info');
    const off = await validatePostgres('ALTER TABLE big ADD COLUMN x int;', {
      rules: [flagAlter],
      ruleSeverity: { 'test-flag-alter': 'off' },
    });
    expect(off.findings).toEqual([]);
  });

  it('adds lock estimates and escalates to error on large tables', async () => {
    const sql = 'ALTER TABLE big ALTER COLUMN x TYPE bigint;';
    const report = await validatePostgres(sql, { rules: [flagAlter], rowCounts: { big: 4_000_000 } });
    expect(report.findings[0]?.severity).toBe('error');
    expect(report.findings[0]?.estimatedLockSeconds).toBe(20);
    expect(report.findings[0]?.message).toContain('4,000,000 rows');
    expect(report.risk).toBe('HIGH');
  });

  it('reports large-table-lock for a blocking scan no rule flagged', async () => {
    const report = await validatePostgres('CREATE INDEX i ON events (kind);', {
      rules: [],
      rowCounts: { events: 2_000_000 },
    });
    expect(report.findings.map((f) => f.ruleId)).toEqual(['large-table-lock']);
    expect(report.findings[0]?.locks[0]?.mode).toBe('SHARE');
    expect(report.findings[0]?.estimatedLockSeconds).toBe(4);
    const small = await validatePostgres('CREATE INDEX i ON events (kind);', {
      rules: [],
      rowCounts: { events: 20_000 },
    });
    expect(small.findings).toEqual([]);
  });

  it('reports unknown tables (when the schema is known) and unknown columns', async () => {
    const report = await validatePostgres(
      'ALTER TABLE usres ADD COLUMN email text;\nCREATE INDEX i ON users (nope);\nALTER TABLE IF EXISTS ghost ADD COLUMN a int;\nALTER TABLE users DROP COLUMN IF EXISTS nope;',
      { rules: [], catalog: { history: [{ sql: 'CREATE TABLE users (id bigint PRIMARY KEY, name text);' }] } },
    );
    expect(report.findings.map((f) => [f.ruleId, f.span.start.line])).toEqual([
      ['unknown-table', 1],
      ['unknown-column', 2],
    ]);
    const catalogs = await validatePostgres(
      "UPDATE pg_index SET indisvalid = true WHERE indexrelid = 'i'::regclass;\nUPDATE pg_catalog.pg_class SET relname = relname WHERE false;\nSELECT * FROM information_schema.tables;\nDELETE FROM schema_migrations WHERE version = '1';\nUPDATE _prisma_migrations SET finished_at = now();\nCREATE TRIGGER forbid BEFORE INSERT ON __diesel_schema_migrations EXECUTE FUNCTION f();\nDELETE FROM sqitch.changes;",
      { rules: [], catalog: { history: [{ sql: 'CREATE TABLE users (id bigint PRIMARY KEY);' }] } },
    );
    expect(catalogs.findings, "system catalogs and migration tools' own tables are not unknown").toEqual([]);
    // PostgreSQL adds a statement's columns before its constraints, SET NOT NULL and SET DEFAULT (checked on the
    // server): Prisma writes DROP COLUMN, ADD COLUMN "id", ADD PRIMARY KEY ("id") in one ALTER. A type change or
    // DROP NOT NULL runs before the columns are added, so there the column must already exist.
    const sameStatement = await validatePostgres(
      'ALTER TABLE users DROP COLUMN name, ADD COLUMN uid int NOT NULL, ADD CONSTRAINT users_uid_key UNIQUE (uid), ALTER COLUMN uid SET DEFAULT 0, ALTER COLUMN uid SET NOT NULL;\nALTER TABLE users ALTER COLUMN code TYPE bigint, ADD COLUMN code int;\nALTER TABLE users ALTER COLUMN tag DROP NOT NULL, ADD COLUMN tag text;',
      { rules: [], catalog: { history: [{ sql: 'CREATE TABLE users (id bigint PRIMARY KEY, name text);' }] } },
    );
    expect(sameStatement.findings.map((f) => [f.ruleId, f.span.start.line, f.message.slice(0, 11)])).toEqual([
      ['unknown-column', 2, 'Column code'],
      ['unknown-column', 3, 'Column tag '],
    ]);
    const noSchema = await validatePostgres('ALTER TABLE usres ADD COLUMN email text;', { rules: [] });
    expect(noSchema.findings).toEqual([]);
  });

  it('a rule that throws is reported in ruleErrors and the others still run', async () => {
    const broken: Rule = {
      ...probe().rule,
      meta: { ...probe().rule.meta, id: 'test-broken' },
      check: () => {
        throw new Error('boom');
      },
    };
    const report = await validatePostgres('ALTER TABLE big ADD COLUMN x int;', { rules: [broken, flagAlter] });
    expect(report.ruleErrors[0]).toContain('test-broken failed on statement 1 (line 1): boom');
    expect(report.findings).toHaveLength(1);
  });

  it('a syntax error stops the check there: statements before it are checked, the error is at line:col with a caret', async () => {
    const report = await validatePostgres(
      'ALTER TABLE t DROP COLUMN a;\nSELECT 1;\nALTER TABLE t ADD COLUMN;\nDROP TABLE t;',
      { file: 'bad.sql' },
    );
    expect(report.statementCount).toBe(2);
    expect(report.findings.map((finding) => finding.span.start.line)).toContain(1);
    expect(report.notFullyChecked).toMatchObject({ code: 'sql-syntax', line: 3, column: 25, uncheckedFrom: 3 });
    expect(report.notFullyChecked?.what).toContain('PostgreSQL syntax error: syntax error at or near ";"');
    expect(report.notFullyChecked?.what).toContain('    ALTER TABLE t ADD COLUMN;\n                            ^');
  });

  it('syntax error columns are right after non-ASCII text', async () => {
    const report = await validatePostgres("SELECT 'é🚀'; ALTER TABLE t ADD COLUMN;");
    expect(report.notFullyChecked).toMatchObject({ line: 1, column: 39, uncheckedFrom: 1 });
    expect(report.statementCount).toBe(1);
  });
});

describe('lock summaries of queries', () => {
  const tables = 'CREATE TABLE t (id bigint PRIMARY KEY, a int);\nCREATE SEQUENCE s;\n';
  const summarized = async (sql: string) =>
    (await validatePostgres(sql, { catalog: { history: [{ sql: tables }] } })).locks.map((summary) => [
      summary.text,
      summary.locks.map((lock) => `${lock.table} ${lock.mode}`),
    ]);

  it("leave out a plain SELECT's read locks, and keep FOR UPDATE, setval() and INSERT … SELECT", async () => {
    expect(await summarized('SELECT count(*) FROM t;')).toEqual([]);
    expect(await summarized('SELECT * FROM t FOR UPDATE;')).toEqual([['SELECT * FROM t FOR UPDATE', ['t ROW SHARE']]]);
    expect(await summarized("SELECT setval('s', 10);")).toEqual([["SELECT setval('s', 10)", ['s ROW EXCLUSIVE']]]);
    expect(await summarized('INSERT INTO t (id) SELECT id + 1 FROM t;')).toEqual([
      ['INSERT INTO t (id) SELECT id + 1 FROM t', ['t ROW EXCLUSIVE', 't ACCESS SHARE']],
    ]);
  });

  it('name the sequence of a serial column an INSERT fills by default, unless its table is new in the transaction', async () => {
    const serial = 'CREATE TABLE e (id serial PRIMARY KEY, v int);\n';
    expect(await summarized(`BEGIN;\n${serial}INSERT INTO e (v) VALUES (1);\nCOMMIT;`)).toEqual([]);
    expect(await summarized(`${serial}INSERT INTO e (v) VALUES (1);\nINSERT INTO e VALUES (7, 1);`)).toEqual([
      ['INSERT INTO e (v) VALUES (1)', ['e ROW EXCLUSIVE', 'e_id_seq ROW EXCLUSIVE']],
      ['INSERT INTO e VALUES (7, 1)', ['e ROW EXCLUSIVE']],
    ]);
  });
});
