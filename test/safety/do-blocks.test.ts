import { describe, expect, it } from 'vitest';
import { validatePostgres } from '../../src/safety/engine.js';
import type { Finding } from '../../src/safety/types.js';
import { runCli } from '../helpers/cli.js';
import { tempProject } from '../helpers/temp-project.js';

/**
 * What a DO block runs is checked as statements of their own (supabase/auth adds columns, keys and indexes in
 * DO blocks; older drizzle-kit wraps every foreign key in one): before, a DO block was one statement nothing
 * looked into, so its index builds and key validations drew no finding and the catalog never learned its changes.
 */
const HISTORY = {
  history: [
    {
      file: '001_init.sql',
      sql: 'CREATE TABLE users (id bigint PRIMARY KEY, email text, confirmed_at timestamptz);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n',
    },
  ],
};

async function check(sql: string, assumeInTransaction = false) {
  return validatePostgres(sql, { file: '002.sql', catalog: HISTORY, assumeInTransaction });
}

function at(findings: Finding[], ruleId: string): Array<[number, number]> {
  return findings
    .filter((finding) => finding.ruleId === ruleId)
    .map((finding) => [finding.span.start.line, finding.span.start.column]);
}

describe('statements run by a DO block', () => {
  it('are checked at their own line and column, under the DO statement’s index and text', async () => {
    const sql = [
      'do $$',
      'begin',
      '   alter table users add column if not exists is_anonymous boolean not null default false;',
      '   create index if not exists users_is_anonymous_idx on users using btree (is_anonymous);',
      "   execute 'create index if not exists users_email_idx on users (email)';",
      'end',
      '$$;',
    ].join('\n');
    const report = await check(sql);
    expect(at(report.findings, 'require-concurrent-index-creation')).toEqual([
      [4, 4],
      [5, 13],
    ]);
    const finding = report.findings.find((candidate) => candidate.ruleId === 'require-concurrent-index-creation');
    expect(finding?.statementIndex).toBe(0);
    expect(finding?.statement).toBe(sql.replace(/;$/, ''));
    expect(report.statementCount).toBe(1);
    // The block is one implicit transaction: the ADD COLUMN's ACCESS EXCLUSIVE is still held by the index builds,
    // which the index findings say (one finding per problem: statement-after-access-exclusive leaves them).
    expect(finding?.message).toMatch(/holds it ACCESS EXCLUSIVE: reads and writes wait until the index is built/);
    expect(at(report.findings, 'statement-after-access-exclusive')).toEqual([]);
    expect(report.locks.map((summary) => [summary.span.start.line, summary.locks.map((lock) => lock.mode)])).toEqual([
      [3, ['ACCESS EXCLUSIVE']],
      [4, ['SHARE']],
      [5, ['SHARE']],
    ]);
  });

  it('teach the catalog: a foreign key added under an exception handler is known, and needs no IF NOT EXISTS', async () => {
    const report = await check(
      [
        'DO $$ BEGIN',
        ' ALTER TABLE "orders" ADD CONSTRAINT "orders_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id");',
        ' CREATE INDEX orders_user_id_idx ON orders (user_id);',
        'EXCEPTION',
        ' WHEN duplicate_object THEN null;',
        'END $$;',
        'ALTER TABLE orders DROP CONSTRAINT orders_user_id_fk;',
      ].join('\n'),
    );
    expect(at(report.findings, 'foreign-key-not-valid')).toEqual([[2, 2]]);
    const dropped = report.findings.find((finding) => finding.ruleId === 'drop-constraint');
    expect(dropped?.message).toContain('foreign key orders_user_id_fk');
    expect(at(report.findings, 'combine-alter-table')).toEqual([]);
    const idempotent = report.checklist.find((item) => item.id === 'idempotent');
    expect(idempotent?.evidence.join('\n')).not.toContain('orders_user_id_idx');
    expect(idempotent?.evidence.join('\n')).toContain('line 7: DROP CONSTRAINT orders_user_id_fk');
  });

  it('a rename under IF leaves the old column uncertain: no unknown-column claim either way', async () => {
    const report = await check(
      [
        'DO $$',
        'BEGIN',
        "  IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'email_confirmed_at') THEN",
        '    ALTER TABLE users RENAME COLUMN confirmed_at TO email_confirmed_at;',
        '  END IF;',
        'END $$;',
        'CREATE INDEX IF NOT EXISTS users_email_confirmed_at_idx ON users (email_confirmed_at);',
        'CREATE INDEX IF NOT EXISTS users_confirmed_at_idx ON users (confirmed_at);',
        'CREATE INDEX IF NOT EXISTS users_missing_idx ON orders (no_such_column);',
      ].join('\n'),
      true,
    );
    expect(at(report.findings, 'rename-column')).toEqual([[4, 5]]);
    // The column known not to exist on a table the block did not touch is still reported.
    expect(at(report.findings, 'unknown-column')).toEqual([[9, 1]]);
  });

  it('schema changes built at run time make what follows unknown, said nowhere as a missing column', async () => {
    const report = await check(
      [
        'DO $$',
        'BEGIN',
        "  EXECUTE format('ALTER TABLE %I ADD COLUMN tenant_id bigint', 'orders');",
        'END $$;',
        'CREATE INDEX IF NOT EXISTS orders_tenant_id_idx ON orders (tenant_id);',
      ].join('\n'),
      true,
    );
    expect(at(report.findings, 'unknown-column')).toEqual([]);
    // Said once, where the EXECUTE is: what the block builds at run time is not checked.
    expect(at(report.findings, 'dynamic-sql')).toEqual([[3, 11]]);
    expect(report.findings.find((finding) => finding.ruleId === 'dynamic-sql')?.message).toContain(
      "EXECUTE format('ALTER TABLE %I ADD COLUMN tenant_id bigint', 'orders')",
    );
  });

  it('EXECUTE of a variable whose text the block builds from schema DDL is dynamic SQL too', async () => {
    const report = await check(
      [
        'DO $$',
        'DECLARE drop_sql text;',
        'BEGIN',
        "  SELECT concat('ALTER TABLE orders DROP CONSTRAINT ', conname) INTO drop_sql FROM pg_constraint LIMIT 1;",
        '  EXECUTE drop_sql;',
        'END $$;',
      ].join('\n'),
      true,
    );
    expect(at(report.findings, 'dynamic-sql')).toEqual([[5, 11]]);
  });

  it('roles and grants built at run time change no table: the schema stays known', async () => {
    const report = await check(
      [
        'DO $$',
        "DECLARE anon_role text := 'anon';",
        'BEGIN',
        "  EXECUTE 'CREATE ROLE ' || anon_role || ' NOLOGIN NOINHERIT';",
        "  EXECUTE 'GRANT USAGE ON SCHEMA public TO ' || anon_role;",
        'END $$;',
        'CREATE INDEX IF NOT EXISTS orders_nope_idx ON orders (nope);',
      ].join('\n'),
      true,
    );
    expect(at(report.findings, 'dynamic-sql')).toEqual([]);
    expect(at(report.findings, 'unknown-column')).toEqual([[7, 1]]);
  });

  it('a block in another language, or one PL/pgSQL rejects, stays one statement without a crash', async () => {
    for (const sql of [
      "DO LANGUAGE plpython3u $$ plpy.execute('ALTER TABLE users ADD COLUMN x int') $$;",
      'DO $$ BEGIN ALTER TABLE users ADD COLUMN x int END $$;',
      "DO 'BEGIN ALTER TABLE users ADD COLUMN x int; END';",
    ]) {
      const report = await check(sql, true);
      expect(report.statementCount, sql).toBe(1);
      expect(report.ruleErrors ?? [], sql).toEqual([]);
    }
  });
});

