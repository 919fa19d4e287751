import { UserError } from '../../errors.js';
import { requireFromProject } from '../../sources/loader.js';
import { loadBundle } from './code-run.js';
import { type CodeSchemaEngine, type CodeSchemaInfo, entityPaths } from './typeorm-schema.js';

/**
 * Runs inside the sandbox only: loads the project's MikroORM entities (and its config, when among the modules)
 * and asks the project's own MikroORM for the SQL its schema generator creates on an empty database
 * (`getCreateSchemaSQL`), initialised without connecting.
 */

// biome-ignore lint/suspicious/noExplicitAny: MikroORM's classes are loaded at run time, from the project
type Any = any;

const DRIVER_ENGINES: [RegExp, CodeSchemaEngine][] = [
  [/^PostgreSql/, 'postgresql'],
  [/^(MySql|MariaDb)/, 'mysql'],
  [/^(Sqlite|BetterSqlite|LibSql)/, 'sqlite'],
];

/** The driver package of each engine, used when no config names a driver. */
const DEFAULT_DRIVERS: Record<CodeSchemaEngine, [string, string]> = {
  postgresql: ['@mikro-orm/postgresql', 'PostgreSqlDriver'],
  mysql: ['@mikro-orm/mysql', 'MySqlDriver'],
  sqlite: ['@mikro-orm/sqlite', 'SqliteDriver'],
};

export async function describeMikroormSchema(
  root: string,
  bundle: string,
  code: string,
  label: string,
  engine: CodeSchemaEngine | undefined,
): Promise<CodeSchemaInfo> {
  const loaded = loadBundle(root, bundle, code, label, 'mikroorm') as Record<string, unknown>[];
  const core = requireFromProject<Any>(root, '@mikro-orm/core').module;
  const exported = loaded.flatMap((module) => Object.values(module ?? {}));
  const config: Any = exported.find(
    (value: Any) => value && typeof value === 'object' && (typeof value.driver === 'function' || 'entities' in value),
  );
  const entities = entitiesOf(core, config, exported);
  // TypeScript sources first: entitiesTs is what MikroORM loads when run from TypeScript, entities the built JS.
  const paths = [...entityPaths(config?.entitiesTs), ...entityPaths(config?.entities)];
  if (entities.length === 0 && paths.length > 0)
    return { engine: engine ?? 'postgresql', statements: [], entities: [], entityPaths: paths };
  if (entities.length === 0)
    throw new UserError(
      'mikroorm-no-entities',
      `${label} declares no MikroORM entity (no @Entity class, no EntitySchema, no config listing them).`,
      'Point at the entity files (a glob such as src/**/*.entity.ts), with the config file among them if it names the driver.',
      { file: label },
    );
  const driver = config?.driver ?? defaultDriver(root, engine ?? 'postgresql');
  const driverEngine = DRIVER_ENGINES.find(([pattern]) => pattern.test(String(driver?.name)))?.[1];
  if (!driverEngine)
    throw new UserError(
      'mikroorm-driver-unsupported',
      `${label}: the MikroORM driver ${String(driver?.name)} is not PostgreSQL, MySQL/MariaDB or SQLite.`,
      'Diff against a database of that engine (db:<url>) instead.',
      { file: label },
    );
  const orm = core.MikroORM.initSync({
    ...(config ?? {}),
    driver,
    entities,
    entitiesTs: [],
    dbName: config?.dbName ?? (driverEngine === 'sqlite' ? ':memory:' : 'shadow'),
    connect: false,
    debug: false,
    discovery: { ...(config?.discovery ?? {}), warnWhenNoEntities: false },
  });
  const sql: string = await orm.getSchemaGenerator().getCreateSchemaSQL({ wrap: false });
  const statements = sql
    .split(/;\n/)
    .map((statement) => statement.trim())
    .filter(Boolean);
  return {
    engine: driverEngine,
    statements,
    entities: Object.values(orm.getMetadata().getAll()).map((meta: Any) => String(meta.tableName)),
  };
}

/** The config's entities when it lists classes or schemas (paths cannot load here); else every entity loaded. */
function entitiesOf(core: Any, config: Any, exported: unknown[]): unknown[] {
  const listed: unknown[] = Array.isArray(config?.entities) ? config.entities : [];
  const loadable = listed.filter((entity) => typeof entity !== 'string');
  if (loadable.length > 0 && loadable.length === listed.length) return loadable;
  const decorated = Object.values(core.MetadataStorage.getMetadata() as Record<string, Any>)
    .map((meta) => meta.class)
    .filter((target) => typeof target === 'function');
  const schemas = exported.filter((value) => value instanceof core.EntitySchema);
  return [...new Set([...loadable, ...decorated, ...schemas])];
}

function defaultDriver(root: string, engine: CodeSchemaEngine): Any {
  const [name, driver] = DEFAULT_DRIVERS[engine];
  try {
    return requireFromProject<Any>(root, name).module[driver];
  } catch {
    throw new UserError(
      'mikroorm-driver-missing',
      `No MikroORM config names a driver, and ${name} is not installed for the ${engine} default.`,
      'Include the MikroORM config (mikro-orm.config.ts) among the modules, or install the driver package.',
    );
  }
}
