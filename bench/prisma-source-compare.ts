/**
 * Measures the Prisma schema source on a real project: replays `migrations/<id>/migration.sql` in order on PGlite,
 * introspects the result and compares it with the model read from the same commit's schema.prisma.
 * Usage: npx tsx bench/prisma-source-compare.ts <prisma-folder> [schema-path] [--join=unique-index] [--server=postgres://…|mysql://…] [--sqlite]
 * (--server: a PostgreSQL server to create a throwaway shadow database on, for histories PGlite cannot run.)
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareSchemas, renderSchemaChanges } from '../src/schema/compare.js';
import { readPrismaSchema } from '../src/schema/sources/prisma.js';
import { MysqlShadow } from '../src/shadow/mysql.js';
import { PgliteShadow } from '../src/shadow/pglite.js';
import { PostgresShadow } from '../src/shadow/postgres.js';
import { SqliteShadow } from '../src/shadow/sqlite.js';

const [folder, schemaArg, ...flags] = process.argv.slice(2);
if (!folder) throw new Error('usage: prisma-source-compare.ts <prisma-folder> [schema-path]');
const joinStyle = flags.includes('--join=unique-index') ? 'unique-index' : 'primary-key';
const migrations = (await readdir(join(folder, 'migrations'), { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const server = flags.find((flag) => flag.startsWith('--server='))?.slice('--server='.length);
const db = flags.includes('--sqlite')
  ? await SqliteShadow.open()
  : server?.startsWith('mysql:')
    ? await MysqlShadow.open({ url: server })
    : server
      ? await PostgresShadow.open({ url: server })
      : await PgliteShadow.open();
try {
  for (const id of migrations) {
    const sql = await readFile(join(folder, 'migrations', id, 'migration.sql'), 'utf8').catch(() => '');
    await db.exec(sql);
  }
  const fromMigrations = await db.introspect();
  const { schema, warnings } = await readPrismaSchema(schemaArg ?? join(folder, 'schema.prisma'), {
    implicitManyToMany: joinStyle,
  });
  const changes = compareSchemas(fromMigrations, schema);
  const count = (kind: string) => ({
    kind,
    inMigrations: kind === 'table' ? fromMigrations.tables.length : undefined,
    differing: changes.filter((change) => change.kind === kind).length,
  });
  const totals = {
    migrations: migrations.length,
    tables: fromMigrations.tables.length,
    columns: fromMigrations.tables.reduce((sum, table) => sum + table.columns.length, 0),
    indexes: fromMigrations.tables.reduce((sum, table) => sum + table.indexes.length, 0),
    foreignKeys: fromMigrations.tables.reduce((sum, table) => sum + table.foreignKeys.length, 0),
    enums: fromMigrations.enums.length,
    differences: changes.length,
    byKind: ['table', 'column', 'primary-key', 'index', 'unique', 'foreign-key', 'enum', 'sequence'].map(count),
  };
  console.log(JSON.stringify(totals));
  if (warnings.length) console.log(`warnings:\n  ${warnings.join('\n  ')}`);
  console.log(renderSchemaChanges(changes));
} finally {
  await db.close();
}
