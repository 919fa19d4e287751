import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { Engine } from '../model.js';
import { resolveProjectRoot } from '../root.js';
import { askOnce } from '../sources/consent.js';
import { drizzleSchemaFile } from '../sources/formats/drizzle-config.js';
import type { ProjectCodeConsent } from '../sources/types.js';
import { diffSchemas } from './diff/diff.js';
import type { RenameAnswer, SchemaDiff } from './diff/types.js';
import { DRIZZLE_MODULE, type LoadedSchema, loadSchema, parseSchemaSource, type SchemaSource } from './sources.js';

/**
 * diff_schema's engine: two schema sources loaded (never by running project code) and diffed. With neither
 * side named it compares the project's schema file at HEAD with the working tree.
 */

export interface DiffSourcesOptions {
  root: string;
  /** The earlier schema; default `git:HEAD:<schema file>`. */
  from?: string | SchemaSource;
  /** The later schema; default `sql:<schema file>` (the working tree). */
  to?: string | SchemaSource;
  /** The schema file for the defaults; looked up among the usual names when omitted. */
  file?: string;
  engine?: Engine;
  renames?: RenameAnswer[];
  shadowUrl?: string;
  signal?: AbortSignal;
  /** Each side is read (a replay on a shadow, a Drizzle module in the sandbox…), then compared. */
  onProgress?: (progress: number, total: number, message: string) => void;
  /** Consent to load a Drizzle schema module in the sandbox; a function asks when needed. */
  executeProjectCode?: ProjectCodeConsent;
}

export interface SourcesDiff {
  from: string;
  to: string;
  /** The sources both sides were read from, defaults resolved: the reverse diff reads them the other way. */
  sources: { from: SchemaSource; to: SchemaSource };
  engine: string;
  diff: SchemaDiff;
  /** Milliseconds spent loading both sides and diffing. */
  timings: { load: number; diff: number };
}

const SCHEMA_FILES = [
  'schema.sql',
  'db/schema.sql',
  'db/structure.sql',
  'structure.sql',
  'sql/schema.sql',
  'database/schema.sql',
  'supabase/schema.sql',
  'prisma/schema.prisma',
  'schema.prisma',
];

export async function diffSources(options: DiffSourcesOptions): Promise<SourcesDiff> {
  const root = resolveProjectRoot(options.root);
  const needsFile = options.from === undefined || options.to === undefined;
  const file = needsFile ? (options.file ?? findSchemaFile(root)) : options.file;
  const from = toSource(options.from, () => ({ kind: 'git', ref: 'HEAD', file: file ?? '' }));
  const to = toSource(options.to, () => workingTreeSource(file ?? ''));
  const engine = options.engine ?? engineOf(from) ?? engineOf(to) ?? engineFromFile(file);
  const loadOptions = {
    root,
    ...(engine ? { engine } : {}),
    ...(options.shadowUrl ? { shadowUrl: options.shadowUrl } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    // Both sides may be Drizzle modules: the human is asked once per diff.
    ...(options.executeProjectCode !== undefined ? { executeProjectCode: askOnce(options.executeProjectCode) } : {}),
  };
  const started = performance.now();
  options.onProgress?.(0, 3, `reading the "from" schema (${from.kind})`);
  const before: LoadedSchema = await loadSchema(from, loadOptions);
  options.onProgress?.(1, 3, `reading the "to" schema (${to.kind})`);
  const after: LoadedSchema = await loadSchema(to, loadOptions);
  options.onProgress?.(2, 3, 'comparing the schemas');
  const loaded = performance.now();
  const diff = diffSchemas(before.schema, after.schema, { renames: options.renames ?? [] });
  return {
    from: before.label,
    to: after.label,
    sources: { from, to },
    engine: before.schema.engine,
    diff,
    timings: { load: Math.round(loaded - started), diff: Math.round(performance.now() - loaded) },
  };
}

function workingTreeSource(file: string): SchemaSource {
  if (/\.prisma$/i.test(file)) return { kind: 'prisma', file };
  if (DRIZZLE_MODULE.test(file)) return { kind: 'drizzle', file };
  return { kind: 'sql', file };
}

function toSource(value: string | SchemaSource | undefined, fallback: () => SchemaSource): SchemaSource {
  if (value === undefined) return fallback();
  return typeof value === 'string' ? parseSchemaSource(value) : value;
}

/** Where TypeORM data sources, MikroORM configs and Sequelize model modules usually are (each read as code). */
const ORM_SCHEMA_FILES = [
  'src/data-source.ts',
  'data-source.ts',
  'src/db/data-source.ts',
  'src/database/data-source.ts',
  'src/data-source.js',
  'data-source.js',
  'mikro-orm.config.ts',
  'src/mikro-orm.config.ts',
  'models/index.js',
  'src/models/index.js',
  'src/models/index.ts',
];
const ORM_IMPORT = /['"](typeorm|sequelize|sequelize-typescript|@mikro-orm\/[\w-]+)['"]/;

/** The usual schema files, then the module drizzle.config names as its schema, then an ORM's entry module. */
function findSchemaFile(root: string): string {
  const read = (file: string) => {
    try {
      return readFileSync(path.join(root, file), 'utf8');
    } catch {
      return undefined;
    }
  };
  const found =
    SCHEMA_FILES.find((name) => existsSync(path.join(root, name))) ??
    drizzleSchemaFile(read, ['.']) ??
    ORM_SCHEMA_FILES.find((name) => ORM_IMPORT.test(read(name) ?? ''));
  if (!found)
    throw new UserError(
      'schema-file-not-found',
      `No schema file found in ${root} (looked for ${SCHEMA_FILES.join(', ')}, drizzle.config's schema and a TypeORM data source, MikroORM config or Sequelize models module).`,
      'Name the schema file (file / --file), or pass both sides: from and to (db:<url>, sql:<file>, prisma:<file>, drizzle:<file>, git:<ref>:<file>, migrations[:<folder>]).',
    );
  return found;
}

function engineOf(source: SchemaSource): Engine | undefined {
  if (source.kind !== 'database') return undefined;
  if (/^postgres/i.test(source.url)) return 'postgresql';
  if (/^(mysql|mariadb)/i.test(source.url)) return 'mysql';
  return 'sqlite';
}

/** `*.sqlite.sql` / a `sqlite` folder say SQLite; anything else is read as PostgreSQL unless told. */
function engineFromFile(file: string | undefined): Engine | undefined {
  if (!file) return undefined;
  if (/sqlite/i.test(file)) return 'sqlite';
  if (/mysql|mariadb/i.test(file)) return 'mysql';
  return undefined;
}
