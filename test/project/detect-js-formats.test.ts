import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectSetup } from '../../src/project/detect.js';
import { FIXTURES, tempProject } from './helpers.js';

/** The package facts a new migration is written from: tool, engine, folder, order, conventions, commands. */
function detected(name: string) {
  const [setup] = detectSetup(path.join(FIXTURES, name)).packages;
  return {
    orms: setup?.orms.map((orm) => orm.name),
    engine: setup?.engine?.name,
    migrationDirs: setup?.migrationDirs,
    migrations: setup?.migrations.map((migration) => [migration.id, migration.hasDown, migration.transactional]),
    conventions: setup?.conventions,
    commands: Object.fromEntries(
      Object.entries(setup?.commands ?? {}).map(([action, command]) => [action, command.command]),
    ),
  };
}

describe('detectSetup on the JS migration formats', () => {
  it('node-pg-migrate: the -m folder of the script, numeric prefix order, .sql files and noTransaction()', () => {
    expect(detected('sources-node-pg-migrate')).toEqual({
      orms: ['node-pg-migrate'],
      engine: 'postgresql',
      migrationDirs: [{ path: 'migrations', tool: 'node-pg-migrate', count: 5, format: 'node-pg-migrate' }],
      migrations: [
        ['1700000000000', true, true],
        ['1700000000001', true, true],
        ['1700000000002', true, false],
        ['1700000000003', true, true],
        ['1700000000004', false, true],
      ],
      conventions: [
        {
          tool: 'node-pg-migrate',
          naming: '<unix ms>_name',
          example: '1700000000004_audit.js',
          extension: '.js',
          moduleStyle: 'cjs',
          down: 'sometimes',
          transaction:
            'all pending migrations in one transaction (CLI --single-transaction, the default); `pgm.noTransaction()` runs a migration outside it',
        },
      ],
      commands: {
        create: 'npx node-pg-migrate -m migrations create <name>',
        // `npm run migrate` is node-pg-migrate itself without a direction: the convention names `up`.
        apply: 'npx node-pg-migrate -m migrations up',
        rollback: 'npx node-pg-migrate -m migrations down',
      },
    });
  });

  it('Kysely: the migrations folder whose modules import Kysely, in Migrator order', () => {
    expect(detected('sources-kysely')).toMatchObject({
      orms: ['kysely'],
      engine: 'postgresql',
      migrationDirs: [{ path: 'src/db/migrations', tool: 'kysely', count: 3, format: 'kysely' }],
      migrations: [
        ['2024_01_01_create_person', true, true],
        ['2024_01_02_add_pet', true, true],
        ['2024_01_03_backfill', false, true],
      ],
      conventions: [{ tool: 'kysely', naming: 'YYYY_MM_DD_name', extension: '.ts', moduleStyle: 'ts' }],
      commands: { apply: 'npx kysely migrate:latest', rollback: 'npx kysely migrate:down' },
    });
  });

  it('db-migrate: the migrations folder, file-name order, downs that run SQL (not `return null`)', () => {
    expect(detected('sources-db-migrate')).toMatchObject({
      orms: ['db-migrate'],
      engine: 'postgresql',
      migrationDirs: [{ path: 'migrations', tool: 'db-migrate', count: 4, format: 'db-migrate' }],
      migrations: [
        ['20240101120000', true, true],
        ['20240102120000', true, true],
        ['20240103120000', false, true],
        ['20240104120000', true, true],
      ],
      conventions: [{ tool: 'db-migrate', naming: 'YYYYMMDDHHMMSS-name', extension: '.js', moduleStyle: 'cjs' }],
      commands: { apply: 'npm run migrate', rollback: 'npx db-migrate down -m migrations' },
    });
  });

  it('MikroORM: the config pathTs folder, class-name order', () => {
    expect(detected('sources-mikro-orm')).toMatchObject({
      orms: ['mikro-orm'],
      engine: 'postgresql',
      migrationDirs: [{ path: 'src/migrations', tool: 'mikro-orm', count: 3, format: 'mikro-orm' }],
      conventions: [{ tool: 'mikro-orm', naming: 'MigrationYYYYMMDDHHMMSS' }],
    });
  });
  it('TypeORM and Kysely in one package (immich): Kysely modules named <unix ms>-Name.ts stay Kysely', () => {
    const project = tempProject({
      'package.json': JSON.stringify({ dependencies: { typeorm: '^0.3.17', kysely: '^0.28.0', pg: '^8.11.3' } }),
      'src/migrations/1700000000000-CreateUsers.ts': [
        "import { MigrationInterface, QueryRunner } from 'typeorm';",
        'export class CreateUsers1700000000000 implements MigrationInterface {',
        '  async up(queryRunner: QueryRunner) { await queryRunner.query(`CREATE TABLE users (id int)`); }',
        '  async down(queryRunner: QueryRunner) { await queryRunner.query(`DROP TABLE users`); }',
        '}',
      ].join('\n'),
      'src/schema/migrations/1744910873969-AddName.ts': [
        "import { Kysely, sql } from 'kysely';",
        'export async function up(db: Kysely<any>) { await sql`ALTER TABLE users ADD name text`.execute(db); }',
        'export async function down(db: Kysely<any>) { await sql`ALTER TABLE users DROP name`.execute(db); }',
      ].join('\n'),
    });
    try {
      const [setup] = detectSetup(project.dir).packages;
      expect(setup?.migrationDirs.map((dir) => [dir.path, dir.format])).toEqual([
        ['src/migrations', 'typeorm'],
        ['src/schema/migrations', 'kysely'],
      ]);
    } finally {
      project.cleanup();
    }
  });
});
