import { scanDbMigrate } from '../sources/formats/db-migrate.js';
import { scanKysely } from '../sources/formats/kysely.js';
import { scanNodePgMigrate } from '../sources/formats/node-pg-migrate.js';
import { configString, inPackage, ownFilesNamed, type PackageContext } from './context.js';
import { parseTomlText } from './parse.js';
import type { Conventions, DownPresence, MigrationDir, MigrationEntry, ToolName } from './types.js';
import { baseOf, dirOf, joinRelative } from './walk.js';

/**
 * Finds each tool's migration folder and lists its migrations in apply order, with the conventions a new
 * migration must follow. Reads files only; migration code is matched, never executed.
 */
export interface MigrationScan {
  dir: MigrationDir;
  migrations: MigrationEntry[];
  conventions?: Conventions;
}

type Scanner = (context: PackageContext) => MigrationScan[];

const TRANSACTION: Record<ToolName, string> = {
  prisma: 'per migration (the migration script runs as one transaction on PostgreSQL; MySQL DDL commits implicitly)',
  knex: 'per migration (opt out per file with `export const config = { transaction: false }`)',
  drizzle: 'all pending migrations in one transaction',
  typeorm: "all pending migrations in one transaction (migrationsTransactionMode 'all', the default)",
  sequelize: 'none: sequelize-cli does not wrap migrations; a file must open its own transaction',
  mongoose: 'none',
  'mikro-orm': 'all pending migrations in one transaction (allOrNothing, the default)',
  alembic: 'all pending migrations in one transaction (transaction_per_migration = False, the default)',
  django: 'per migration (atomic = True, the default; opt out with atomic = False)',
  sqlalchemy: 'none',
  tortoise: 'per migration (aerich)',
  'golang-migrate': 'none: golang-migrate does not wrap files; write BEGIN/COMMIT in the file',
  dbmate: 'per migration (opt out with `-- migrate:up transaction:false`)',
  goose: 'per migration (opt out with `-- +goose NO TRANSACTION`)',
  flyway: 'per migration (Flyway default)',
  diesel: 'per migration (opt out with run_in_transaction = false in metadata.toml)',
  'sql-migrate': 'per migration (opt out with `-- +migrate Up notransaction`)',
  'node-pg-migrate':
    'all pending migrations in one transaction (CLI --single-transaction, the default); `pgm.noTransaction()` runs a migration outside it',
  kysely:
    "all pending migrations in one transaction where the engine has transactional DDL (PostgreSQL, MSSQL); none on MySQL/SQLite; Migrator's disableTransactions turns it off",
  'db-migrate': 'per migration (the driver runs BEGIN/COMMIT around each; `--non-transactional` opts out)',
};

export function scanMigrations(context: PackageContext, tools: Set<ToolName>): MigrationScan[] {
  const scans: MigrationScan[] = [];
  const scanners: [ToolName, Scanner][] = [
    ['prisma', scanPrisma],
    ['knex', scanKnex],
    ['drizzle', scanDrizzle],
    ['typeorm', scanTypeorm],
    ['sequelize', scanSequelize],
    ['mikro-orm', scanMikroOrm],
    ['alembic', scanAlembic],
    ['django', scanDjango],
    ['tortoise', scanAerich],
    ['diesel', scanDiesel],
    ['node-pg-migrate', scanNodePgMigrate],
    ['kysely', scanKysely],
    ['db-migrate', scanDbMigrate],
  ];
  for (const [tool, scanner] of scanners) if (tools.has(tool)) scans.push(...scanner(context));
  const claimed = new Set(scans.map((scan) => scan.dir.path));
  scans.push(...scanPlainSql(context, claimed));
  return scans;
}

// ---------------------------------------------------------------------------------------------- helpers

function entry(
  tool: ToolName,
  path: string,
  id: string,
  name: string,
  hasDown: boolean,
  transactional: boolean,
): MigrationEntry {
  return { id, name, path, tool, hasDown, transactional };
}

/** A scanned folder with its conventions; the format modules' scan functions build theirs with it too. */
export function finish(
  tool: ToolName,
  dir: string,
  migrations: MigrationEntry[],
  context: PackageContext,
): MigrationScan {
  const scan: MigrationScan = { dir: { path: dir, tool, count: migrations.length }, migrations };
  if (migrations.length) scan.conventions = conventionsOf(tool, migrations, context);
  return scan;
}