describe('a Go-templated migration (supabase/auth)', () => {
  const { root, write } = tempProject('dma-templated-do-');
  write(
    'migrations/20210101000000_init.up.sql',
    'CREATE TABLE IF NOT EXISTS {{ index .Options "Namespace" }}.users (id uuid PRIMARY KEY, email text);\n',
  );
  write(
    'migrations/20210102000000_add_index.up.sql',
    [
      '-- indexes the email column',
      '',
      'do $$',
      'begin',
      '  create index if not exists users_email_idx on {{ index .Options "Namespace" }}.users (email);',
      'end $$;',
      '',
    ].join('\n'),
  );

  it('reports findings at the lines of its file, inside the DO block too', async () => {
    const { out } = await runCli(['check', '--format', 'json'], { cwd: root });
    const result = JSON.parse(out) as { files: Array<{ file: string; findings: Finding[] }> };
    const file = result.files.find((candidate) => candidate.file.endsWith('_add_index.up.sql'));
    expect(at(file?.findings ?? [], 'require-concurrent-index-creation').map(([line]) => line)).toEqual([5]);
  });
});

describe('SQL a DO block builds at run time', () => {
  // supabase/storage: EXECUTE 'ALTER table "storage".objects owner to ' || super_user, then DROP COLUMN IF EXISTS of
  // a column no migration created.
  const block = (execute: string) =>
    [
      'DO $$',
      'DECLARE',
      "  owner_name text = 'postgres';",
      'BEGIN',
      `  EXECUTE ${execute};`,
      'END',
      '$$;',
      'ALTER TABLE users DROP COLUMN IF EXISTS legacy_flag;',
    ].join('\n');

  it('leaves the schema known when what it builds only grants, owns or sets roles', async () => {
    const report = await check(block("'ALTER TABLE users OWNER TO ' || owner_name"));
    expect(report.findings.find((f) => f.ruleId === 'dynamic-sql')?.message).toContain(
      'the schema after it stays known',
    );
    // The column is known not to exist: IF EXISTS drops nothing.
    expect(report.findings.filter((f) => f.ruleId === 'drop-column')).toEqual([]);
    const grant = await check(block("'GRANT SELECT ON users TO ' || quote_ident(owner_name)"));
    expect(grant.findings.filter((f) => f.ruleId === 'drop-column')).toEqual([]);
  });

  it('forgets the schema when it may change a table', async () => {
    const report = await check(block("'ALTER TABLE ' || owner_name || ' ADD COLUMN legacy_flag boolean'"));
    expect(report.findings.find((f) => f.ruleId === 'dynamic-sql')?.message).toContain(
      'the schema after it is not fully known',
    );
    expect(report.findings.filter((f) => f.ruleId === 'drop-column')).toHaveLength(1);
    const format = await check(block("format('ALTER TABLE users OWNER TO %I', owner_name)"));
    expect(format.findings.filter((f) => f.ruleId === 'drop-column')).toHaveLength(1);
  });
});

