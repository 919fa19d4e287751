import { configString, ownFilesNamed, type PackageContext } from './context.js';
import { isRecord, parseYamlText } from './parse.js';
import type { EngineFinding, Evidence } from './types.js';

/**
 * Where the database engine is named: ORM configs (Prisma datasource, knexfile, drizzle config, TypeORM
 * DataSource, Sequelize and MikroORM config), alembic.ini, Django settings, sqlc configs, DATABASE_URL in .env
 * files and docker-compose images. Database drivers in the dependencies count only when no config names the engine.
 */

export interface EngineClaim {
  engine: string;
  version?: string;
  evidence: Evidence;
  /** 'config' beats 'driver'. */
  strength: 'config' | 'driver';
}

const ENGINE_ALIASES: Record<string, string> = {
  postgres: 'postgresql',
  postgresql: 'postgresql',
  pg: 'postgresql',
  pgnative: 'postgresql',
  'pg-native': 'postgresql',
  psql: 'postgresql',
  postgis: 'postgresql',
  mysql: 'mysql',
  mysql2: 'mysql',
  mariadb: 'mariadb',
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  'better-sqlite3': 'sqlite',
  'better-sqlite': 'sqlite',
  libsql: 'sqlite',
  turso: 'sqlite',
  d1: 'sqlite',
  file: 'sqlite',
  mongodb: 'mongodb',
  mongo: 'mongodb',
  'mongodb+srv': 'mongodb',
  mssql: 'mssql',
  sqlserver: 'mssql',
  tedious: 'mssql',
  cockroachdb: 'cockroachdb',
  cockroach: 'cockroachdb',
  oracle: 'oracle',
  oracledb: 'oracle',
  trilogy: 'mysql',
  myxql: 'mysql',
  tds: 'mssql',
};

/** Maps a provider, client, dialect or URL scheme to an engine name; unknown names are kept as written. */
export function engineName(raw: string): string {
  const key = raw.toLowerCase().split('+')[0]!.trim();
  if (raw.toLowerCase() === 'mongodb+srv') return 'mongodb';
  return ENGINE_ALIASES[key] ?? key;
}

/** sqlx names its driver as a Cargo feature: `sqlx = { features = ["postgres", …] }` (one engine only). */
function sqlxEngine(name: string, field: string): string | undefined {
  if (name !== 'sqlx') return undefined;
  const features = /features=(\S*)/.exec(field)?.[1]?.split(',') ?? [];
  const engines = [
    ...new Set(
      features.map((feature) =>
        feature === 'postgres' ? 'postgresql' : feature === 'mysql' ? 'mysql' : feature === 'sqlite' ? 'sqlite' : '',
      ),
    ),
  ].filter(Boolean);
  return engines.length === 1 ? engines[0] : undefined;
}

const DRIVERS: Record<string, string> = {
  pg: 'postgresql',
  postgres: 'postgresql',
  '@neondatabase/serverless': 'postgresql',
  '@vercel/postgres': 'postgresql',
  mysql: 'mysql',
  mysql2: 'mysql',
  mariadb: 'mariadb',
  sqlite3: 'sqlite',
  '@louislam/sqlite3': 'sqlite',
  'better-sqlite3': 'sqlite',
  '@libsql/client': 'sqlite',
  mongodb: 'mongodb',
  mongoose: 'mongodb',
  tedious: 'mssql',
  mssql: 'mssql',
  oracledb: 'oracle',
  'node-pg-migrate': 'postgresql',
  'db-migrate-pg': 'postgresql',
  'db-migrate-mysql': 'mysql',
  'db-migrate-sqlite3': 'sqlite',
  '@mikro-orm/postgresql': 'postgresql',
  '@mikro-orm/mysql': 'mysql',
  '@mikro-orm/mariadb': 'mariadb',
  '@mikro-orm/sqlite': 'sqlite',
  '@mikro-orm/better-sqlite': 'sqlite',
  '@mikro-orm/mongodb': 'mongodb',
  '@mikro-orm/mssql': 'mssql',
  psycopg2: 'postgresql',
  'psycopg2-binary': 'postgresql',
  psycopg: 'postgresql',
  asyncpg: 'postgresql',
  pymysql: 'mysql',
  mysqlclient: 'mysql',
  aiomysql: 'mysql',
  asyncmy: 'mysql',
  aiosqlite: 'sqlite',
  pymongo: 'mongodb',
  motor: 'mongodb',
  'github.com/lib/pq': 'postgresql',
  'github.com/jackc/pgx/v5': 'postgresql',
  'github.com/jackc/pgx/v4': 'postgresql',
  'github.com/go-sql-driver/mysql': 'mysql',
  'github.com/mattn/go-sqlite3': 'sqlite',
  'modernc.org/sqlite': 'sqlite',
};

