import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { baselineCache } from '../../src/shadow/baseline-cache.js';
import { releaseWarmPglite } from '../../src/shadow/pglite.js';
import {
  contribModulesFor,
  embeddedExtensionNames,
  extensionsCreatedIn,
  loadContribModules,
} from '../../src/shadow/pglite-extensions.js';
import { rehearseMigration } from '../../src/shadow/rehearse.js';
import { migrationFromSql } from '../../src/shadow/statements.js';

afterAll(async () => {
  await baselineCache.clear();
  await releaseWarmPglite();
});

describe('which extensions a rehearsal loads', () => {
  it('reads the names CREATE EXTENSION statements create, as PostgreSQL folds them', () => {
    expect(
      extensionsCreatedIn([
        'CREATE EXTENSION IF NOT EXISTS pgcrypto;\ncreate extension "uuid-ossp" WITH SCHEMA public;',
        'CREATE EXTENSION LTREE CASCADE; CREATE TABLE t (id int)',
        'DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm; END $$;',
      ]),
    ).toEqual(['ltree', 'pg_trgm', 'pgcrypto', 'uuid-ossp']);
  });

  it('loads the bundle that ships an extension, with what it requires', () => {
    expect(contribModulesFor(['uuid-ossp', 'earthdistance', 'refint', 'vector', 'plpgsql'])).toEqual([
      'cube',
      'earthdistance',
      'moddatetime',
      'uuid_ossp',
    ]);
  });

  it('every extension it claims really is created by the installed PGlite', async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const names = embeddedExtensionNames();
    const db = await PGlite.create({ extensions: await loadContribModules(contribModulesFor(names)) });
    try {
      for (const name of names) await db.exec(`CREATE EXTENSION IF NOT EXISTS "${name}" CASCADE`);
      const { rows } = await db.query<{ extname: string }>('SELECT extname FROM pg_extension ORDER BY 1');
      expect(rows.map((row) => row.extname)).toEqual(names);
    } finally {
      await db.close();
    }
  }, 120_000);
});

describe('rehearsing migrations that create extensions on PGlite', () => {
  it('creates pgcrypto, uuid-ossp, ltree, pg_trgm, citext and hstore, and round-trips', async () => {
    const migration = await migrationFromSql({
      id: '0002_extensions',
      path: 'migrations/0002_extensions.sql',
      engine: 'postgresql',
      up: `CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE EXTENSION IF NOT EXISTS ltree;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS hstore;
CREATE TABLE documents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  legacy_id uuid DEFAULT uuid_generate_v4(),
  path ltree,
  email citext,
  attributes hstore
);
CREATE INDEX documents_email_trgm ON documents USING gin ((email::text) gin_trgm_ops);`,
      down: `DROP TABLE documents;
DROP EXTENSION hstore;
DROP EXTENSION citext;
DROP EXTENSION pg_trgm;
DROP EXTENSION ltree;
DROP EXTENSION "uuid-ossp";
DROP EXTENSION pgcrypto;`,
    });
    const report = await rehearseMigration({
      engine: 'postgresql',
      migration,
      baseline: { kind: 'none' },
      rowsPerTable: 10,
    });
    expect(report.failure).toBeUndefined();
    expect(report.outcome).toBe('passed');
    expect(report.roundTrip.status).toBe('passed');
  }, 120_000);

  it('replays an earlier migration that creates an extension, also from the baseline cache', async () => {
    const earlier = await migrationFromSql({
      id: '0001_crypto',
      path: 'migrations/0001_crypto.sql',
      engine: 'postgresql',
      up: 'CREATE EXTENSION IF NOT EXISTS pgcrypto;\nCREATE TABLE tokens (id int PRIMARY KEY, secret bytea);',
    });
    const migration = await migrationFromSql({
      id: '0002_digest',
      path: 'migrations/0002_digest.sql',
      engine: 'postgresql',
      up: "ALTER TABLE tokens ADD COLUMN digest text;\nUPDATE tokens SET digest = encode(digest(coalesce(secret, ''::bytea), 'sha256'), 'hex');",
      down: 'ALTER TABLE tokens DROP COLUMN digest;',
    });
    const options = {
      engine: 'postgresql' as const,
      migration,
      baseline: { kind: 'migrations' as const, migrations: [earlier] },
      rowsPerTable: 20,
      cacheBaseline: true,
    };
    const first = await rehearseMigration(options);
    expect(first.failure).toBeUndefined();
    expect(first.outcome).toBe('passed');
    const second = await rehearseMigration(options);
    expect(second.baseline.cached).toBe(true);
    expect(second.outcome).toBe('passed');
    expect(second.steps.find((step) => step.phase === 'up' && step.index === 2)?.rowsAffected).toBe(20);
  }, 120_000);

  it('an extension PGlite lacks in the migration: "not available in the embedded database: pass shadowUrl"', async () => {
    const migration = await migrationFromSql({
      id: '0003_vector',
      path: 'migrations/0003_vector.sql',
      engine: 'postgresql',
      up: 'CREATE EXTENSION IF NOT EXISTS vector;\nCREATE TABLE items (embedding vector(3));',
    });
    const report = await rehearseMigration({ engine: 'postgresql', migration, baseline: { kind: 'none' } });
    expect(report.outcome).toBe('failed');
    expect(report.failure?.location).toBe('migrations/0003_vector.sql:1:1');
    expect(report.failure?.message).toMatch(
      /extension "vector" is not available in the embedded database \(PGlite ships .*pgcrypto.*\): pass shadowUrl/,
    );
  }, 120_000);

  it('an extension PGlite lacks in an earlier migration is not blamed on that migration', async () => {
    const earlier = await migrationFromSql({
      id: '0001_postgis',
      path: 'migrations/0001_postgis.sql',
      engine: 'postgresql',
      up: 'CREATE TABLE places (id int);\nCREATE EXTENSION postgis;',
    });
    const migration = await migrationFromSql({
      id: '0002',
      path: 'migrations/0002.sql',
      engine: 'postgresql',
      up: 'ALTER TABLE places ADD COLUMN name text;',
    });
    const attempt = rehearseMigration({
      engine: 'postgresql',
      migration,
      baseline: { kind: 'migrations', migrations: [earlier] },
    });
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    const error = (await attempt.catch((caught: unknown) => caught)) as UserError;
    expect(error.code).toBe('shadow-limitation');
    expect(error.where).toMatchObject({ file: 'migrations/0001_postgis.sql', line: 2 });
    expect(error.what).toMatch(/extension "postgis" is not available in the embedded database/);
    expect(error.fix).toMatch(/shadowUrl/);
    expect(error.message).not.toMatch(/Fix the earlier migration/);
  }, 120_000);
});