function filesOf(context: PackageContext, dir: string, pattern: RegExp): string[] {
  return context.files
    .filesIn(dir)
    .filter((name) => pattern.test(name))
    .sort()
    .map((name) => joinRelative(dir, name));
}

function read(context: PackageContext, file: string): string {
  return context.files.read(file) ?? '';
}

/** Body of a Python function (until the next top-level statement), without comments, docstrings and `pass`. */
function pythonBody(source: string, functionName: string): string {
  const start = new RegExp(`def ${functionName}\\s*\\([^)]*\\)[^:]*:`).exec(source);
  if (!start) return '';
  const rest = source.slice(start.index + start[0].length);
  const end = rest.search(/\n(?=\S)/);
  return (end === -1 ? rest : rest.slice(0, end))
    .replace(/"""[\s\S]*?"""|'''[\s\S]*?'''/g, '')
    .replace(/#.*$/gm, '')
    .replace(/\bpass\b/g, '')
    .trim();
}

/** Text after a marker line up to the next marker (or the end), comments and blanks removed. */
function sqlSection(source: string, marker: RegExp, nextMarker: RegExp): string | undefined {
  const start = marker.exec(source);
  if (!start) return undefined;
  const rest = source.slice(start.index + start[0].length);
  const end = rest.search(nextMarker);
  return (end === -1 ? rest : rest.slice(0, end)).replace(/--.*$/gm, '').trim();
}

/** Orders nodes after their dependencies (stable: ties keep the input order). */
function topologicalOrder<T>(nodes: T[], key: (node: T) => string, dependsOn: (node: T) => string[]): T[] {
  const byKey = new Map(nodes.map((node) => [key(node), node]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: T[] = [];
  const visit = (node: T) => {
    const id = key(node);
    if (done.has(id) || visiting.has(id)) return;
    visiting.add(id);
    for (const dependency of dependsOn(node)) {
      const target = byKey.get(dependency);
      if (target) visit(target);
    }
    visiting.delete(id);
    done.add(id);
    order.push(node);
  };
  for (const node of nodes) visit(node);
  return order;
}

const JS_MIGRATION = /^(?!.*\.d\.ts$)(?!.*\.map$).+\.(c|m)?(js|ts)$/;
const JS_DOWN =
  /(export\s+(async\s+)?function\s+down\b|exports\.down\s*=|\bdown\s*[:=]\s*(async\s*)?(function|\()|\basync\s+down\s*\(|^\s*down\s*\()/m;

// ---------------------------------------------------------------------------------------------- ORMs

function scanPrisma(context: PackageContext): MigrationScan[] {
  const candidates = new Set<string>();
  for (const schema of ownFilesNamed(context, /\.prisma$/)) {
    candidates.add(joinRelative(dirOf(schema), 'migrations'));
    candidates.add(joinRelative(dirOf(dirOf(schema)), 'migrations'));
  }
  const scans: MigrationScan[] = [];
  for (const dir of [...candidates].sort()) {
    if (!context.files.dirs.has(dir)) continue;
    const migrations = context.files
      .subdirsOf(dir)
      .filter((folder) => context.files.filesIn(folder).includes('migration.sql'))
      .map((folder) => {
        const id = baseOf(folder);
        return entry(
          'prisma',
          folder,
          id,
          id.replace(/^\d+_/, ''),
          context.files.filesIn(folder).includes('down.sql'),
          true,
        );
      });
    if (migrations.length || context.files.filesIn(dir).includes('migration_lock.toml')) {
      scans.push(finish('prisma', dir, migrations, context));
    }
  }
  return scans;
}

function scanKnex(context: PackageContext): MigrationScan[] {
  const knexfile = ownFilesNamed(context, /^knexfile\.(c|m)?(js|ts)$/)[0];
  const base = knexfile ? dirOf(knexfile) : context.dir;
  const source = knexfile ? read(context, knexfile) : '';
  const block = /migrations\s*:\s*\{([^}]*)\}/.exec(source)?.[1] ?? '';
  const configured = configString(block, 'directory');
  const dir = joinRelative(base, configured ?? 'migrations');
  if (!context.files.dirs.has(dir)) return [];
  const migrations = filesOf(context, dir, JS_MIGRATION).map((file) => {
    const text = read(context, file);
    const id = baseOf(file).replace(/\.(c|m)?(js|ts)$/, '');
    return entry(
      'knex',
      file,
      id,
      id.replace(/^\d+[_-]/, ''),
      JS_DOWN.test(text),
      !/config\s*=\s*\{[^}]*transaction\s*:\s*false/.test(text),
    );
  });
  return [finish('knex', dir, migrations, context)];
}

function scanDrizzle(context: PackageContext): MigrationScan[] {
  const config = ownFilesNamed(context, /^drizzle\.config\.(c|m)?(js|ts|json)$/)[0];
  const base = config ? dirOf(config) : context.dir;
  const out = joinRelative(base, (config && configString(read(context, config), 'out')) ?? 'drizzle');
  if (!context.files.dirs.has(out)) return [];
  const journal = context.files.read(joinRelative(out, 'meta/_journal.json'));
  const order = journal ? [...journal.matchAll(/"tag"\s*:\s*"([^"]+)"/g)].map((match) => match[1]!) : [];
  let migrations = filesOf(context, out, /\.sql$/).map((file) => {
    const id = baseOf(file).replace(/\.sql$/, '');
    return entry('drizzle', file, id, id.replace(/^\d+_/, ''), false, true);
  });
  for (const folder of context.files.subdirsOf(out)) {
    if (!context.files.filesIn(folder).includes('migration.sql')) continue;
    const id = baseOf(folder);
    migrations.push(entry('drizzle', folder, id, id.replace(/^\d+_/, ''), false, true));
  }
  if (order.length) {
    const rank = (id: string) => (order.indexOf(id) === -1 ? order.length : order.indexOf(id));
    migrations = migrations.sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
  } else migrations.sort((a, b) => a.id.localeCompare(b.id));
  return [finish('drizzle', out, migrations, context)];
}

function scanTypeorm(context: PackageContext): MigrationScan[] {
  const dirs = new Set<string>();
  for (const file of ownFilesNamed(
    context,
    /^(ormconfig\.(json|js|ts)|.*data-?source\.(c|m)?(js|ts)|typeorm\.config\.(js|ts))$/i,
  )) {
    const list = /migrations['"]?\s*:\s*\[([^\]]*)\]/.exec(read(context, file))?.[1] ?? '';
    for (const match of list.matchAll(/(__dirname\s*\+\s*)?['"`]([^'"`]+)['"`]/g)) {
      // `__dirname + '/migrations/*.ts'` is relative to the config file; a plain string to the working directory.
      const base = match[1] ? dirOf(file) : context.dir;
      const pattern = match[2]!.replace(/^\.?\//, '');
      const fixed = pattern.split('/').filter((part) => !/[*{]/.test(part));
      const looksLikeFile = /\.(ts|js)$/.test(fixed.at(-1) ?? '');
      dirs.add(joinRelative(base, ...(looksLikeFile ? fixed.slice(0, -1) : fixed)));
    }
  }
  // Configured folders that were not walked (dist/ is skipped): fall back to finding TypeORM-named files.
  if (![...dirs].some((dir) => context.files.dirs.has(dir))) {
    for (const dir of context.ownDirs) {
      if (context.files.filesIn(dir).some((name) => /^\d{13}-.+\.(ts|js)$/.test(name))) dirs.add(dir);
    }
  }
  return [...dirs]
    .filter((dir) => context.files.dirs.has(dir))
    .map((dir) => {
      const migrations = filesOf(context, dir, /^\d+-.+\.(c|m)?(js|ts)$/)
        .map((file) => {
          const text = read(context, file);
          const id = baseOf(file).replace(/\.(c|m)?(js|ts)$/, '');
          return entry(
            'typeorm',
            file,
            id,
            id.replace(/^\d+-/, ''),
            /\basync\s+down\s*\([^)]*\)[^{]*\{\s*[^}\s]/.test(text),
            !/transaction\s*=\s*false/.test(text),
          );
        })
        .sort((a, b) => Number(/^\d+/.exec(a.id)?.[0]) - Number(/^\d+/.exec(b.id)?.[0]));
      return finish('typeorm', dir, migrations, context);
    });
}

function scanSequelize(context: PackageContext): MigrationScan[] {
  const rc = context.ownFiles.find((file) => baseOf(file) === '.sequelizerc' && dirOf(file) === context.dir);
  let dir = inPackage(context, 'migrations');
  if (rc) {
    const call = /['"]migrations-path['"]\s*:\s*path\.resolve\(([^)]*)\)/.exec(read(context, rc));
    if (call) {
      const parts = [...call[1]!.matchAll(/['"]([^'"]+)['"]/g)].map((match) => match[1]!);
      dir = joinRelative(context.dir, ...parts);
    }
  }
  if (!context.files.dirs.has(dir)) return [];
  const migrations = filesOf(context, dir, JS_MIGRATION).map((file) => {
    const text = read(context, file);
    const id = baseOf(file).replace(/\.(c|m)?(js|ts)$/, '');
    return entry('sequelize', file, id, id.replace(/^\d+-/, ''), JS_DOWN.test(text), /\.transaction\(/.test(text));
  });
  return [finish('sequelize', dir, migrations, context)];
}

function scanMikroOrm(context: PackageContext): MigrationScan[] {
  const config = ownFilesNamed(context, /^mikro-orm\.config\.(c|m)?(js|ts)$/)[0];
  const block = config ? (/migrations\s*:\s*\{([^}]*)\}/.exec(read(context, config))?.[1] ?? '') : '';
  const base = config ? dirOf(config) : context.dir;
  const configured = configString(block, 'pathTs') ?? configString(block, 'path');
  const candidates = configured ? [configured] : ['migrations', 'src/migrations'];
  return candidates
    .map((candidate) => joinRelative(base, candidate))
    .filter((dir) => context.files.dirs.has(dir))
    .map((dir) => {
      const migrations = filesOf(context, dir, /^Migration\d{14}.*\.(ts|js)$/).map((file) => {
        const text = read(context, file);
        const id = baseOf(file).replace(/\.(ts|js)$/, '');
        return entry(
          'mikro-orm',
          file,
          id,
          id.replace(/^Migration\d{14}_?/, '') || id,
          /\basync\s+down\s*\(/.test(text),
          !/isTransactional\s*\(\)[^{]*\{\s*return\s+false/.test(text),
        );
      });
      return finish('mikro-orm', dir, migrations, context);
    });
}

function scanAlembic(context: PackageContext): MigrationScan[] {
  const ini = ownFilesNamed(context, /^alembic\.ini$/)[0];
  const location = ini ? /^script_location\s*=\s*(.+)$/m.exec(read(context, ini))?.[1]?.trim() : undefined;
  const scriptDir = joinRelative(
    ini ? dirOf(ini) : context.dir,
    (location ?? 'alembic').replace(/^%\(here\)s\/?/, '').replace(/^\.\//, ''),
  );
  const dir = joinRelative(scriptDir, 'versions');
  if (!context.files.dirs.has(dir)) return [];
  const nodes = filesOf(context, dir, /^(?!__init__).+\.py$/).map((file) => {
    const text = read(context, file);
    const revision =
      /^revision\s*(?::[^=]+)?=\s*['"]([^'"]+)['"]/m.exec(text)?.[1] ?? baseOf(file).replace(/\.py$/, '');
    const downLine = /^down_revision\s*(?::[^=]+)?=\s*(.+)$/m.exec(text)?.[1] ?? 'None';
    const parents = [...downLine.matchAll(/['"]([^'"]+)['"]/g)].map((match) => match[1]!);
    const message = /^"""(.*)$/m.exec(text)?.[1]?.trim();
    const name = baseOf(file)
      .replace(/\.py$/, '')
      .replace(new RegExp(`^${revision}_`), '');
    return {
      parents,
      migration: entry('alembic', file, revision, message || name, pythonBody(text, 'downgrade') !== '', true),
    };
  });
  const ordered = topologicalOrder(
    nodes,
    (node) => node.migration.id,
    (node) => node.parents,
  ).map((node) => node.migration);
  return [finish('alembic', dir, ordered, context)];
}

function scanDjango(context: PackageContext): MigrationScan[] {
  const dirs = context.ownDirs.filter(
    (dir) => baseOf(dir) === 'migrations' && context.files.filesIn(dir).includes('__init__.py'),
  );
  return dirs.map((dir) => {
    const app = baseOf(dirOf(dir));
    const nodes = filesOf(context, dir, /^\d{4}_\w+\.py$/).map((file) => {
      const text = read(context, file);
      const id = baseOf(file).replace(/\.py$/, '');
      const dependencies = [...text.matchAll(/\(\s*['"](\w+)['"]\s*,\s*['"](\w+)['"]\s*\)/g)]
        .filter((match) => match[1] === app)
        .map((match) => match[2]!);
      const irreversible =
        (/RunPython\(/.test(text) && !/reverse_code|RunPython\(\s*[\w.]+\s*,\s*[\w.]+/.test(text)) ||
        (/RunSQL\(/.test(text) && !/reverse_sql/.test(text));
      return {
        dependencies,
        migration: entry(
          'django',
          file,
          `${app}.${id}`,
          id.replace(/^\d{4}_/, ''),
          !irreversible,
          !/^\s*atomic\s*=\s*False/m.test(text),
        ),
      };
    });
    const ordered = topologicalOrder(
      nodes,
      (node) => node.migration.id,
      (node) => node.dependencies.map((dependency) => `${app}.${dependency}`),
    ).map((node) => node.migration);
    return finish('django', dir, ordered, context);
  });
}

function scanAerich(context: PackageContext): MigrationScan[] {
  const location = context.python.aerich?.location ?? './migrations';
  const root = joinRelative(context.dir, location.replace(/^\.\//, ''));
  if (!context.files.dirs.has(root)) return [];
  return context.files.subdirsOf(root).map((dir) => {
    const migrations = filesOf(context, dir, /^\d+_.+\.py$/)
      .map((file) => {
        const text = read(context, file);
        const id = baseOf(file).replace(/\.py$/, '');
        return entry('tortoise', file, id, id.replace(/^\d+_(\d+_)?/, ''), pythonBody(text, 'downgrade') !== '', true);
      })
      .sort((a, b) => Number(/^\d+/.exec(a.id)?.[0]) - Number(/^\d+/.exec(b.id)?.[0]));
    return finish('tortoise', dir, migrations, context);
  });
}

function scanDiesel(context: PackageContext): MigrationScan[] {
  const toml = ownFilesNamed(context, /^diesel\.toml$/)[0];
  let configured: string | undefined;
  if (toml) {
    const parsed = parseTomlText(read(context, toml), toml);
    const section = parsed.migrations_directory as { dir?: unknown } | undefined;
    if (typeof section?.dir === 'string') configured = section.dir;
  }
  const dir = joinRelative(toml ? dirOf(toml) : context.dir, configured ?? 'migrations');
  if (!context.files.dirs.has(dir)) return [];
  const migrations = context.files
    .subdirsOf(dir)
    .filter((folder) => context.files.filesIn(folder).includes('up.sql'))
    .map((folder) => {
      const id = baseOf(folder);
      const down = context.files.filesIn(folder).includes('down.sql')
        ? read(context, joinRelative(folder, 'down.sql')).replace(/--.*$/gm, '').trim()
        : '';
      const metadata = context.files.filesIn(folder).includes('metadata.toml')
        ? read(context, joinRelative(folder, 'metadata.toml'))
        : '';
      return entry(
        'diesel',
        folder,
        id,
        id.replace(/^[\d-]+_/, ''),
        down !== '',
        !/run_in_transaction\s*=\s*false/.test(metadata),
      );
    });
  return [finish('diesel', dir, migrations, context)];
}

// ---------------------------------------------------------------------------------------------- plain SQL

const GOLANG_MIGRATE = /^(\d+)_(.+)\.(up|down)\.sql$/;
const FLYWAY = /^([VUR])(\d+(?:[._]\d+)*)?__(.+)\.sql$/;

/** Folders of .sql files in golang-migrate, Flyway, dbmate, goose or sql-migrate format, told apart by name and markers. */
function scanPlainSql(context: PackageContext, claimed: Set<string>): MigrationScan[] {
  const scans: MigrationScan[] = [];
  for (const dir of context.ownDirs) {
    if (claimed.has(dir) || [...claimed].some((path) => dir.startsWith(`${path}/`))) continue;
    const sqlFiles = context.files.filesIn(dir).filter((name) => name.endsWith('.sql'));
    if (!sqlFiles.length) continue;
    const tool = classifySqlFolder(context, dir, sqlFiles);
    if (!tool) continue;
    scans.push(finish(tool, dir, plainSqlEntries(context, dir, sqlFiles, tool), context));
  }
  return scans;
}

function classifySqlFolder(context: PackageContext, dir: string, names: string[]): ToolName | undefined {
  if (names.some((name) => GOLANG_MIGRATE.test(name))) return 'golang-migrate';
  if (names.some((name) => /^V\d/.test(name) && FLYWAY.test(name))) return 'flyway';
  for (const name of names.filter((candidate) => /^\d/.test(candidate))) {
    const text = read(context, joinRelative(dir, name));
    if (/^--\s*migrate:up/m.test(text)) return 'dbmate';
    if (/^--\s*\+goose\s+up/im.test(text)) return 'goose';
    if (/^--\s*\+migrate\s+up/im.test(text)) return 'sql-migrate';
  }
  return undefined;
}

function plainSqlEntries(context: PackageContext, dir: string, names: string[], tool: ToolName): MigrationEntry[] {
  if (tool === 'golang-migrate') {
    const versions = new Map<string, { name: string; up?: string; down?: string }>();
    for (const name of names) {
      const match = GOLANG_MIGRATE.exec(name);
      if (!match) continue;
      const version = versions.get(match[1]!) ?? { name: match[2]! };
      version[match[3] as 'up' | 'down'] = joinRelative(dir, name);
      versions.set(match[1]!, version);
    }
    return [...versions.entries()]
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([version, files]) => {
        const up = files.up ? read(context, files.up) : '';
        const down = files.down ? read(context, files.down).replace(/--.*$/gm, '').trim() : '';
        return entry(
          'golang-migrate',
          files.up ?? files.down!,
          version,
          files.name,
          down !== '',
          /^\s*BEGIN\b/im.test(up),
        );
      });
  }
  if (tool === 'flyway') {
    const undo = new Set(
      names
        .map((name) => FLYWAY.exec(name))
        .filter((m) => m?.[1] === 'U')
        .map((m) => m![2]),
    );
    const versioned = names
      .map((name) => ({ name, match: FLYWAY.exec(name) }))
      .filter((item) => item.match && item.match[1] !== 'U');
    const key = (version: string | undefined) => (version ?? '').split(/[._]/).map(Number);
    versioned.sort((a, b) => {
      if (a.match![1] !== b.match![1]) return a.match![1] === 'V' ? -1 : 1;
      const left = key(a.match![2]);
      const right = key(b.match![2]);
      for (let index = 0; index < Math.max(left.length, right.length); index++) {
        const difference = (left[index] ?? 0) - (right[index] ?? 0);
        if (difference) return difference;
      }
      return a.name.localeCompare(b.name);
    });
    return versioned.map(({ name, match }) =>
      entry(
        'flyway',
        joinRelative(dir, name),
        match![1] === 'R' ? `R:${match![3]}` : match![2]!,
        match![3]!,
        undo.has(match![2]),
        true,
      ),
    );
  }
  const markers: Record<string, { up: RegExp; down: RegExp; noTransaction: RegExp }> = {
    dbmate: {
      up: /^--\s*migrate:up.*$/m,
      down: /^--\s*migrate:down.*$/m,
      noTransaction: /migrate:up\s+transaction:false/,
    },
    goose: {
      up: /^--\s*\+goose\s+up.*$/im,
      down: /^--\s*\+goose\s+down.*$/im,
      noTransaction: /\+goose\s+NO\s+TRANSACTION/i,
    },
    'sql-migrate': {
      up: /^--\s*\+migrate\s+up.*$/im,
      down: /^--\s*\+migrate\s+down.*$/im,
      noTransaction: /\+migrate\s+up\s+notransaction/i,
    },
  };
  const marker = markers[tool]!;
  return names
    .filter((name) => /^\d+_.+\.sql$/.test(name))
    .sort((a, b) => Number(/^\d+/.exec(a)![0]) - Number(/^\d+/.exec(b)![0]) || a.localeCompare(b))
    .map((name) => {
      const file = joinRelative(dir, name);
      const text = read(context, file);
      const down = sqlSection(text, marker.down, /^--\s*(migrate:|\+goose|\+migrate)/im) ?? '';
      const id = /^\d+/.exec(name)![0];
      return entry(
        tool,
        file,
        id,
        name.replace(/^\d+_/, '').replace(/\.sql$/, ''),
        down !== '',
        !marker.noTransaction.test(text),
      );
    });
}

// ---------------------------------------------------------------------------------------------- conventions

const NAMING: [RegExp, (match: RegExpExecArray) => string][] = [
  [/^\d{4}-\d{2}-\d{2}-\d{6}_/, () => 'YYYY-MM-DD-HHMMSS_name'],
  [/^\d{14}_/, () => 'YYYYMMDDHHMMSS_name'],
  [/^\d{14}-/, () => 'YYYYMMDDHHMMSS-name'],
  [/^\d{13}-/, () => '<unix ms>-Name'],
  [/^\d{13}_/, () => '<unix ms>_name'],
  [/^\d{4}_\d{2}_\d{2}_/, () => 'YYYY_MM_DD_name'],
  [/^Migration\d{14}/, () => 'MigrationYYYYMMDDHHMMSS'],
  [/^V\d+(?:[._]\d+)*__/, () => 'V<version>__name'],
  [/^\d+_\d{14}_/, () => '<n>_YYYYMMDDHHMMSS_name'],
  [/^\d{10}_/, () => '<unix s>_name'],
  [/^(\d+)_/, (match) => (match[1]!.length > 1 ? `${'0'.repeat(match[1]!.length - 1)}1_name` : '<n>_name')],
  [/^[0-9a-f]{8,}_/, () => '<revision>_name'],
];

function namingOf(base: string): string {
  for (const [pattern, label] of NAMING) {
    const match = pattern.exec(base);
    if (match) return label(match);
  }
  return 'name';
}

function mostCommon(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

function conventionsOf(tool: ToolName, migrations: MigrationEntry[], context: PackageContext): Conventions {
  const bases = migrations.map((migration) => baseOf(migration.path));
  const newest = migrations.filter((migration) => !migration.id.startsWith('R:')).at(-1) ?? migrations.at(-1)!;
  const folderFormat = tool === 'prisma' || tool === 'diesel' || !/\.\w+$/.test(baseOf(newest.path));
  const extension = folderFormat
    ? tool === 'diesel'
      ? 'up.sql + down.sql'
      : 'migration.sql'
    : mostCommon(bases.map((base) => /\.(\w+)$/.exec(base)?.[0] ?? ''));
  const downs = migrations.filter((migration) => migration.hasDown).length;
  const down: DownPresence = downs === migrations.length ? 'always' : downs === 0 ? 'never' : 'sometimes';
  return {
    tool,
    naming: namingOf(baseOf(newest.path)),
    example: baseOf(newest.path),
    extension,
    moduleStyle: moduleStyleOf(extension, migrations, context),
    down,
    transaction: TRANSACTION[tool],
  };
}

function moduleStyleOf(
  extension: string,
  migrations: MigrationEntry[],
  context: PackageContext,
): Conventions['moduleStyle'] {
  if (extension.includes('sql')) return 'sql';
  if (extension === '.py') return 'python';
  if (extension === '.go') return 'go';
  if (extension === '.ts' || extension === '.mts' || extension === '.cts') return 'ts';
  if (extension === '.cjs') return 'cjs';
  if (extension === '.mjs') return 'esm';
  if (extension === '.js') {
    const text = read(context, migrations.at(-1)!.path);
    if (/\bmodule\.exports\b|\bexports\.\w+\s*=/.test(text)) return 'cjs';
    if (/^\s*export\s/m.test(text)) return 'esm';
  }
  return 'none';
}
