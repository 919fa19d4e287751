import path from 'node:path';
import { UserError } from '../../errors.js';
import { nodeCrypto } from '../../lazy-builtins.js';
import { ownFilesNamed, type PackageContext } from '../../project/context.js';
import { isRecord, parseTomlText } from '../../project/parse.js';
import { baseOf, dirOf, joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { type Bookkeeping, type BookkeepingRow, numericKey, truthy } from '../bookkeeping.js';
import { listEntries, readText } from '../files.js';
import { splitStatements } from '../statements.js';
import type { FormatReader, MigrationScan } from '../types.js';
import { entry, finish, readIndexed } from './scan-common.js';
import { collect, engineFor } from './sql-common.js';
import { writeSqlx } from './sqlx-write.js';

/**
 * sqlx (sqlx-core migrate/source.rs): a file of the folder is a migration when its name splits at the first "_"
 * into a version and a rest ending in `.sql`; the version must parse as an i64 (else sqlx refuses the folder).
 * `.up.sql` / `.down.sql` make a reversible pair, any other `.sql` a simple (up-only) migration.
 */
const FILE = /^([^_]*)_(.*\.sql)$/;
const VERSION = /^[+-]?\d+$/;
const I64_MAX = 9223372036854775807n;
const I64_MIN = -9223372036854775808n;

/** sqlx reads the marker as the file's very first bytes (`sql.starts_with("-- no-transaction")`). */
const NO_TRANSACTION = '-- no-transaction';

const TRANSACTION = 'per migration (opt out with `-- no-transaction` as the first line of the file)';

type Kind = 'up' | 'down' | 'simple';

interface SqlxFile {
  name: string;
  version: bigint;
  kind: Kind;
  /** The description sqlx records: the rest of the name without its suffix, `_` read as a space. */
  description: string;
}

function parseName(name: string): SqlxFile | undefined | 'bad-version' {
  const match = FILE.exec(name);
  if (!match) return undefined;
  const [, prefix = '', rest = ''] = match;
  if (!VERSION.test(prefix)) return 'bad-version';
  const version = BigInt(prefix);
  if (version > I64_MAX || version < I64_MIN) return 'bad-version';
  const kind: Kind = rest.endsWith('.up.sql') ? 'up' : rest.endsWith('.down.sql') ? 'down' : 'simple';
  const suffix = kind === 'simple' ? '.sql' : `.${kind}.sql`;
  return { name, version, kind, description: rest.slice(0, -suffix.length).replace(/_/g, ' ') };
}

interface Version {
  version: bigint;
  description: string;
  up?: string;
  down?: string;
}

/** The folder's migrations by version, in the order sqlx applies them (ascending version). */
function versionsOf(names: string[]): { versions: Version[]; badNames: string[] } {
  const byVersion = new Map<bigint, Version>();
  const badNames: string[] = [];
  for (const name of [...names].sort()) {
    const parsed = parseName(name);
    if (parsed === undefined) continue;
    if (parsed === 'bad-version') {
      badNames.push(name);
      continue;
    }
    const version = byVersion.get(parsed.version) ?? { version: parsed.version, description: parsed.description };
    if (parsed.kind === 'down') version.down = name;
    else {
      version.up = name;
      version.description = parsed.description;
    }
    byVersion.set(parsed.version, version);
  }
  const versions = [...byVersion.values()].sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  return { versions, badNames };
}

// ------------------------------------------------------------------------------------------------- detection

/** sqlx.toml `[migrate] migrations-dir` (sqlx 0.9's config file), relative to the file. */
function configuredDir(context: PackageContext, file: string): string | undefined {
  const parsed = parseTomlText(readIndexed(context, file), file);
  const migrate = parsed.migrate;
  if (isRecord(migrate) && typeof migrate['migrations-dir'] === 'string') {
    return joinRelative(dirOf(file), migrate['migrations-dir']);
  }
  return undefined;
}

/** `sqlx::migrate!()` / `sqlx::migrate!("path")` in the crate's Rust sources: the path is relative to its Cargo.toml. */
const MACRO = /\bmigrate!\s*\(\s*(?:"((?:[^"\\]|\\.)*)"|r#*"([^"]*)"#*)?\s*\)/g;

function crateDirOf(context: PackageContext, file: string): string {
  const manifests = new Set(ownFilesNamed(context, /^Cargo\.toml$/).map(dirOf));
  let dir = dirOf(file);
  while (!manifests.has(dir) && dir !== context.dir && dir !== '.') dir = dirOf(dir);
  return manifests.has(dir) ? dir : context.dir;
}

/**
 * Where this package keeps sqlx migrations: the folders `migrate!` names, sqlx.toml's migrations-dir, else
 * `migrations` beside the package's Cargo.toml (the default of both the macro and sqlx-cli). Only when the
 * package shows sqlx (a Cargo dependency, a `migrate!` call, a sqlx.toml): a Go project's golang-migrate folder
 * of the same file layout is not taken.
 */
function sqlxDirs(context: PackageContext): string[] {
  const dirs = new Set<string>();
  const declared = context.tools.has('sqlx');
  if (declared) {
    for (const file of ownFilesNamed(context, /\.rs$/)) {
      const text = readIndexed(context, file);
      if (!text.includes('migrate!') || !text.includes('sqlx')) continue;
      for (const match of text.matchAll(MACRO)) {
        dirs.add(joinRelative(crateDirOf(context, file), match[1] ?? match[2] ?? 'migrations'));
      }
    }
  }
  for (const file of ownFilesNamed(context, /^sqlx\.toml$/)) {
    dirs.add(configuredDir(context, file) ?? joinRelative(dirOf(file), 'migrations'));
  }
  if (declared) dirs.add(joinRelative(context.dir, 'migrations'));
  return [...dirs].filter((dir) => context.files.dirs.has(dir));
}

function scanSqlx(context: PackageContext): MigrationScan[] {
  return sqlxDirs(context)
    .map((dir) => ({ dir, versions: versionsOf(context.files.filesIn(dir)).versions }))
    .filter(({ versions }) => versions.length > 0)
    .map(({ dir, versions }) => {
      const migrations = versions
        .filter((version) => version.up)
        .map((version) => {
          const file = joinRelative(dir, version.up!);
          const text = readIndexed(context, file);
          const down = version.down ? readIndexed(context, joinRelative(dir, version.down)).replace(/--.*$/gm, '') : '';
          return entry(
            'sqlx',
            file,
            version.version.toString(),
            baseOf(file)
              .replace(/^[^_]*_/, '')
              .replace(/(\.up)?\.sql$/, ''),
            down.trim() !== '',
            !text.startsWith(NO_TRANSACTION),
          );
        });
      return finish('sqlx', TRANSACTION, dir, migrations, context);
    });
}

// ----------------------------------------------------------------------------------------------- bookkeeping

/** SHA-384 of the file's bytes, as sqlx stores it in `_sqlx_migrations.checksum` (hex here). */
export function sqlxChecksum(text: string): string {
  return nodeCrypto().createHash('sha384').update(text, 'utf8').digest('hex');
}

/** A BYTEA/BLOB column as hex, however the driver hands it over (Buffer, Uint8Array, `\x…` text). */
function hexOf(value: unknown): string | undefined {
  if (value == null) return undefined;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  const text = String(value);
  return /^\\x[0-9a-f]*$/i.test(text) ? text.slice(2).toLowerCase() : text.toLowerCase();
}

/**
 * sqlx-{postgres,mysql,sqlite} migrate.rs: `_sqlx_migrations` (version BIGINT PRIMARY KEY, description,
 * installed_on, success, checksum = SHA-384 of the SQL, execution_time). A row with success = false is the dirty
 * version sqlx refuses to run past; an applied file whose checksum changed makes `sqlx migrate run` fail.
 */
const sqlxBookkeeping: Bookkeeping = {
  table: '_sqlx_migrations',
  ownTables: ['_sqlx_migrations'],
  records: (rows: BookkeepingRow[]) =>
    rows.map((row) => {
      const key = numericKey(row.version);
      const checksum = hexOf(row.checksum);
      return {
        key,
        label: row.description ? `${key} ${String(row.description)}` : key,
        state: row.success === undefined || truthy(row.success) ? ('applied' as const) : ('failed' as const),
        ...(checksum ? { checksum } : {}),
      };
    }),
  keyOf: (migration) => numericKey(migration.id),
  checksum: sqlxChecksum,
};

// ----------------------------------------------------------------------------------------------------- read

/**
 * sqlx (`sqlx migrate run`, `sqlx::migrate!`): `<version>_<description>.sql`, or `.up.sql` + `.down.sql`,
 * applied in version order, each in a transaction unless the file starts with `-- no-transaction`.
 */
export const sqlx: FormatReader = {
  format: 'sqlx',
  // Before golang-migrate (20), whose `<version>_<name>.up.sql` layout it shares; it only claims where sqlx is declared.
  priority: 19.5,
  tool: 'sqlx',
  label: 'sqlx',
  bookkeeping: sqlxBookkeeping,
  scan: scanSqlx,
  write: writeSqlx,
  async read(context) {
    const { files } = await listEntries(context.directory);
    const { versions, badNames } = versionsOf(files);
    const engine = engineFor(context);
    const read = await collect(
      context,
      versions.map((version) => {
        const absolute = path.join(context.directory, version.up ?? version.down!);
        const downAbsolute = version.down ? path.join(context.directory, version.down) : undefined;
        return {
          absolute,
          also: downAbsolute && version.up ? [downAbsolute] : [],
          read: async () => {
            const relative = relativeToRoot(context.root, absolute);
            const id = version.version.toString();
            if (!version.up) {
              throw new UserError(
                'missing-up',
                `${relative} has no ${id}_….up.sql beside it: sqlx reads it as a revert only, so version ${id} is never applied, and the down file was not read as a migration.`,
                `Add the matching .up.sql, or delete the down file if the migration is gone.`,
                { file: relative },
              );
            }
            const text = (await readText(absolute)) ?? '';
            const transactional = !text.startsWith(NO_TRANSACTION);
            const notes: string[] = [];
            if (!transactional)
              notes.push('`-- no-transaction` on its first line: sqlx runs it outside a transaction.');
            else if (/^\s*--\s*no-transaction\b/i.test(text)) {
              notes.push(
                'A `-- no-transaction` marker that is not the exact start of the file: sqlx ignores it and runs the file in a transaction.',
              );
            }
            if (!version.down && version.up.endsWith('.up.sql')) {
              notes.push(`No ${version.up.replace(/\.up\.sql$/, '.down.sql')}: sqlx migrate revert cannot undo it.`);
            }
            if (!version.up.endsWith('.up.sql')) {
              notes.push('A simple migration (no .up.sql/.down.sql pair): sqlx migrate revert cannot undo it.');
            }
            const downRelative = downAbsolute ? relativeToRoot(context.root, downAbsolute) : undefined;
            const downText = downAbsolute ? await readText(downAbsolute) : undefined;
            return {
              id,
              name: version.description,
              path: relative,
              format: 'sqlx' as const,
              up: await splitStatements(text, engine, relative),
              ...(downText !== undefined && downRelative
                ? { down: await splitStatements(downText, engine, downRelative) }
                : {}),
              transactional,
              // sqlx runs the file with Executor::execute without arguments: one simple (multi-statement) query.
              execution: 'one-query' as const,
              notes,
            };
          },
        };
      }),
    );
    for (const name of badNames) {
      const relative = relativeToRoot(context.root, path.join(context.directory, name));
      read.errors.push({
        path: relative,
        error: {
          code: 'bad-version',
          what: `${name}: the part before the first "_" is not an integer version, so sqlx refuses the whole migration folder ("error parsing migration filename").`,
          fix: 'Rename it to <version>_<description>.sql, or move it out of the migration folder.',
          where: { file: relative },
        },
      });
    }
    return read;
  },
};