const DOCKER_IMAGES: [RegExp, string][] = [
  // pgautoupgrade runs the PostgreSQL major its tag names (lemmy: pgautoupgrade/pgautoupgrade:18-alpine).
  [/(^|\/)(postgres|postgresql|postgis|timescaledb[\w-]*|pgautoupgrade)$/, 'postgresql'],
  [/(^|\/)mysql(-server)?$/, 'mysql'],
  [/(^|\/)mariadb$/, 'mariadb'],
  [/(^|\/)mongo(db)?$/, 'mongodb'],
  [/mssql\/server$/, 'mssql'],
  [/(^|\/)cockroach$/, 'cockroachdb'],
];

export function collectEngineClaims(context: PackageContext): EngineClaim[] {
  const claims: EngineClaim[] = [];
  const add = (raw: string, file: string, what: string, version?: string) =>
    claims.push({
      engine: engineName(raw),
      ...(version ? { version } : {}),
      evidence: { file, what },
      strength: 'config',
    });
  const read = (file: string) => context.files.read(file) ?? '';

  for (const file of ownFilesNamed(context, /\.prisma$/)) {
    const datasource = /datasource\s+\w+\s*\{([^}]*)\}/.exec(read(file));
    const provider = datasource ? /provider\s*=\s*"([^"]+)"/.exec(datasource[1]!) : null;
    if (provider) add(provider[1]!, file, `datasource provider = "${provider[1]}"`);
  }
  for (const file of ownFilesNamed(context, /^knexfile\.(c|m)?(js|ts)$/)) {
    for (const match of read(file).matchAll(/\bclient\s*:\s*['"`]([\w-]+)['"`]/g))
      add(match[1]!, file, `client: '${match[1]}'`);
  }
  for (const file of ownFilesNamed(context, /^drizzle\.config\.(c|m)?(js|ts|json)$/)) {
    const source = read(file);
    const dialect = configString(source, 'dialect') ?? configString(source, 'driver');
    if (dialect) add(dialect, file, `${configString(source, 'dialect') ? 'dialect' : 'driver'}: '${dialect}'`);
  }
  for (const file of typeormConfigFiles(context)) {
    const source = read(file);
    if (!/new\s+DataSource\s*\(|ormconfig|typeorm/i.test(`${file}\n${source.slice(0, 4000)}`)) continue;
    for (const match of source.matchAll(/['"]?\btype['"]?\s*:\s*['"]([\w-]+)['"]/g))
      add(match[1]!, file, `DataSource type: '${match[1]}'`);
  }
  for (const file of sequelizeConfigFiles(context)) {
    const seen = new Set<string>();
    for (const match of read(file).matchAll(/['"]?\bdialect['"]?\s*:\s*['"]([\w-]+)['"]/g)) {
      if (seen.has(match[1]!)) continue;
      seen.add(match[1]!);
      add(match[1]!, file, `dialect: '${match[1]}'`);
    }
  }
  for (const file of ownFilesNamed(context, /^mikro-orm\.config\.(c|m)?(js|ts)$/)) {
    const source = read(file);
    const driver = /\b(PostgreSql|MySql|MariaDb|Sqlite|BetterSqlite|MongoDb|MsSql|LibSql)Driver\b/.exec(source);
    if (driver)
      add(driver[1]!.replace('BetterSqlite', 'sqlite').replace('LibSql', 'sqlite'), file, `driver: ${driver[0]}`);
    const type = configString(source, 'type');
    if (!driver && type) add(type, file, `type: '${type}'`);
  }
  for (const file of ownFilesNamed(context, /^alembic\.ini$/)) {
    const url = /^sqlalchemy\.url\s*=\s*([\w+]+):\/\//m.exec(read(file));
    if (url) add(url[1]!, file, `sqlalchemy.url = ${url[1]}://…`);
  }
  for (const file of ownFilesNamed(context, /^(settings|base|production|local)\.py$/)) {
    for (const match of read(file).matchAll(/['"]ENGINE['"]\s*:\s*['"]django\.db\.backends\.(\w+)['"]/g)) {
      add(match[1]!, file, `DATABASES ENGINE django.db.backends.${match[1]}`);
    }
  }
  for (const file of ownFilesNamed(context, /^(config|settings|database|db|session)\.py$/)) {
    const url = /(?:create_engine|create_async_engine|db_url|["']default["'])\s*[(:=]\s*f?["']([\w+]+):\/\//.exec(
      read(file),
    );
    if (url) add(url[1]!, file, `connection URL ${url[1]}://…`);
  }
  for (const file of ownFilesNamed(context, /^flyway\.(conf|toml)$/)) {
    const url = /\burl\s*=\s*["']?jdbc:(\w+):/.exec(read(file));
    if (url) add(url[1]!, file, `url = jdbc:${url[1]}:…`);
  }
  for (const file of ownFilesNamed(context, /^dbconfig\.ya?ml$/)) {
    const dialect = /^\s*dialect:\s*['"]?(\w+)/m.exec(read(file));
    if (dialect) add(dialect[1]!, file, `dialect: ${dialect[1]}`);
  }
  for (const file of ownFilesNamed(context, /^sqitch\.conf$/)) {
    const engine = /^\s*engine\s*=\s*(\w+)/m.exec(read(file));
    if (engine) add(engine[1]!, file, `[core] engine = ${engine[1]}`);
  }
  for (const file of context.ownFiles.filter((path) =>
    /(^|\/)config\/database\.yml(\.sample|\.example)?$/.test(path),
  )) {
    const adapter = /^\s*adapter:\s*['"]?(\w+)/m.exec(read(file));
    if (adapter) add(adapter[1]!, file, `adapter: ${adapter[1]}`);
  }
  for (const file of context.ownFiles.filter((path) => /(^|\/)config\/\w+\.exs$|(^|\/)lib\/.*repo\.ex$/.test(path))) {
    const adapter = /\bEcto\.Adapters\.(Postgres|MyXQL|SQLite3|Tds)\b/.exec(read(file));
    if (adapter) add(adapter[1]!, file, `Ecto.Adapters.${adapter[1]}`);
  }
  for (const file of ownFilesNamed(context, /^liquibase\.properties$/)) {
    const url = /^\s*url\s*[:=]\s*jdbc:(\w+):/m.exec(read(file));
    if (url) add(url[1]!, file, `url: jdbc:${url[1]}:…`);
  }
  for (const file of ownFilesNamed(context, /^atlas\.hcl$/)) {
    const url = /\burl\s*=\s*"(\w+):\/\//.exec(read(file));
    if (url) add(url[1]!, file, `url = "${url[1]}://…"`);
  }
  for (const file of ownFilesNamed(context, /^sqlc\.(ya?ml|json)$/)) {
    for (const engine of sqlcEngines(read(file), file)) add(engine, file, `sqlc engine: ${engine}`);
  }
  for (const file of ownFilesNamed(context, /^\.env(\..+)?$/)) {
    for (const match of read(file).matchAll(/^\s*(?:export\s+)?(DATABASE_URL|DB_URL)\s*=\s*['"]?([\w+]+):/gm)) {
      add(match[2]!, file, `${match[1]} scheme ${match[2]}://`);
    }
  }
  for (const file of ownFilesNamed(context, /^(docker-)?compose(\.[\w-]+)?\.ya?ml$/)) {
    claims.push(...composeClaims(read(file), file));
  }
  if (!claims.length) {
    for (const dependency of context.dependencies) {
      const engine = DRIVERS[dependency.name] ?? sqlxEngine(dependency.name, dependency.field);
      if (engine) {
        claims.push({
          engine,
          evidence: {
            file: dependency.file,
            what: `driver ${dependency.name} ${dependency.version} in ${dependency.field}`,
          },
          strength: 'driver',
        });
      }
    }
  }
  return claims;
}

function typeormConfigFiles(context: PackageContext): string[] {
  return ownFilesNamed(
    context,
    /^(ormconfig\.(json|js|ts|ya?ml)|.*data-?source\.(c|m)?(js|ts)|typeorm\.config\.(js|ts))$/i,
  );
}

function sequelizeConfigFiles(context: PackageContext): string[] {
  return context.ownFiles.filter((file) => /(^|\/)config\/(config|database)\.(json|c?js)$/.test(file));
}

/** The engines of an sqlc config: `sql[].engine` (version 2) or `packages[].engine` (version 1). */
function sqlcEngines(text: string, file: string): string[] {
  const parsed = parseYamlText(text, file);
  if (!isRecord(parsed)) return [];
  const blocks = [parsed.sql, parsed.packages].flatMap((list) => (Array.isArray(list) ? list : []));
  const engines = blocks.map((block) => (isRecord(block) ? block.engine : undefined));
  return [...new Set(engines.filter((engine): engine is string => typeof engine === 'string'))];
}

function composeClaims(text: string, file: string): EngineClaim[] {
  const parsed = parseYamlText(text, file);
  const services = isRecord(parsed) && isRecord(parsed.services) ? parsed.services : {};
  const claims: EngineClaim[] = [];
  for (const [service, definition] of Object.entries(services)) {
    const image = isRecord(definition) && typeof definition.image === 'string' ? definition.image : undefined;
    if (!image) continue;
    const [repository = '', tag = ''] = image.split('@')[0]!.split(/:(?=[^/]*$)/);
    const engine = DOCKER_IMAGES.find(([pattern]) => pattern.test(repository))?.[1];
    if (!engine) continue;
    const version = /^\d+(\.\d+)*/.exec(tag)?.[0];
    claims.push({
      engine,
      ...(version ? { version } : {}),
      evidence: { file, what: `service ${service} image ${image}` },
      strength: 'config',
    });
  }
  return claims;
}

/** MySQL and MariaDB speak the same protocol: a MariaDB image settles a `mysql` provider. */
function compatible(a: string, b: string): boolean {
  return a === b || (new Set([a, b]).has('mysql') && new Set([a, b]).has('mariadb'));
}

/** One engine when every claim agrees; otherwise undefined plus an ambiguity listing every claim. */
export function resolveEngine(claims: EngineClaim[]): { engine?: EngineFinding; ambiguity?: string } {
  if (!claims.length) return {};
  const names = [...new Set(claims.map((claim) => claim.engine))];
  const agree = names.every((name) => compatible(name, names[0]!));
  if (!agree) {
    const listed = claims.map((claim) => `${claim.engine} (${claim.evidence.file}: ${claim.evidence.what})`).join('; ');
    return { ambiguity: `conflicting engines: ${listed}` };
  }
  const name = names.includes('mariadb') ? 'mariadb' : names[0]!;
  const version = claims.find((claim) => claim.version)?.version;
  return { engine: { name, ...(version ? { version } : {}), evidence: claims.map((claim) => claim.evidence) } };
}