describe('a policy a DO block creates at run time (windmill-labs/windmill)', () => {
  // 20230131143413_more_folders_privilege: PostgreSQL 15 holds ACCESS EXCLUSIVE on every table of the array after
  // the block (pg_locks), as after a CREATE POLICY written out; it was left out of the report without a word.
  const loop = (execute: string) =>
    [
      'DO $do$',
      'DECLARE i text;',
      'BEGIN',
      "  FOREACH i IN ARRAY array['users', 'orders'] LOOP",
      `    EXECUTE ${execute};`,
      '  END LOOP;',
      'END $do$;',
      'ALTER TABLE users DROP COLUMN IF EXISTS legacy_flag;',
    ].join('\n');

  it('is said once: its locks are not checked, and the schema stays known', async () => {
    const report = await check(loop("format('CREATE POLICY see_own ON %1$I FOR ALL USING (true)', i)"), true);
    expect(at(report.findings, 'dynamic-sql')).toEqual([[5, 13]]);
    expect(report.findings.find((f) => f.ruleId === 'dynamic-sql')?.message).toContain(
      'its locks and hazards are not checked',
    );
    // A policy changes no column: the column is still known not to exist, so IF EXISTS drops nothing.
    expect(report.findings.filter((f) => f.ruleId === 'drop-column')).toEqual([]);
  });

  it('a policy, dropped or created, changes no table: the schema stays known', async () => {
    for (const execute of ["'CREATE POLICY see_own ON ' || i || ' USING (true)'", "'DROP POLICY see_own ON ' || i"]) {
      const report = await check(loop(execute), true);
      expect(report.findings.find((f) => f.ruleId === 'dynamic-sql')?.message).toContain(
        'the schema after it stays known',
      );
      // The column is known not to exist: IF EXISTS drops nothing.
      expect(report.findings.filter((f) => f.ruleId === 'drop-column')).toEqual([]);
    }
  });

  it('grants built at run time lock no table and stay unlisted', async () => {
    const report = await check(loop("format('GRANT SELECT ON %I TO windmill_user', i)"), true);
    expect(at(report.findings, 'dynamic-sql')).toEqual([]);
  });
});

