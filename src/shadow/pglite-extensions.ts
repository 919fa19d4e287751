import type { Extension } from '@electric-sql/pglite';
import { ShadowLimitation } from './types.js';

/**
 * The PostgreSQL extensions the embedded shadow can load. PGlite ships contrib extensions as separate bundles
 * (`@electric-sql/pglite/contrib/<module>`) that must be handed to `PGlite.create`; a database that never gets
 * them answers `extension "x" is not available` to CREATE EXTENSION. A rehearsal loads exactly the ones its SQL
 * creates: each bundle costs start-up time, and pgcrypto alone is a megabyte.
 */

/** SQL extension name → the contrib module that ships it (PGlite 0.5; one bundle may hold several). */
const CONTRIB_MODULE: Readonly<Record<string, string>> = {
  amcheck: 'amcheck',
  autoinc: 'moddatetime',
  bloom: 'bloom',
  btree_gin: 'btree_gin',
  btree_gist: 'btree_gist',
  citext: 'citext',
  cube: 'cube',
  dict_int: 'dict_int',
  dict_xsyn: 'dict_xsyn',
  earthdistance: 'earthdistance',
  file_fdw: 'file_fdw',
  fuzzystrmatch: 'fuzzystrmatch',
  hstore: 'hstore',
  insert_username: 'moddatetime',
  intarray: 'intarray',
  isn: 'isn',
  lo: 'lo',
  ltree: 'ltree',
  moddatetime: 'moddatetime',
  pageinspect: 'pageinspect',
  pg_buffercache: 'pg_buffercache',
  pg_freespacemap: 'pg_freespacemap',
  pg_stat_statements: 'pg_stat_statements',
  pg_surgery: 'pg_surgery',
  pg_trgm: 'pg_trgm',
  pg_visibility: 'pg_visibility',
  pg_walinspect: 'pg_walinspect',
  pgcrypto: 'pgcrypto',
  refint: 'moddatetime',
  seg: 'seg',
  tablefunc: 'tablefunc',
  tcn: 'tcn',
  tsm_system_rows: 'tsm_system_rows',
  tsm_system_time: 'tsm_system_time',
  unaccent: 'unaccent',
  'uuid-ossp': 'uuid_ossp',
};

/** `requires` of the extensions' control files: CREATE EXTENSION … CASCADE creates these first. */
const REQUIRES: Readonly<Record<string, readonly string[]>> = { earthdistance: ['cube'] };

/** Part of every PGlite database. */
const BUILT_IN = new Set(['plpgsql']);

/** The extensions the embedded shadow can create, for messages. */
export function embeddedExtensionNames(): string[] {
  return [...BUILT_IN, ...Object.keys(CONTRIB_MODULE)].sort();
}

const CREATE_EXTENSION = /\bcreate\s+extension\s+(?:if\s+not\s+exists\s+)?("(?:[^"]|"")+"|[a-z_][\w$-]*)/gi;

/** Names of the extensions CREATE EXTENSION statements in these SQL texts create (unquoted, as PostgreSQL folds them). */
export function extensionsCreatedIn(texts: Iterable<string>): string[] {
  const names = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(CREATE_EXTENSION)) {
      const raw = match[1] ?? '';
      names.add(raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw.toLowerCase());
    }
  }
  return [...names].sort();
}

/** The contrib modules to load for these extensions (dependencies included), sorted; unknown names are left out. */
export function contribModulesFor(extensions: readonly string[]): string[] {
  const modules = new Set<string>();
  const visit = (name: string) => {
    const module = CONTRIB_MODULE[name];
    if (!module || modules.has(module)) return;
    modules.add(module);
    for (const required of REQUIRES[name] ?? []) visit(required);
  };
  for (const name of extensions) visit(name);
  return [...modules].sort();
}

/** Imports the contrib bundles, keyed as PGlite's `extensions` option expects. */
export async function loadContribModules(modules: readonly string[]): Promise<Record<string, Extension>> {
  const loaded: Record<string, Extension> = {};
  for (const module of modules) {
    const namespace = (await import(`@electric-sql/pglite/contrib/${module}`)) as Record<string, Extension>;
    const extension = namespace[module];
    if (extension) loaded[module] = extension;
  }
  return loaded;
}

/**
 * Rewrites PGlite's "extension is not available" into what to do about it: an extension PGlite does not ship
 * needs a real PostgreSQL server as shadow. Other errors pass through unchanged.
 */
export function explainMissingExtension(error: unknown): unknown {
  const message = error instanceof Error ? error.message : '';
  const match = /^extension "([^"]+)" is not available/.exec(message);
  if (!match) return error;
  const name = match[1] ?? '';
  const shipped = name in CONTRIB_MODULE || BUILT_IN.has(name);
  const explained = shipped
    ? `extension "${name}" was not loaded into the embedded database: the rehearsal loads the extensions that plain CREATE EXTENSION statements name, and this one is created another way (dynamic SQL?); pass shadowUrl (CLI --shadow-url) to rehearse on a PostgreSQL server that has it`
    : `extension "${name}" is not available in the embedded database (PGlite ships ${embeddedExtensionNames().join(', ')}): pass shadowUrl (CLI --shadow-url) to rehearse on a PostgreSQL server that has it`;
  const record = error as unknown as Record<string, unknown>;
  const position = Number(record.position);
  return new ShadowLimitation(
    explained,
    'Pass shadowUrl (CLI --shadow-url, or SHADOW_DATABASE_URL) naming a PostgreSQL server on this machine that has the extension installed.',
    typeof record.code === 'string' ? record.code : undefined,
    Number.isFinite(position) && position > 0 ? position : undefined,
  );
}
