import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { compareSchemas, renderSchemaChanges } from '../../src/schema/compare.js';
import type { Schema } from '../../src/schema/model.js';
import { prismaSchemaFromFiles, readPrismaSchema } from '../../src/schema/sources/prisma.js';
import { MysqlShadow } from '../../src/shadow/mysql.js';
import { PgliteShadow } from '../../src/shadow/pglite.js';
import { PostgresShadow } from '../../src/shadow/postgres.js';
import { SqliteShadow } from '../../src/shadow/sqlite.js';
import { MYSQL_URL, mysqlAvailable, POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';

/**
 * Each fixture holds a schema.prisma and the migration.sql Prisma Migrate writes for it. The SQL is applied to a
 * real database and introspected; the model read from schema.prisma must equal that introspection exactly.
 */

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const mysql = await mysqlAvailable();
const postgres = await postgresAvailable();

async function migrationOf(fixture: string): Promise<string> {
  return readFile(join(fixtures, fixture, 'migration.sql'), 'utf8');
}

function expectSameSchema(introspected: Schema, fromPrisma: Schema): void {
  const changes = compareSchemas(introspected, fromPrisma);
  expect(renderSchemaChanges(changes)).toBe('no difference');
}

describe('Prisma schema source', () => {
  it('PostgreSQL: equals the introspection of the migration Prisma writes (PGlite)', async () => {
    const { schema, provider, warnings } = await readPrismaSchema(join(fixtures, 'schema-prisma-pg', 'schema.prisma'));
    expect(provider).toBe('postgresql');
    expect(warnings).toEqual([]);
    const db = await PgliteShadow.open();
    try {
      await db.exec(await migrationOf('schema-prisma-pg'));
      expectSameSchema(await db.introspect(), schema);
    } finally {
      await db.close();
    }
    const user = schema.tables.find((table) => table.name === 'User');
    expect(user?.columns.find((column) => column.name === 'id')).toMatchObject({
      type: 'int4',
      default: `nextval('"User_id_seq"'::regclass)`,
      autoIncrement: true,
    });
    expect(user?.columns.find((column) => column.name === 'updated_at')?.default).toBeUndefined();
    const posts = schema.tables.find((table) => table.name === 'posts');
    expect(posts?.foreignKeys.map((key) => [key.name, key.onDelete, key.onUpdate])).toEqual([
      ['posts_authorId_fkey', 'cascade', 'cascade'],
      ['post_editor', 'set null', 'cascade'],
    ]);
    expect(schema.tables.map((table) => table.name)).toContain('_GroupToUser');
  });

  it('PostgreSQL multiSchema: tables, enums and foreign keys across schemas; views are not tables', async () => {
    const { schema } = await readPrismaSchema(join(fixtures, 'schema-prisma-pg-multischema', 'schema.prisma'));
    const db = await PgliteShadow.open();
    try {
      await db.exec(await migrationOf('schema-prisma-pg-multischema'));
      expectSameSchema(await db.introspect(), schema);
    } finally {
      await db.close();
    }
    expect(schema.tables.map((table) => [table.namespace, table.name])).toEqual([
      ['auth', 'accounts'],
      [undefined, 'Session'],
    ]);
    expect(schema.enums).toEqual([{ name: 'level', namespace: 'auth', values: ['LOW', 'HIGH'] }]);
  });

  it.skipIf(!postgres.available)('PostgreSQL fixtures also match on the PostgreSQL server', async () => {
    for (const fixture of ['schema-prisma-pg', 'schema-prisma-pg-multischema']) {
      const { schema } = await readPrismaSchema(join(fixtures, fixture, 'schema.prisma'));
      const db = await PostgresShadow.open({ url: POSTGRES_URL });
      try {
        await db.exec(await migrationOf(fixture));
        expectSameSchema(await db.introspect(), schema);
      } finally {
        await db.close();
      }
    }
  });

  it('PostgreSQL: Prisma 4-5 join tables carry a unique index instead of a primary key', () => {
    const files = [
      [
        'schema.prisma',
        'datasource db {\n  provider = "postgresql"\n}\nmodel A {\n  id Int @id\n  bs B[]\n}\nmodel B {\n  id Int @id\n  as A[]\n}\n',
      ],
    ] as const;
    const join = prismaSchemaFromFiles(files, { implicitManyToMany: 'unique-index' }).schema.tables.find(
      (table) => table.name === '_AToB',
    );
    expect(join?.primaryKey).toBeUndefined();
    expect(join?.indexes.map((index) => [index.name, index.unique])).toEqual([
      ['_AToB_AB_unique', true],
      ['_AToB_B_index', false],
    ]);
  });

  it('cuts long default names before the suffix to the engine identifier limit, as Prisma does', () => {
    const files = [
      [
        'schema.prisma',
        'datasource db {\n  provider = "postgresql"\n}\nmodel provider_calendars {\n  id Int @id\n  calendar_connection_id Int\n  provider_calendar_id Int\n  @@unique([calendar_connection_id, provider_calendar_id])\n}\n',
      ],
    ] as const;
    const table = prismaSchemaFromFiles(files).schema.tables[0];
    expect(table?.indexes.map((index) => index.name)).toEqual([
      'provider_calendars_calendar_connection_id_provider_calendar_key',
    ]);
  });

  it('names a long serial column sequence the way PostgreSQL shortens it', () => {
    const files = [
      [
        'schema.prisma',
        'datasource db {\n  provider = "postgresql"\n}\nmodel OrganisationAuthenticationPortalSettingsWithLongName {\n  identifierColumnThatIsRatherLongToo Int @id @default(autoincrement())\n}\n',
      ],
    ] as const;
    const { schema } = prismaSchemaFromFiles(files);
    // The name PGlite gives this sequence for the same CREATE TABLE.
    expect(schema.sequences.map((sequence) => sequence.name)).toEqual([
      'OrganisationAuthenticationPor_identifierColumnThatIsRatherL_seq',
    ]);
  });

  it.skipIf(!mysql.available)('MySQL provider: equals the introspection of the migration on MariaDB', async () => {
    const { schema, provider } = await readPrismaSchema(join(fixtures, 'schema-prisma-mysql', 'schema.prisma'));
    expect(provider).toBe('mysql');
    const db = await MysqlShadow.open({ url: MYSQL_URL });
    try {
      await db.exec(await migrationOf('schema-prisma-mysql'));
      expectSameSchema(await db.introspect(), schema);
    } finally {
      await db.close();
    }
  });

  it('SQLite provider: equals the introspection of the migration (better-sqlite3)', async () => {
    const { schema, provider } = await readPrismaSchema(join(fixtures, 'schema-prisma-sqlite', 'schema.prisma'));
    expect(provider).toBe('sqlite');
    const db = await SqliteShadow.open();
    try {
      await db.exec(await migrationOf('schema-prisma-sqlite'));
      expectSameSchema(await db.introspect(), schema);
    } finally {
      await db.close();
    }
  });

  it('reads a multi-file schema folder (Prisma 7 style, no datasource URL)', async () => {
    const result = await readPrismaSchema(join(fixtures, 'schema-prisma-multifile', 'prisma', 'schema'));
    expect(result.files).toEqual(['main.prisma', 'post.prisma', 'user.prisma']);
    expect(result.schema.tables.map((table) => table.name).sort()).toEqual(['Post', 'User']);
    const post = result.schema.tables.find((table) => table.name === 'Post');
    expect(post?.foreignKeys).toEqual([
      {
        name: 'Post_authorId_fkey',
        columns: ['authorId'],
        referencedTable: 'User',
        referencedColumns: ['id'],
        onDelete: 'set null',
        onUpdate: 'cascade',
        validated: true,
      },
    ]);
  });

  it('an invalid schema fails with the validator message at file:line:col', async () => {
    const path = join(fixtures, 'schema-prisma-invalid', 'schema.prisma');
    const error = await readPrismaSchema(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    const userError = error as UserError;
    expect(userError.code).toBe('prisma-schema-invalid');
    expect(userError.where).toEqual({ file: path, line: 8, column: 9 });
    expect(userError.message).toContain('Type "Strng" is neither a built-in type');
  });

  it('a file of a multi-file schema read alone fails with a hint to pass the folder', async () => {
    const folder = join(fixtures, 'schema-prisma-multifile', 'prisma', 'schema');
    const error = (await readPrismaSchema(join(folder, 'post.prisma')).catch((caught: unknown) => caught)) as UserError;
    expect(error.where).toEqual({ file: join(folder, 'post.prisma'), line: 4, column: 12 });
    expect(error.fix).toContain(`pass their folder ${folder} instead`);
  });

  it('a relation error names the file and line of the multi-file schema it is in', () => {
    const files = [
      ['main.prisma', 'datasource db {\n  provider = "postgresql"\n}\n'],
      ['user.prisma', 'model User {\n  id    Int    @id\n  posts Post[]\n}\n'],
      ['post.prisma', 'model Post {\n  id Int @id\n  authorId Int\n}\n'],
    ] as const;
    const error = (() => {
      try {
        prismaSchemaFromFiles(files);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).where).toMatchObject({ file: 'user.prisma', line: 3 });
  });

  it('relationMode = "prisma" writes no foreign keys', () => {
    const files = [
      [
        'schema.prisma',
        'datasource db {\n  provider = "mysql"\n  relationMode = "prisma"\n}\nmodel A {\n  id Int @id\n  bs B[]\n}\nmodel B {\n  id Int @id\n  aId Int\n  a A @relation(fields: [aId], references: [id])\n  @@index([aId])\n}\n',
      ],
    ] as const;
    const b = prismaSchemaFromFiles(files).schema.tables.find((table) => table.name === 'B');
    expect(b?.foreignKeys).toEqual([]);
    expect(b?.indexes.map((index) => index.name)).toEqual(['B_aId_idx']);
  });

  it('keeps @@ignore models and @ignore fields, which Prisma Migrate still creates', () => {
    const files = [
      [
        'schema.prisma',
        'datasource db {\n  provider = "postgresql"\n}\nmodel Legacy {\n  id Int @id\n  blob Bytes?\n  @@ignore\n}\nmodel Kept {\n  id Int @id\n  secret String @ignore @default("x")\n}\n',
      ],
    ] as const;
    const { schema, warnings } = prismaSchemaFromFiles(files);
    expect(warnings).toEqual([]);
    expect(schema.tables.map((table) => [table.name, table.columns.map((column) => column.name)])).toEqual([
      ['Legacy', ['id', 'blob']],
      ['Kept', ['id', 'secret']],
    ]);
  });

  it('ignores preview features an older Prisma knew, with a warning', () => {
    const files = [
      [
        'schema.prisma',
        'generator client {\n  provider = "prisma-client-js"\n  previewFeatures = ["metrics", "views"]\n}\ndatasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\nmodel A {\n  id Int @id\n}\nview V {\n  id Int @unique\n}\n',
      ],
    ] as const;
    const { schema, warnings } = prismaSchemaFromFiles(files);
    expect(warnings).toEqual(['preview feature "metrics" is unknown to Prisma\'s current validator and was ignored']);
    expect(schema.tables.map((table) => table.name)).toEqual(['A']);
  });

  it('says that a partial index predicate is not modelled', () => {
    const files = [
      [
        'schema.prisma',
        'generator c {\n  provider = "prisma-client-js"\n  previewFeatures = ["partialIndexes"]\n}\ndatasource db {\n  provider = "postgresql"\n}\nmodel A {\n  id Int @id\n  x Int?\n  @@index([x], where: raw("x > 0"))\n}\n',
      ],
    ] as const;
    const { warnings } = prismaSchemaFromFiles(files);
    expect(warnings).toEqual([
      'A: the partial index predicate of @@index([x], where: raw("x > 0")) is not modelled (the index is, without its WHERE)',
    ]);
  });

  it('refuses providers it cannot map, saying which are supported', () => {
    const files = [['schema.prisma', 'datasource db {\n  provider = "sqlserver"\n}\n']] as const;
    expect(() => prismaSchemaFromFiles(files)).toThrow(/"sqlserver" is not supported[\s\S]*postgresql, mysql, sqlite/);
  });

  it('a missing path is a clear error', async () => {
    await expect(readPrismaSchema(join(fixtures, 'no-such-dir', 'schema.prisma'))).rejects.toThrow(
      /No Prisma schema at/,
    );
  });
});
