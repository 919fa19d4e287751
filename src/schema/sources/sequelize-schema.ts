import { UserError } from '../../errors.js';
import { requireFromProject } from '../../sources/loader.js';
import { loadBundle } from './code-run.js';
import type { CodeSchemaEngine, CodeSchemaInfo } from './typeorm-schema.js';

/**
 * Runs inside the sandbox only: loads the project's Sequelize models and records the DDL the project's own
 * `sequelize.sync()` sends to an empty database. Its catalog reads (does the table exist, which enums and
 * indexes are there) are answered "nothing yet", which is what the fresh shadow holds; nothing connects.
 */

// biome-ignore lint/suspicious/noExplicitAny: Sequelize's classes are loaded at run time, from the project
type Any = any;

const ENGINES: Record<string, CodeSchemaEngine> = {
  postgres: 'postgresql',
  mysql: 'mysql',
  mariadb: 'mysql',
  sqlite: 'sqlite',
};

/** Query types that read the catalog; everything else sync sends is DDL. */
const READS = new Set(['SELECT', 'SHOWTABLES', 'SHOWINDEXES', 'DESCRIBE', 'FOREIGNKEYS', 'SHOWCONSTRAINTS']);

export async function describeSequelizeSchema(
  root: string,
  bundle: string,
  code: string,
  label: string,
): Promise<CodeSchemaInfo> {
  const loaded = loadBundle(root, bundle, code, label, 'sequelize') as Record<string, unknown>[];
  const { Sequelize } = requireFromProject<Any>(root, 'sequelize').module;
  const instance = instanceIn(loaded, Sequelize);
  if (!instance)
    throw new UserError(
      'sequelize-no-instance',
      `${label} exports no Sequelize instance and no model defined on one.`,
      'Point at the module that creates the Sequelize instance and defines the models (often models/index.js).',
      { file: label },
    );
  const dialect: string = instance.getDialect();
  const engine = ENGINES[dialect];
  if (!engine)
    throw new UserError(
      'sequelize-dialect-unsupported',
      `${label}: the Sequelize dialect "${dialect}" is not PostgreSQL, MySQL/MariaDB or SQLite.`,
      'Diff against a database of that engine (db:<url>) instead.',
      { file: label },
    );
  const statements: string[] = [];
  instance.query = async (sql: Any, options: Any = {}) => {
    if (options.type && READS.has(options.type)) return options.plain ? null : [];
    statements.push(typeof sql === 'string' ? sql : sql.query);
    return options.plain ? null : [[], 0];
  };
  // After creating an enum, the postgres dialect reloads type OIDs over a connection: there is none to refresh.
  instance.dialect.connectionManager._refreshDynamicOIDs = async () => undefined;
  await instance.sync();
  return {
    engine,
    statements: statements.map((statement) => statement.trim().replace(/;$/, '')),
    entities: Object.values(instance.models).map((model: Any) => String(model.getTableName())),
  };
}

/** The instance itself, one among a module's exports (`{ sequelize, User }`), or the one a model is defined on. */
function instanceIn(loaded: unknown[], Sequelize: Any): Any {
  const candidates = loaded.flatMap((value) =>
    value && typeof value === 'object' ? [value, ...Object.values(value)] : [value],
  );
  const direct = candidates.find((value) => value instanceof Sequelize);
  if (direct) return direct;
  return candidates.map((value: Any) => value?.sequelize).find((value) => value instanceof Sequelize);
}
