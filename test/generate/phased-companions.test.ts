import { describe, expect, it } from 'vitest';
import { compareSchemas } from '../../src/schema/compare.js';
import {
  applyDown,
  applyUp,
  differenceFrom,
  engineOf,
  generateConfirmed,
  makeProject,
  openTarget,
  rehearsals,
  rehearsalsPassed,
  removeProject,
  TARGETS,
  type Target,
} from './helpers.js';

/**
 * A phased rename of a column that carries a unique index, a foreign key and a CHECK: after every phase has run
 * on a database holding rows, the new column has the same objects (named after it) and the old ones are gone with
 * the old column; rolling back restores the old column with its objects exactly; no row is lost either way.
 */

const ROWS = 30;

const ACCOUNTS = 'CREATE TABLE accounts (id integer PRIMARY KEY)';

function profilesSql(column: string): string[] {
  return [
    `CREATE TABLE profiles (id integer PRIMARY KEY, ${column} integer NOT NULL, ` +
      `CONSTRAINT profiles_${column}_fkey FOREIGN KEY (${column}) REFERENCES accounts (id), ` +
      `CONSTRAINT profiles_${column}_check CHECK (${column} > 0))`,
    `CREATE UNIQUE INDEX profiles_${column}_key ON profiles (${column})`,
  ];
}

function sqliteProfilesSql(column: string): string[] {
  // SQLite keeps CREATE texts as written: the generated rebuild quotes every name.
  return [
    `CREATE TABLE "profiles" ("id" integer NOT NULL, "${column}" integer NOT NULL, PRIMARY KEY ("id"), ` +
      `CONSTRAINT "profiles_${column}_check" CHECK (${column} > 0), ` +
      `CONSTRAINT "profiles_${column}_fkey" FOREIGN KEY ("${column}") REFERENCES "accounts" ("id"))`,
    `CREATE UNIQUE INDEX "profiles_${column}_key" ON "profiles" ("${column}")`,
  ];
}

function rows(): string[] {
  const ids = Array.from({ length: ROWS }, (_, index) => index + 1);
  return [
    `INSERT INTO accounts (id) VALUES ${ids.map((id) => `(${id})`).join(', ')}`,
    `INSERT INTO profiles (id, owner_id) VALUES ${ids.map((id) => `(${id}, ${ROWS + 1 - id})`).join(', ')}`,
  ];
}

/** A plain SQL project whose one migration creates accounts and profiles (owner_id with its three objects). */
function profilesProject(): string {
  return makeProject({
    'migrations/001_create_profiles.sql': `${[ACCOUNTS, ...profilesSql('owner_id')].join(';\n')};\n`,
    'migrations/down/001_create_profiles.sql': 'DROP TABLE profiles;\nDROP TABLE accounts;\n',
  });
}

describe.each(TARGETS)('phased rename keeps the column’s index, foreign key and CHECK on %s', (target: Target) => {
  it('recreates them on the new column, drops the old ones, rolls back exactly, loses no row', {
    timeout: 300_000,
  }, async () => {
    const db = await openTarget(target);
    if (!db) return;
    const root = profilesProject();
    const engine = engineOf(target);
    try {
      const result = await generateConfirmed(
        target,
        root,
        [{ op: 'rename_column', table: 'profiles', from: 'owner_id', to: 'account_id' }],
        10,
      );
      expect(rehearsals(result)).toEqual(rehearsalsPassed(result));
      if (engine === 'postgresql') {
        const index = result.drafts.find((draft) => draft.phase?.label === 'index');
        expect(index?.transactional).toBe(false);
        expect(index?.up).toEqual([
          'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS profiles_account_id_key ON profiles (account_id)',
        ]);
        const expand = result.drafts[0]?.up ?? [];
        // The transaction's own lock_timeout, which validate_safety counts as set.
        expect(expand[0]).toBe("SET LOCAL lock_timeout = '5000ms'");
        const findings = result.validation.flatMap((item) => item.findings.map((finding) => finding.ruleId));
        expect(findings).not.toContain('require-lock-timeout');
        expect(expand).toContain(
          'ALTER TABLE profiles ADD CONSTRAINT profiles_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID',
        );
        expect(expand.some((sql) => /profiles_account_id_check CHECK .* NOT VALID$/.test(sql))).toBe(true);
        const validate = result.drafts.find((draft) => draft.name === 'validate_profiles_account_id_constraints');
        expect(validate?.up).toContain('ALTER TABLE profiles VALIDATE CONSTRAINT profiles_account_id_fkey');
        expect(result.drafts.map((draft) => draft.phase?.label)).toEqual([
          'expand',
          'index',
          'backfill',
          'validate',
          'validate',
          'contract',
        ]);
      }

      await applyUp(db, root, 'migrations', engine, 0, 1);
      for (const statement of rows()) await db.exec(statement);
      const before = await db.introspect();
      await applyUp(db, root, 'migrations', engine, 1);
      const intended = target === 'sqlite' ? sqliteProfilesSql('account_id') : profilesSql('account_id');
      expect(await differenceFrom(db, target, [ACCOUNTS, ...intended])).toEqual([]);
      const moved = await db.query<{ id: number; account_id: number }>(
        'SELECT id, account_id FROM profiles ORDER BY id',
      );
      expect(moved.map((row) => [Number(row.id), Number(row.account_id)])).toEqual(
        Array.from({ length: ROWS }, (_, index) => [index + 1, ROWS - index]),
      );

      await applyDown(db, root, 'migrations', engine, result.drafts.length);
      expect(compareSchemas(before, await db.introspect())).toEqual([]);
      const back = await db.query<{ id: number; owner_id: number }>('SELECT id, owner_id FROM profiles ORDER BY id');
      expect(back.map((row) => Number(row.owner_id))).toEqual(moved.map((row) => Number(row.account_id)));
    } finally {
      await db.close();
      removeProject(root);
    }
  });
});

