import { readFile } from 'node:fs/promises';
import { UserError } from '../../errors.js';
import type { Engine } from '../../model.js';
import { relativeToRoot, resolveInsideRoot } from '../../root.js';
import { diffSchemas } from '../../schema/diff/diff.js';
import type { Schema } from '../../schema/model.js';
import { loadSchema, type SchemaSource } from '../../schema/sources.js';
import { type BaselineSource, buildBaseline } from '../../shadow/baseline.js';
import { openShadow, shadowEngineFor } from '../../shadow/open.js';
import { extensionsCreatedIn } from '../../shadow/pglite-extensions.js';
import type { ShadowDatabase } from '../../shadow/types.js';
import type { ProjectCodeConsent } from '../../sources/types.js';

/**
 * The schema the seed targets and a fresh shadow holding it. SQL and migration sources are replayed straight into
 * the shadow the rows are proven on (one embedded database started, not two); other sources (Prisma, git, a
 * database read-only) are loaded as a model and created on the shadow from it.
 */
export interface SchemaShadow {
  schema: Schema;
  label: string;
  shadow: ShadowDatabase;
}

export interface SchemaShadowOptions {
  root: string;
  engine?: Engine;
  shadowUrl?: string;
  signal?: AbortSignal;
  /** Replaying code migrations (knex, TypeORM …) runs them in the sandbox: only with consent. */
  executeProjectCode?: ProjectCodeConsent;
}

export async function openSchemaShadow(source: SchemaSource, options: SchemaShadowOptions): Promise<SchemaShadow> {
  const baseline = await baselineOf(source, options);
  if (!baseline) {
    const loaded = await loadSchema(source, options);
    return { ...loaded, shadow: await shadowWithSchema(loaded.schema, options.shadowUrl) };
  }
  const shadow = await open(options.engine ?? baseline.engine, baseline.extensions, options.shadowUrl);
  try {
    await buildBaseline(shadow, baseline.source, options.signal ? { signal: options.signal } : {});
    return { schema: await shadow.introspect(), label: baseline.label, shadow };
  } catch (error) {
    await shadow.close();
    throw error;
  }
}

interface Baseline {
  source: BaselineSource;
  label: string;
  engine?: Engine;
  extensions: string[];
}

async function baselineOf(source: SchemaSource, options: SchemaShadowOptions): Promise<Baseline | undefined> {
  if (source.kind === 'sql') {
    const file = resolveInsideRoot(options.root, source.file);
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
    const label = relativeToRoot(options.root, file);
    return { source: { kind: 'dump', sql, file: label }, label, extensions: extensionsCreatedIn([sql]) };
  }
  if (source.kind !== 'migrations') return undefined;
  const { readMigrations } = await import('../../sources/index.js');
  const result = await readMigrations(options.root, {
    ...(source.path ? { path: source.path } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.executeProjectCode ? { executeProjectCode: options.executeProjectCode } : {}),
  });
  const uncompiled = result.migrations.find((migration) => migration.compiled === false);
  if (uncompiled)
    throw new UserError(
      'migrations-not-compiled',
      `Migrations in ${result.directory} are code whose SQL is unknown without running it (first: ${uncompiled.path}).`,
      'Pass executeProjectCode: true (CLI --execute) to record their SQL in the sandbox, or schema sql:<file> / prisma:<file>.',
      { file: uncompiled.path },
    );
  return {
    source: { kind: 'migrations', migrations: result.migrations },
    label: `${result.migrations.length} ${result.format} migration(s) in ${result.directory}`,
    ...(result.engine ? { engine: result.engine } : {}),
    extensions: extensionsCreatedIn([
      result.migrations.flatMap((m) => m.up.map((statement) => statement.sql)).join('\n'),
    ]),
  };
}

async function shadowWithSchema(schema: Schema, shadowUrl: string | undefined): Promise<ShadowDatabase> {
  const extensions = (schema.extensions ?? []).map((extension) => extension.name).filter((name) => name !== 'plpgsql');
  const db = await open(schema.engine, extensions, shadowUrl);
  try {
    const empty: Schema = { engine: schema.engine, tables: [], views: [], enums: [], sequences: [] };
    const diff = diffSchemas(empty, { ...schema, views: [], triggers: [], policies: [] });
    for (const operation of diff.operations) for (const statement of operation.sql) await db.exec(statement);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}

async function open(
  engine: Engine | undefined,
  extensions: string[],
  shadowUrl: string | undefined,
): Promise<ShadowDatabase> {
  return openShadow({ engine: shadowEngineFor(engine), ...(shadowUrl ? { shadowUrl } : {}), extensions });
}
