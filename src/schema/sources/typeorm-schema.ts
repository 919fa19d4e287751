import { UserError } from '../../errors.js';
import { requireFromProject } from '../../sources/loader.js';
import { loadBundle } from './code-run.js';

/**
 * Runs inside the sandbox only: loads the project's TypeORM entities (one bundle, so relations see one class
 * each) and asks the project's own TypeORM for the DDL `synchronize` would run on an empty database — its schema
 * builder in SQL-memory mode, its catalog reads answered "nothing there yet" (what the fresh shadow holds). No
 * connection is opened: any other query is refused, and said.
 */

export type CodeSchemaEngine = 'postgresql' | 'mysql' | 'sqlite';

/** What a code schema (TypeORM entities, Sequelize models) creates on an empty database, and where. */
export interface CodeSchemaInfo {
  engine: CodeSchemaEngine;
  statements: string[];
  /** The tables it declares, for reports. */
  entities: string[];
  /**
   * Set when nothing was planned because the config names its entities by path only (globs, folders): the
   * caller loads those modules with it and asks again.
   */
  entityPaths?: string[];
}

// biome-ignore lint/suspicious/noExplicitAny: TypeORM's classes are loaded at run time, from the project
type Any = any;

const DRIVERS: Record<string, CodeSchemaEngine> = {
  postgres: 'postgresql',
  cockroachdb: 'postgresql',
  mysql: 'mysql',
  mariadb: 'mysql',
  'aurora-mysql': 'mysql',
  sqlite: 'sqlite',
  'better-sqlite3': 'sqlite',
};

/** The driver a data source of each engine is given when the project names none (no data source loaded). */
const DEFAULT_DRIVER: Record<CodeSchemaEngine, string> = {
  postgresql: 'postgres',
  mysql: 'mysql',
  sqlite: 'better-sqlite3',
};

export async function describeTypeormSchema(
  root: string,
  bundle: string,
  code: string,
  label: string,
  engine: CodeSchemaEngine | undefined,
): Promise<CodeSchemaInfo> {
  const loaded = loadBundle(root, bundle, code, label, 'typeorm') as Record<string, unknown>[];
  const typeorm = requireFromProject<Any>(root, 'typeorm').module;
  const exported = loaded.flatMap((module) => Object.values(module ?? {}));
  const projectSource: Any = exported.find((value) => value instanceof typeorm.DataSource);
  const entities = entitiesOf(typeorm, projectSource);
  const paths = entityPaths(projectSource?.options.entities);
  if (entities.length === 0 && paths.length > 0)
    return { engine: engine ?? 'postgresql', statements: [], entities: [], entityPaths: paths };
  if (entities.length === 0)
    throw new UserError(
      'typeorm-no-entities',
      `${label} declares no TypeORM entity (no @Entity class, no EntitySchema, no DataSource listing them).`,
      'Point at the data source module or at the entity files (a glob such as src/entity/*.ts).',
      { file: label },
    );
  const type: string = projectSource?.options.type ?? DEFAULT_DRIVER[engine ?? 'postgresql'];
  const sourceEngine = DRIVERS[type];
  if (!sourceEngine)
    throw new UserError(
      'typeorm-driver-unsupported',
      `${label}: the data source's type "${type}" is not PostgreSQL, MySQL/MariaDB or SQLite.`,
      'Diff against a database of that engine (db:<url>) instead.',
      { file: label },
    );
  const dataSource = new typeorm.DataSource({
    ...(projectSource?.options ?? {}),
    type,
    // Unconnected, TypeORM still wants a database name (MySQL qualifies nothing with it when it is the current one).
    ...(sourceEngine === 'sqlite' ? { database: ':memory:' } : {}),
    ...(sourceEngine === 'mysql' && !projectSource?.options.database ? { database: 'shadow' } : {}),
    entities,
    migrations: [],
    subscribers: [],
    synchronize: false,
    logging: false,
  });
  await dataSource.buildMetadatas();
  return { engine: sourceEngine, statements: await synchronizeSql(dataSource, label), entities: names(dataSource) };
}

/** The data source's entities when it lists classes or schemas (paths cannot load here); else every @Entity loaded. */
function entitiesOf(typeorm: Any, dataSource: Any): unknown[] {
  const listed: unknown[] = Array.isArray(dataSource?.options.entities) ? dataSource.options.entities : [];
  const loadable = listed.filter((entity) => typeof entity !== 'string');
  if (loadable.length > 0 && loadable.length === listed.length) return loadable;
  const declared = typeorm
    .getMetadataArgsStorage()
    .tables.map((table: Any) => table.target)
    .filter((target: unknown) => typeof target === 'function');
  return [...new Set([...loadable, ...declared])];
}

async function synchronizeSql(dataSource: Any, label: string): Promise<string[]> {
  const runner = dataSource.driver.createQueryRunner('master');
  const nothing = async () => [];
  Object.assign(runner, {
    getTables: nothing,
    getViews: nothing,
    hasTable: async () => false,
    hasEnumType: async () => false,
    query: async (sql: string) => {
      throw new UserError(
        'typeorm-needs-database',
        `TypeORM asked the database a question while planning ${label}'s tables: ${sql.slice(0, 120)}`,
        'Diff against a database the entities were synchronized to (db:<url>), or against the migrations.',
        { file: label },
      );
    },
  });
  dataSource.createQueryRunner = () => runner;
  const memory = await dataSource.driver.createSchemaBuilder().log();
  return memory.upQueries.map((query: Any) => query.query as string);
}

/** The string entries of an entities option (globs, folders), the ones that cannot load from here. */
export function entityPaths(listed: unknown): string[] {
  return Array.isArray(listed) ? listed.filter((entry): entry is string => typeof entry === 'string') : [];
}

function names(dataSource: Any): string[] {
  return dataSource.entityMetadatas.map((metadata: Any) => metadata.tableName as string);
}