describe('statements a DO block runs only under a condition', () => {
  // supabase/storage 0014: a conditional rename of one column of buckets left every column of it in doubt, so a
  // later DROP COLUMN IF EXISTS of a column no migration ever made was reported as losing data.
  it('leave only the columns they name in doubt', async () => {
    const sql = [
      'DO $$',
      'BEGIN',
      "  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE column_name = 'email') THEN",
      '    ALTER TABLE users RENAME COLUMN email TO email_address;',
      '  END IF;',
      'END$$;',
      'ALTER TABLE users DROP COLUMN IF EXISTS legacy_flag;',
      'ALTER TABLE users DROP COLUMN IF EXISTS email;',
    ].join('\n');
    const report = await check(sql);
    const drops = report.findings.filter((f) => f.ruleId === 'drop-column');
    // legacy_flag never existed; email may still exist (the rename may not have run).
    expect(drops.map((f) => f.span.start.line)).toEqual([8]);
  });
});

describe('what a DO block reads and writes around INTO, loops, cursors and PERFORM (goharbor/harbor)', () => {
  const COPY = {
    history: [
      {
        file: '001_init.sql',
        sql: 'CREATE TABLE src (id int);\nCREATE TABLE dst (id serial PRIMARY KEY, v int NOT NULL);\n',
      },
    ],
  };
  const checkCopy = (sql: string) => validatePostgres(sql, { file: '002.sql', catalog: COPY });
  const summaries = (report: Awaited<ReturnType<typeof checkCopy>>) =>
    report.locks.map((summary) => [
      `${summary.span.start.line}:${summary.span.start.column}`,
      summary.text,
      summary.locks.map((lock) => `${lock.table} ${lock.mode}`),
    ]);

  it('checks an INSERT … RETURNING … INTO like the INSERT, and the loop’s query as a read', async () => {
    // Before, the INSERT was taken for a SELECT … INTO and dropped, and the loop's query was never read: no locks.
    const report = await checkCopy(
      [
        'DO $$',
        'DECLARE r record; x int;',
        'BEGIN',
        '  FOR r IN SELECT * FROM src LOOP',
        '    INSERT INTO dst (v) VALUES (r.id) RETURNING id INTO x;',
        '  END LOOP;',
        'END $$;',
      ].join('\n'),
    );
    expect(summaries(report)).toEqual([
      ['4:12', 'SELECT * FROM src', ['src ACCESS SHARE']],
      ['5:5', 'INSERT INTO dst (v) VALUES (r.id) RETURNING id', ['dst ROW EXCLUSIVE', 'dst_id_seq ROW EXCLUSIVE']],
    ]);
  });

  it('places SELECT … INTO, UPDATE and DELETE … RETURNING … INTO, PERFORM and cursors where they are written', async () => {
    const report = await checkCopy(
      [
        'DO $$',
        'DECLARE',
        '  r record; x int; n int; c2 refcursor;',
        '  c CURSOR FOR SELECT id FROM src WHERE id > 0;',
        'BEGIN',
        '  SELECT INTO n count(*) FROM src;',
        '  PERFORM * FROM dst;',
        '  FOR r IN c LOOP',
        '    UPDATE dst SET v = r.id WHERE id = r.id RETURNING v INTO STRICT x;',
        '  END LOOP;',
        '  OPEN c2 FOR SELECT * FROM src FOR UPDATE;',
        "  FOR r IN EXECUTE 'SELECT * FROM dst' LOOP",
        '    DELETE FROM dst WHERE id = r.id RETURNING v INTO x;',
        '  END LOOP;',
        'END $$;',
      ].join('\n'),
    );
    expect(summaries(report)).toEqual([
      ['6:3', 'SELECT INTO n count(*) FROM src', ['src ACCESS SHARE']],
      ['7:3', 'PERFORM * FROM dst', ['dst ACCESS SHARE']],
      ['4:16', 'SELECT id FROM src WHERE id > 0', ['src ACCESS SHARE']],
      ['9:5', 'UPDATE dst SET v = r.id WHERE id = r.id RETURNING v', ['dst ROW EXCLUSIVE']],
      ['11:15', 'SELECT * FROM src FOR UPDATE', ['src ROW SHARE']],
      ['12:21', 'SELECT * FROM dst', ['dst ACCESS SHARE']],
      ['13:5', 'DELETE FROM dst WHERE id = r.id RETURNING v', ['dst ROW EXCLUSIVE']],
    ]);
    expect(report.ruleErrors ?? []).toEqual([]);
  });

  it('leaves reads of PostgreSQL’s catalogs out of the lock summary', async () => {
    const report = await checkCopy(
      "DO $$ DECLARE n int; BEGIN SELECT count(*) INTO n FROM pg_constraint WHERE conname = 'dst_pkey'; END $$;",
    );
    expect(summaries(report)).toEqual([]);
  });

  it('a DELETE in a loop body may not run: the table is not known to be empty', async () => {
    const run = (body: string) =>
      checkCopy(
        [
          'BEGIN;',
          `DO $$ DECLARE r record; BEGIN ${body} END $$;`,
          'ALTER TABLE dst ADD COLUMN w int NOT NULL;',
          'COMMIT;',
        ].join('\n'),
      );
    const notNull = (report: Awaited<ReturnType<typeof checkCopy>>) =>
      report.findings.filter((finding) => finding.ruleId === 'add-column-not-null-without-default').length;
    expect(notNull(await run('DELETE FROM dst;'))).toBe(0);
    expect(notNull(await run('FOR r IN SELECT * FROM src LOOP DELETE FROM dst; END LOOP;'))).toBe(1);
    expect(notNull(await run('IF random() > 0.5 THEN DELETE FROM dst; END IF;'))).toBe(1);
  });

  it('a column a loop body drops may still be there after it', async () => {
    const after = 'CREATE INDEX IF NOT EXISTS users_confirmed_at_idx ON users (confirmed_at);';
    const unconditional = await check(
      `DO $$ BEGIN ALTER TABLE users DROP COLUMN confirmed_at; END $$;\n${after}`,
      true,
    );
    expect(at(unconditional.findings, 'unknown-column')).toEqual([[2, 1]]);
    const looped = await check(
      `DO $$ DECLARE r record; BEGIN FOR r IN SELECT * FROM orders LOOP ALTER TABLE users DROP COLUMN IF EXISTS confirmed_at; END LOOP; END $$;\n${after}`,
      true,
    );
    expect(at(looped.findings, 'unknown-column')).toEqual([]);
  });
});

describe('statements after an early RETURN', () => {
  it('may not run: the column they rename may still be there', async () => {
    const report = await check(
      [
        'DO $$',
        'BEGIN',
        "  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'email_address') THEN",
        '    RETURN;',
        '  END IF;',
        '  ALTER TABLE users RENAME COLUMN email TO email_address;',
        'END $$;',
        'ALTER TABLE users DROP COLUMN IF EXISTS email;',
      ].join('\n'),
    );
    expect(report.findings.filter((f) => f.ruleId === 'drop-column').map((f) => f.span.start.line)).toEqual([8]);
  });
});
