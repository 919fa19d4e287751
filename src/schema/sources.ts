import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { Engine } from '../model.js';
import { relativeToRoot, resolveInsideRoot, resolveProjectRoot } from '../root.js';
import { buildBaseline } from '../shadow/baseline.js';
import { openShadow, shadowEngineFor } from '../shadow/open.js';
import { extensionsCreatedIn } from '../shadow/pglite-extensions.js';
import { replayHistory } from '../shadow/replay-cache.js';
import type { ShadowDatabase } from '../shadow/types.js';
import type { ProjectCodeConsent } from '../sources/types.js';
import { introspectMysql } from './introspect/mysql.js';
import { introspectPostgres } from './introspect/postgres.js';
import { introspectSqlite } from './introspect/sqlite.js';
import type { Schema } from './model.js';
import type { CodeOrm } from './sources/code-schema.js';
import { type FilesAtRef, filesAtRef } from './sources/files-at-ref.js';
import { moduleEntries } from './sources/module-entries.js';

/**
 * Where a schema comes from. None runs the project's code: a database is read over a read-only connection, SQL
 * (a file, or a file at a git ref) and migration histories are applied to a throw-away shadow and introspected.
 *
 * Code schemas (a Drizzle schema module, TypeORM entities) are the exception: they run, in the sandbox, only when
 * the caller consents.
 *
 * Text form (CLI and MCP): `db:<url>` · `sql:<file>` · `prisma:<file>` · `drizzle:<file>` ·
 * `typeorm:<data source | entity glob>` · `sequelize:<models module>` · `mikroorm:<entity glob>` · `git:<ref>:<file>` (also
 * `git:<ref>:typeorm:<glob>`) ·
 * `migrations[:<folder>]`.
 */
export type SchemaSource =
  | { kind: 'database'; url: string }
  | { kind: 'sql'; file: string }
  /** `schema.prisma`, or a folder of `.prisma` files, read with Prisma's own parser and its SQL conventions. */
  | { kind: 'prisma'; file: string }
  /** A Drizzle `schema.ts`, loaded in the sandbox (with consent) and read with drizzle-orm's getTableConfig. */
  | { kind: 'drizzle'; file: string }
  /**
   * TypeORM entities (a data source module, entity files, their folder or a glob) or Sequelize models (the
   * module creating the instance), planned by the ORM itself in the sandbox (with consent).
   */
  | { kind: 'typeorm' | 'sequelize' | 'mikroorm'; files: string }
  | { kind: 'git'; ref: string; file: string }
  | { kind: 'migrations'; path?: string };

export interface LoadSchemaOptions {
  root: string;
  /** Engine of SQL and migration sources; a database URL names its own. Default postgresql. */
  engine?: Engine;
  /** A server the user named for shadows (MySQL needs one); PostgreSQL defaults to PGlite, SQLite to memory. */
  shadowUrl?: string;
  signal?: AbortSignal;
  /** Consent to run project code (a Drizzle schema module), in the sandbox; a function asks when needed. */
  executeProjectCode?: ProjectCodeConsent;
}

export interface LoadedSchema {
  schema: Schema;
  /** What was read, for reports: `schema.sql at HEAD`, `12 migrations in db/migrations`… */
  label: string;
}

