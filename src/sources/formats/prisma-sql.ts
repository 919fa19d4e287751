import type { Change, ColumnSpec, Reference } from '../../generate/changes.js';
import { defaultConstraintName } from '../../generate/model-changes.js';
import type { MigrationDraft } from '../../generate/types.js';

/**
 * The statements of a plain draft (new tables, new columns, indexes and foreign keys said in one transaction) in
 * the form `prisma migrate dev` writes them for PostgreSQL: every name double-quoted, Prisma's upper-case type
 * names, the primary key as a named constraint after a blank line, unique keys and indexes as CREATE INDEX, foreign
 * keys last with both actions spelled out, and Prisma's five spaces after ADD COLUMN. Undefined for a draft the
 * planner made safe with something Prisma never writes (CONCURRENTLY, NOT VALID, CHECK, identity…): that draft
 * keeps the planner's SQL.
 */

const PLAIN_OPS = new Set<Change['op']>(['create_table', 'add_column', 'add_index', 'add_unique', 'add_foreign_key']);
const SAFETY_FORMS = /\bCONCURRENTLY\b|\bNOT\s+VALID\b|\bVALIDATE\s+CONSTRAINT\b|\bUSING\s+INDEX\b/i;
const SETTING = /^\s*(RE)?SET\s/i;

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const list = (names: string[]) => names.map(quote).join(', ');

const TYPE_NAMES: [RegExp, string][] = [
  [/^(serial|bigserial|smallserial)$/, '$1'],
  [/^(int|int4|integer)$/, 'INTEGER'],
  [/^(int8|bigint)$/, 'BIGINT'],
  [/^(int2|smallint)$/, 'SMALLINT'],
  [/^(float8|double precision)$/, 'DOUBLE PRECISION'],
  [/^(float4|real)$/, 'REAL'],
  [/^(bool|boolean)$/, 'BOOLEAN'],
  [/^(numeric|decimal)(\(.*\))?$/, 'DECIMAL$2'],
  [/^character varying(\(.*\))?$/, 'VARCHAR$1'],
  [/^timestamp(\(\d\))? with time zone$/, 'TIMESTAMPTZ$1'],
  [/^timestamp(\(\d\))? without time zone$/, 'TIMESTAMP$1'],
  [
    /^(text|varchar|char|timestamp|timestamptz|date|time|timetz|uuid|json|jsonb|bytea|inet|xml|money|bit|varbit|citext|oid)(\(.*\))?$/,
    '$1$2',
  ],
];

/** Prisma's spelling of a PostgreSQL type; a name it does not know (an enum) is quoted as Prisma quotes it. */
function typeName(type: string): string | undefined {
  const text = type.trim().toLowerCase().replace(/\s+/g, ' ');
  const array = text.endsWith('[]') ? '[]' : '';
  const base = array ? text.slice(0, -2) : text;
  for (const [pattern, name] of TYPE_NAMES)
    if (pattern.test(base)) return `${base.replace(pattern, name).toUpperCase()}${array}`;
  return /^[A-Za-z_][\w$]*$/.test(type.trim()) ? `${quote(type.trim())}${array}` : undefined;
}

function columnLine(column: ColumnSpec, primaryKey: boolean): string | undefined {
  if (column.check || column.generated === 'identity' || column.generated === 'auto_increment') return undefined;
  let type = typeName(column.type);
  if (!type) return undefined;
  if (column.generated === 'serial')
    type = type === 'BIGINT' ? 'BIGSERIAL' : type === 'SMALLINT' ? 'SMALLSERIAL' : 'SERIAL';
  const notNull = primaryKey || column.primaryKey || column.nullable === false;
  const value = column.default?.trim();
  const fallback = value && /^(now\(\)|current_timestamp)$/i.test(value) ? 'CURRENT_TIMESTAMP' : value;
  return `${quote(column.name)} ${type}${notNull ? ' NOT NULL' : ''}${fallback !== undefined ? ` DEFAULT ${fallback}` : ''}`;
}

function foreignKey(table: string, columns: string[], reference: Reference, name?: string): string {
  const action = (value: Reference['onDelete']) => (value ?? 'no action').toUpperCase();
  return `ALTER TABLE ${quote(table)} ADD CONSTRAINT ${quote(name ?? defaultConstraintName(table, columns, 'fkey'))} FOREIGN KEY (${list(columns)}) REFERENCES ${quote(reference.table)}(${list(reference.columns ?? ['id'])}) ON DELETE ${action(reference.onDelete)} ON UPDATE ${action(reference.onUpdate)}`;
}