describe.each(['postgres-server', 'pglite'] as const)('phased type change on %s', (target) => {
  it('ends with the column’s unique index, foreign key and CHECK under their old names, rows converted', {
    timeout: 300_000,
  }, async () => {
    const db = await openTarget(target);
    if (!db) return;
    const root = profilesProject();
    try {
      const change = { op: 'alter_column', table: 'profiles', column: 'owner_id', type: 'bigint' } as const;
      const result = await generateConfirmed(target, root, [change], 10);
      expect(rehearsals(result)).toEqual(rehearsalsPassed(result));
      await applyUp(db, root, 'migrations', 'postgresql', 0, 1);
      for (const statement of rows()) await db.exec(statement);
      const before = await db.introspect();
      await applyUp(db, root, 'migrations', 'postgresql', 1);
      const intended = profilesSql('owner_id').map((sql) => sql.replace('owner_id integer', 'owner_id bigint'));
      expect(await differenceFrom(db, target, [ACCOUNTS, ...intended])).toEqual([]);
      const converted = await db.query<{ owner_id: string }>('SELECT owner_id FROM profiles ORDER BY id');
      expect(converted.map((row) => Number(row.owner_id))).toEqual(
        Array.from({ length: ROWS }, (_, index) => ROWS - index),
      );
      await applyDown(db, root, 'migrations', 'postgresql', result.drafts.length);
      expect(compareSchemas(before, await db.introspect())).toEqual([]);
    } finally {
      await db.close();
      removeProject(root);
    }
  });
});

/**
 * MariaDB and SQLite: a type change of a column that carries a unique index, a foreign key and a CHECK (a varchar
 * widened, which MariaDB's foreign keys allow) ends with the objects under their old names too — MariaDB renames
 * the index and re-adds the foreign key and CHECK under the old names, SQLite recreates the index and rebuilds the
 * table — and the rollback gives back exactly the schema before.
 */
const CODES = 'CREATE TABLE codes (code varchar(50) PRIMARY KEY)';

function codedSql(target: Target, type: string): string[] {
  if (target === 'sqlite')
    return [
      `CREATE TABLE "coded" ("id" INTEGER PRIMARY KEY, "code" ${type} NOT NULL, ` +
        `CONSTRAINT "coded_code_check" CHECK (code <> ''), ` +
        `FOREIGN KEY ("code") REFERENCES "codes" ("code") ON DELETE NO ACTION ON UPDATE NO ACTION)`,
      'CREATE UNIQUE INDEX "coded_code_key" ON "coded" ("code")',
    ];
  return [
    `CREATE TABLE coded (id integer PRIMARY KEY, code ${type} NOT NULL, ` +
      `CONSTRAINT coded_code_fkey FOREIGN KEY (code) REFERENCES codes (code), ` +
      `CONSTRAINT coded_code_check CHECK (code <> ''))`,
    'CREATE UNIQUE INDEX coded_code_key ON coded (code)',
  ];
}

describe.each(['mariadb', 'sqlite'] as const)('phased type change on %s', (target) => {
  it('ends with the column’s unique index, foreign key and CHECK under their old names, rows kept', {
    timeout: 300_000,
  }, async () => {
    const db = await openTarget(target);
    if (!db) return;
    const engine = engineOf(target);
    const root = makeProject({
      'migrations/001_create_coded.sql': `${[CODES, ...codedSql(target, 'varchar(20)')].join(';\n')};\n`,
      'migrations/down/001_create_coded.sql': 'DROP TABLE coded;\nDROP TABLE codes;\n',
    });
    try {
      const change = { op: 'alter_column', table: 'coded', column: 'code', type: 'varchar(50)' } as const;
      const result = await generateConfirmed(target, root, [change], 10);
      expect(rehearsals(result)).toEqual(rehearsalsPassed(result));
      const contract = result.drafts.find((draft) => draft.phase?.label === 'contract');
      if (target === 'mariadb')
        expect(contract?.up).toContain('ALTER TABLE `coded` RENAME INDEX `coded_code_new_key` TO `coded_code_key`');
      else expect(contract?.up).toContain('CREATE UNIQUE INDEX "coded_code_key" ON "coded" ("code")');
      expect(contract?.up.join('\n')).not.toMatch(/ADD CONSTRAINT \W?coded_code_new/);

      await applyUp(db, root, 'migrations', engine, 0, 1);
      const codes = Array.from({ length: ROWS }, (_, index) => `'c${index + 1}'`);
      await db.exec(`INSERT INTO codes (code) VALUES ${codes.map((code) => `(${code})`).join(', ')}`);
      await db.exec(
        `INSERT INTO coded (id, code) VALUES ${codes.map((code, index) => `(${index + 1}, ${code})`).join(', ')}`,
      );
      const before = await db.introspect();
      await applyUp(db, root, 'migrations', engine, 1);
      expect(await differenceFrom(db, target, [CODES, ...codedSql(target, 'varchar(50)')])).toEqual([]);
      const kept = await db.query<{ code: string }>('SELECT code FROM coded ORDER BY id');
      expect(kept.map((row) => row.code)).toEqual(codes.map((code) => code.slice(1, -1)));
      await applyDown(db, root, 'migrations', engine, result.drafts.length);
      expect(compareSchemas(before, await db.introspect())).toEqual([]);
    } finally {
      await db.close();
      removeProject(root);
    }
  });
});