export function parseSchemaSource(text: string): SchemaSource {
  const [prefix, ...rest] = text.split(':');
  const value = rest.join(':');
  switch (prefix) {
    case 'db':
    case 'database':
      if (value) return { kind: 'database', url: value };
      break;
    case 'sql':
      if (value) return { kind: 'sql', file: value };
      break;
    case 'git': {
      const separator = value.indexOf(':');
      if (separator > 0) return { kind: 'git', ref: value.slice(0, separator), file: value.slice(separator + 1) };
      break;
    }
    case 'prisma':
      if (value) return { kind: 'prisma', file: value };
      break;
    case 'drizzle':
      if (value) return { kind: 'drizzle', file: value };
      break;
    case 'typeorm':
    case 'sequelize':
    case 'mikroorm':
      if (value) return { kind: prefix, files: value };
      break;
    case 'migrations':
      return value ? { kind: 'migrations', path: value } : { kind: 'migrations' };
    default:
      if (/^(postgres|postgresql|mysql|mariadb):\/\//.test(text)) return { kind: 'database', url: text };
      if (/\.sql$/i.test(text)) return { kind: 'sql', file: text };
      if (/\.prisma$/i.test(text)) return { kind: 'prisma', file: text };
      if (DRIZZLE_MODULE.test(text)) return { kind: 'drizzle', file: text };
  }
  throw new UserError(
    'bad-schema-source',
    `"${text}" is not a schema source.`,
    'Write db:<url>, sql:<file>, prisma:<schema.prisma>, drizzle:<schema.ts>, typeorm:<data-source.ts | src/entity/*.ts>, sequelize:<models/index.js>, mikroorm:<src/**/*.entity.ts>, git:<ref>:<file> (e.g. git:HEAD:prisma/schema.prisma) or migrations[:<folder>].',
  );
}

export async function loadSchema(source: SchemaSource, options: LoadSchemaOptions): Promise<LoadedSchema> {
  const root = resolveProjectRoot(options.root);
  switch (source.kind) {
    case 'database':
      return { schema: await introspectDatabase(source.url, root), label: `database ${redactUrl(source.url)}` };
    case 'sql': {
      const file = resolveInsideRoot(root, source.file);
      const sql = await readFile(file, 'utf8').catch(() => {
        throw new UserError(
          'schema-file-not-found',
          `${source.file} cannot be read.`,
          'Pass a SQL schema file inside the project.',
          {
            file: source.file,
          },
        );
      });
      const label = relativeToRoot(root, file);
      return { schema: await schemaOfSql(sql, label, options), label };
    }
    case 'prisma': {
      const { readPrismaSchema } = await import('./sources/prisma.js');
      const label = relativeToRoot(root, resolveInsideRoot(root, source.file));
      return { schema: (await readPrismaSchema(resolveInsideRoot(root, source.file))).schema, label };
    }
    case 'drizzle': {
      const file = resolveInsideRoot(root, source.file);
      const label = relativeToRoot(root, file);
      const orm = ormImported(await readFile(file, 'utf8').catch(() => ''));
      if (orm) return { schema: await schemaOfCode(orm, label, [file], undefined, root, options), label };
      return { schema: await schemaOfDrizzle(label, file, undefined, undefined, root, options), label };
    }
    case 'typeorm':
    case 'sequelize':
    case 'mikroorm': {
      const label = source.files;
      const entries = moduleEntries(root, source.files);
      return { schema: await schemaOfCode(source.kind, label, entries, undefined, root, options), label };
    }
    case 'git': {
      const code = /^(typeorm|sequelize|mikroorm):(.+)$/.exec(source.file);
      if (code) {
        const [, orm, files] = code as unknown as [string, CodeOrm, string];
        const atRef = await filesAtRef(root, source.ref);
        const label = `${files} at ${source.ref}`;
        const entries = moduleEntries(root, files, atRef);
        return { schema: await schemaOfCode(orm, label, entries, atRef, root, options), label };
      }
      const text = await readAtRef(root, source.ref, source.file);
      const label = `${source.file} at ${source.ref}`;
      if (DRIZZLE_MODULE.test(source.file)) {
        const atRef = await filesAtRef(root, source.ref);
        const file = resolveInsideRoot(root, source.file);
        const orm = ormImported(text);
        if (orm) return { schema: await schemaOfCode(orm, label, [file], atRef, root, options), label };
        return { schema: await schemaOfDrizzle(label, file, text, atRef, root, options), label };
      }
      if (/\.prisma$/i.test(source.file)) {
        const { prismaSchemaFromFiles } = await import('./sources/prisma.js');
        return { schema: prismaSchemaFromFiles([[source.file, text]]).schema, label };
      }
      return { schema: await schemaOfSql(text, label, options), label };
    }
    case 'migrations':
      return schemaOfMigrations(root, source.path, options);
  }
}

/** A source file that is a Drizzle schema module (TypeScript or JavaScript). */
export const DRIZZLE_MODULE = /\.[cm]?[jt]s$/i;

/** A module importing TypeORM, MikroORM (entities, config) or Sequelize (models) is read by that ORM, not Drizzle. */
function ormImported(text: string): CodeOrm | undefined {
  const imports = (name: string) =>
    new RegExp(`\\bfrom\\s+['"]${name}['"]|require\\(\\s*['"]${name}['"]\\s*\\)`).test(text);
  if (imports('typeorm')) return 'typeorm';
  if (imports('@mikro-orm/[\\w-]+')) return 'mikroorm';
  if (imports('sequelize') || imports('sequelize-typescript')) return 'sequelize';
  return undefined;
}

async function schemaOfCode(
  orm: CodeOrm,
  label: string,
  files: string[],
  atRef: FilesAtRef | undefined,
  root: string,
  options: LoadSchemaOptions,
): Promise<Schema> {
  const { readCodeSchema } = await import('./sources/code-schema.js');
  return readCodeSchema(orm, label, {
    root,
    files,
    ...(atRef ? { atRef } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
    ...(options.executeProjectCode !== undefined ? { executeProjectCode: options.executeProjectCode } : {}),
    applyDdl: (statements, engine) =>
      schemaOfSql(statements.map((statement) => `${statement};`).join('\n'), label, { ...options, engine }),
  });
}

async function schemaOfDrizzle(
  label: string,
  file: string,
  text: string | undefined,
  atRef: FilesAtRef | undefined,
  root: string,
  options: LoadSchemaOptions,
): Promise<Schema> {
  const { readDrizzleSchema } = await import('./sources/drizzle.js');
  return readDrizzleSchema(label, {
    root,
    file,
    ...(text !== undefined ? { text } : {}),
    ...(atRef ? { atRef } : {}),
    ...(options.executeProjectCode !== undefined ? { executeProjectCode: options.executeProjectCode } : {}),
    applyDdl: (statements, engine) =>
      schemaOfSql(statements.map((statement) => `${statement};`).join('\n'), label, { ...options, engine }),
  });
}

/** Applies SQL to a fresh shadow and reads the structure back; errors name the file and line. */
export async function schemaOfSql(sql: string, file: string, options: LoadSchemaOptions): Promise<Schema> {
  return withShadow({ ...options, extensions: extensionsCreatedIn([sql]) }, async (db) => {
    await buildBaseline(db, { kind: 'dump', sql, file }, options.signal ? { signal: options.signal } : {});
    return db.introspect();
  });
}

async function schemaOfMigrations(
  root: string,
  folder: string | undefined,
  options: LoadSchemaOptions,
): Promise<LoadedSchema> {
  const { readMigrations } = await import('../sources/index.js');
  const result = await readMigrations(root, {
    ...(folder ? { path: folder } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
    // Code migrations (TypeORM, Knex…) give their SQL only when the caller let the project's code run.
    ...(options.executeProjectCode !== undefined ? { executeProjectCode: options.executeProjectCode } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const uncompiled = result.migrations.filter((migration) => migration.compiled === false);
  if (uncompiled.length > 0)
    throw new UserError(
      'migrations-not-compiled',
      `${uncompiled.length} migration(s) in ${result.directory} are code whose SQL is unknown without running it (first: ${uncompiled[0]?.path}).`,
      'Pass executeProjectCode: true (CLI --execute) to record their SQL in the sandbox, or use a SQL schema file or a database as the source.',
      { file: uncompiled[0]?.path ?? result.directory },
    );
  const engine = shadowEngineFor(options.engine ?? result.engine);
  const replayed = await replayHistory(engine, result.migrations, {
    ...(options.shadowUrl ? { shadowUrl: options.shadowUrl } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const label = `${result.migrations.length} ${result.format} migration(s) in ${result.directory}`;
  return { schema: replayed.schema, label: replayed.cached ? `${label} (replay cached)` : label };
}

export async function withShadow<T>(
  options: Pick<LoadSchemaOptions, 'engine' | 'shadowUrl'> & { extensions?: string[] },
  work: (db: ShadowDatabase) => Promise<T>,
): Promise<T> {
  const engine = shadowEngineFor(options.engine);
  const db = await openShadow({
    engine,
    ...(options.shadowUrl ? { shadowUrl: options.shadowUrl } : {}),
    ...(options.extensions ? { extensions: options.extensions } : {}),
  });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** `git show <ref>:<file>` through simple-git; the file path is taken relative to the repository's top. */
async function readAtRef(root: string, ref: string, file: string): Promise<string> {
  if (ref.startsWith('-'))
    throw new UserError(
      'bad-git-ref',
      `"${ref}" is not a git ref.`,
      'Pass a branch, tag or commit such as HEAD or main.',
    );
  const absolute = resolveInsideRoot(root, file);
  const { simpleGit } = await import('simple-git');
  const git = simpleGit({ baseDir: root });
  try {
    const top = (await git.revparse(['--show-toplevel'])).trim();
    const inRepo = path.relative(top, absolute).split(path.sep).join('/');
    return await git.show([`${ref}:${inRepo}`]);
  } catch (error) {
    throw new UserError(
      'git-show-failed',
      `Could not read ${file} at ${ref}: ${(error as Error).message.split('\n')[0]}`,
      'Check that the project is a git repository, the ref exists and the file was committed there.',
      { file },
    );
  }
}

/** Introspects a real database over a read-only connection (the server itself refuses writes). */
async function introspectDatabase(url: string, root: string): Promise<Schema> {
  const { openReadOnly } = await import('../environments/read-only.js');
  const db = await openReadOnly(url, root);
  try {
    if (db.engine === 'postgresql') return await introspectPostgres(db);
    if (db.engine === 'mysql') return await introspectMysql(db);
    return await introspectSqlite(db);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      'introspection-failed',
      `Could not read the schema of ${redactUrl(url)} (read-only): ${(error as Error).message}`,
      'Check the URL, that the server is reachable and that the user may read the catalog.',
    );
  } finally {
    await db.close();
  }
}

function redactUrl(url: string): string {
  return url.replace(/:[^:@/]*@/, ':***@');
}