const index = (table: string, columns: string[], name: string, unique: boolean) =>
  `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${quote(name)} ON ${quote(table)}(${list(columns)})`;

/** The planner's CREATE INDEX statements (the index every foreign key gets), by name, table and columns. */
function plannedIndexes(statements: string[]): { name: string; table: string; columns: string[]; unique: boolean }[] {
  const name = String.raw`"((?:[^"]|"")+)"|([\w$]+)`;
  const pattern = new RegExp(
    String.raw`^CREATE\s+(UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:${name})\s+ON\s+(?:${name})\s*\(([^)]*)\)\s*$`,
    'i',
  );
  return statements.flatMap((statement) => {
    const match = pattern.exec(statement.trim());
    if (!match) return [];
    const columns = match[6]!.split(',').map((column) =>
      column
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .replace(/""/g, '"'),
    );
    return [{ unique: !!match[1], name: match[2] ?? match[3]!, table: match[4] ?? match[5]!, columns }];
  });
}

export function prismaStatements(draft: MigrationDraft, up: string[]): string[] | undefined {
  if (draft.engine !== 'postgresql' || !draft.transactional || !draft.changes.length) return undefined;
  if (!draft.changes.every((change) => PLAIN_OPS.has(change.op))) return undefined;
  if (up.some((statement) => SAFETY_FORMS.test(statement))) return undefined;
  const tables: string[] = [];
  const additions = new Map<string, string[]>();
  const indexes: string[] = [];
  const foreignKeys: string[] = [];
  const indexNames = new Set<string>();
  const addIndex = (table: string, columns: string[], name: string, unique: boolean) => {
    if (indexNames.has(name)) return;
    indexNames.add(name);
    indexes.push(index(table, columns, name, unique));
  };
  for (const change of draft.changes) {
    switch (change.op) {
      case 'create_table': {
        const key = change.primaryKey ?? change.columns.filter((column) => column.primaryKey).map((c) => c.name);
        const lines = change.columns.map((column) => columnLine(column, key.includes(column.name)));
        if (lines.some((line) => line === undefined)) return undefined;
        const body = lines.map((line) => `    ${line}`).join(',\n');
        const primary = key.length
          ? `,\n\n    CONSTRAINT ${quote(`${change.table}_pkey`)} PRIMARY KEY (${list(key)})`
          : '';
        tables.push(`CREATE TABLE ${quote(change.table)} (\n${body}${primary}\n)`);
        for (const column of change.columns) {
          if (column.unique) addIndex(change.table, [column.name], `${change.table}_${column.name}_key`, true);
          if (column.references) foreignKeys.push(foreignKey(change.table, [column.name], column.references));
        }
        break;
      }
      case 'add_column': {
        const line = columnLine(change.column, false);
        if (!line) return undefined;
        additions.set(change.table, [...(additions.get(change.table) ?? []), `ADD COLUMN     ${line}`]);
        if (change.column.unique)
          addIndex(change.table, [change.column.name], `${change.table}_${change.column.name}_key`, true);
        if (change.column.references)
          foreignKeys.push(foreignKey(change.table, [change.column.name], change.column.references));
        break;
      }
      case 'add_index':
        if (change.where || change.using) return undefined;
        addIndex(
          change.table,
          change.columns,
          change.name ?? defaultConstraintName(change.table, change.columns, 'idx'),
          change.unique === true,
        );
        break;
      case 'add_unique':
        addIndex(
          change.table,
          change.columns,
          change.name ?? defaultConstraintName(change.table, change.columns, 'key'),
          true,
        );
        break;
      case 'add_foreign_key':
        foreignKeys.push(foreignKey(change.table, change.columns, change.references, change.name));
        break;
      default:
        return undefined;
    }
  }
  // The indexes the planner gave every foreign key, in Prisma's form (they match @@index in schema.prisma).
  for (const planned of plannedIndexes(up)) addIndex(planned.table, planned.columns, planned.name, planned.unique);
  const altered = [...additions].map(([table, parts]) => `ALTER TABLE ${quote(table)} ${parts.join(',\n')}`);
  return [...up.filter((statement) => SETTING.test(statement)), ...tables, ...altered, ...indexes, ...foreignKeys];
}
