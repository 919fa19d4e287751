import { UserError } from '../../errors.js';

/**
 * What Sequelize's QueryInterface asks the database while it builds SQL, answered from the migrations recorded
 * so far: `renameColumn` describes the table first (MySQL's CHANGE needs the column's type), `dropAllTables`
 * lists the tables, and `sequelize.transaction()` would open a connection. None of it reaches a database.
 */

interface ColumnDescription {
  type: unknown;
  allowNull: boolean;
  defaultValue?: unknown;
  primaryKey: boolean;
  autoIncrement: boolean;
}

type TableName = string | { tableName: string; schema?: string };

const nameOf = (table: TableName): string => (typeof table === 'string' ? table : table.tableName);

/** The tables and columns the recorded migrations created, in creation order. */
export class SequelizeSchemaMemory {
  readonly tables = new Map<string, Map<string, ColumnDescription>>();

  created(table: TableName, attributes: Record<string, unknown>): void {
    const columns = new Map<string, ColumnDescription>();
    for (const [name, attribute] of Object.entries(attributes)) columns.set(name, describe(attribute));
    this.tables.set(nameOf(table), columns);
  }
}

function describe(attribute: unknown): ColumnDescription {
  const definition =
    attribute && typeof attribute === 'object' && 'type' in attribute
      ? (attribute as Record<string, unknown>)
      : { type: attribute };
  return {
    type: definition.type,
    allowNull: definition.allowNull !== false,
    ...(definition.defaultValue !== undefined ? { defaultValue: definition.defaultValue } : {}),
    primaryKey: definition.primaryKey === true,
    autoIncrement: definition.autoIncrement === true,
  };
}

type Method = (...args: unknown[]) => Promise<unknown>;

/**
 * Wraps the QueryInterface's schema methods so the memory follows what `up` does (`track`), and answers
 * describeTable / showAllTables from it. `note` receives what had to be assumed.
 */
export function answerFromMemory(
  queryInterface: Record<string, unknown>,
  memory: SequelizeSchemaMemory,
  options: { dialect: string; track: boolean; relative: string; note: (text: string) => void },
): void {
  const original = (name: string) => (queryInterface[name] as Method).bind(queryInterface);
  const wrap = (name: string, after: (...args: unknown[]) => void) => {
    const method = original(name);
    queryInterface[name] = async (...args: unknown[]) => {
      const result = await method(...args);
      if (options.track) after(...args);
      return result;
    };
  };
  wrap('createTable', (table, attributes) =>
    memory.created(table as TableName, (attributes ?? {}) as Record<string, unknown>),
  );
  wrap('dropTable', (table) => memory.tables.delete(nameOf(table as TableName)));
  wrap('addColumn', (table, column, attribute) =>
    memory.tables.get(nameOf(table as TableName))?.set(String(column), describe(attribute)),
  );
  wrap('changeColumn', (table, column, attribute) =>
    memory.tables.get(nameOf(table as TableName))?.set(String(column), describe(attribute)),
  );
  wrap('removeColumn', (table, column) => memory.tables.get(nameOf(table as TableName))?.delete(String(column)));
  wrap('renameColumn', (table, before, after) => {
    const columns = memory.tables.get(nameOf(table as TableName));
    const column = columns?.get(String(before));
    if (!columns || !column) return;
    columns.delete(String(before));
    columns.set(String(after), column);
  });
  wrap('renameTable', (before, after) => {
    const columns = memory.tables.get(nameOf(before as TableName));
    if (!columns) return;
    memory.tables.delete(nameOf(before as TableName));
    memory.tables.set(nameOf(after as TableName), columns);
  });
  queryInterface.describeTable = async (table: TableName) => {
    const known = memory.tables.get(nameOf(table));
    if (known) return Object.fromEntries(known);
    if (!/postgres/.test(options.dialect)) {
      throw new UserError(
        'sequelize-unknown-table',
        `${options.relative} needs the definition of table "${nameOf(table)}" (describeTable, used by renameColumn on ${options.dialect}), and no recorded migration created it.`,
        'Check the whole migration folder, so the migration that creates the table is recorded first.',
        { file: options.relative },
      );
    }
    options.note(
      `describeTable("${nameOf(table)}") was answered without the table's definition (no recorded migration created it); PostgreSQL's RENAME COLUMN needs only the names.`,
    );
    return new Proxy({}, { get: (_target, column) => (typeof column === 'string' ? unknownColumn() : undefined) });
  };
  queryInterface.showAllTables = async () => {
    const names = [...memory.tables.keys()];
    options.note(
      `showAllTables() (dropAllTables …) was answered with the ${names.length} table(s) the recorded migrations created${names.length > 0 ? ` (${names.join(', ')})` : ''}; tables created elsewhere are not in the recorded SQL.`,
    );
    return names;
  };
}

function unknownColumn(): ColumnDescription {
  return { type: 'unknown', allowNull: true, primaryKey: false, autoIncrement: false };
}

/**
 * `sequelize.transaction()` as recorded: BEGIN, the callback's statements, COMMIT (or ROLLBACK when it throws);
 * without a callback, a transaction whose commit()/rollback() record COMMIT/ROLLBACK. Never a connection.
 */
export function recordingTransaction(record: (sql: string) => void) {
  const transaction = () => {
    let open = true;
    const end = (sql: string) => async () => {
      if (open) record(sql);
      open = false;
    };
    return {
      id: 'db-migration-agent-recording',
      options: {},
      commit: end('COMMIT'),
      rollback: end('ROLLBACK'),
      afterCommit() {},
      get finished() {
        return open ? undefined : 'commit';
      },
    };
  };
  return async (first?: unknown, second?: unknown): Promise<unknown> => {
    const callback = typeof first === 'function' ? first : typeof second === 'function' ? second : undefined;
    record('BEGIN');
    const opened = transaction();
    if (!callback) return opened;
    try {
      const result = await (callback as (t: unknown) => unknown)(opened);
      await opened.commit();
      return result;
    } catch (error) {
      await opened.rollback();
      throw error;
    }
  };
}
