import * as ddl from './ddl.js';
import { type DslArgs, type DslValue, parseCall, symbolOrString } from './dsl-source.js';

/**
 * Ecto migration values read statically: the types, defaults, tables and options Ecto.Migration takes, turned into
 * the SQL types and defaults its adapters write (ecto_sql's Ecto.Adapters.Postgres.Connection for PostgreSQL).
 */

export const ON_DELETE: Record<string, string> = {
  delete_all: 'CASCADE',
  nilify_all: 'SET NULL',
  restrict: 'RESTRICT',
  nothing: 'NO ACTION',
};

/** A migration type as Ecto takes it: an atom (`:string`, `:"varchar(300)"`), `{:array, t}` or `{:map, t}`. */
export type EctoType = { atom: string } | { array: EctoType } | { map: true };

/** The items of a tuple written `{a, b, key: value}`, read as call arguments; undefined for anything else. */
export function tupleItems(value: DslValue | undefined): DslArgs | undefined {
  if (value?.kind !== 'raw' || !/^\{[\s\S]*\}$/.test(value.text)) return undefined;
  return parseCall(`tuple(${value.text.slice(1, -1)})`, 'elixir')?.args;
}

/** The type written (not a `references(...)`): undefined when it is not one Ecto's migrations take literally. */
export function ectoType(value: DslValue | undefined): EctoType | undefined {
  const name = symbolOrString(value);
  if (name !== undefined) return { atom: name };
  const items = tupleItems(value);
  if (items?.positional.length !== 2 || items.keywords.size > 0) return undefined;
  const [tag, inner] = items.positional;
  if (tag?.kind !== 'symbol') return undefined;
  if (tag.value === 'map') return { map: true };
  if (tag.value !== 'array') return undefined;
  const element = ectoType(inner);
  return element ? { array: element } : undefined;
}

/** Ecto's column types per adapter; an atom Ecto does not know is passed through as the type name, as Ecto does. */
export function columnType(
  engine: ddl.DdlEngine,
  type: DslValue | undefined,
  k: Map<string, DslValue>,
): string | undefined {
  const parsed = ectoType(type);
  return parsed ? typeName(engine, parsed, k) : undefined;
}

function typeName(engine: ddl.DdlEngine, type: EctoType, k: Map<string, DslValue>): string | undefined {
  if ('map' in type) return engine === 'postgresql' ? 'jsonb' : 'json';
  if ('array' in type) {
    // Ecto's PostgreSQL adapter: the element's type (with the column's size: etc.) and [].
    if (engine !== 'postgresql') return undefined;
    const inner = typeName(engine, type.array, k);
    return inner ? `${inner}[]` : undefined;
  }
  const name = type.atom;
  const size = k.get('size')?.kind === 'number' ? (k.get('size') as { value: number }).value : undefined;
  const precision = k.get('precision')?.kind === 'number' ? (k.get('precision') as { value: number }).value : undefined;
  const scale = k.get('scale')?.kind === 'number' ? (k.get('scale') as { value: number }).value : undefined;
  const pg = engine === 'postgresql';
  switch (name) {
    case 'id':
      return 'bigint';
    case 'binary_id':
      return pg ? 'uuid' : engine === 'mysql' ? 'binary(16)' : 'text';
    case 'uuid':
      return pg ? 'uuid' : engine === 'mysql' ? 'binary(16)' : 'text';
    case 'string':
      return engine === 'sqlite' ? 'text' : `varchar(${size ?? 255})`;
    case 'binary':
      return pg ? 'bytea' : 'blob';
    case 'map':
      return pg ? 'jsonb' : engine === 'mysql' ? 'json' : 'text';
    case 'boolean':
      return 'boolean';
    case 'float':
      return pg ? 'float' : engine === 'mysql' ? 'double' : 'numeric';
    case 'decimal':
      return precision ? `decimal(${precision}${scale !== undefined ? `,${scale}` : ''})` : 'decimal';
    case 'time':
      return pg ? 'time(0)' : 'time';
    case 'naive_datetime':
    case 'utc_datetime':
      return pg ? 'timestamp(0)' : engine === 'mysql' ? 'datetime' : 'text';
    case 'naive_datetime_usec':
    case 'utc_datetime_usec':
      return pg ? 'timestamp' : engine === 'mysql' ? 'datetime(6)' : 'text';
    default:
      return name;
  }
}

/** The type an array default is cast to (Ecto's ecto_to_db: no size, `varchar` for :string). */
function castName(type: EctoType): string {
  if ('map' in type) return 'jsonb';
  if ('array' in type) return `${castName(type.array)}[]`;
  const names: Record<string, string> = {
    id: 'integer',
    identity: 'bigint',
    binary_id: 'uuid',
    string: 'varchar',
    bitstring: 'varbit',
    binary: 'bytea',
    map: 'jsonb',
    time_usec: 'time',
    utc_datetime: 'timestamp',
    utc_datetime_usec: 'timestamp',
    naive_datetime: 'timestamp',
    naive_datetime_usec: 'timestamp',
    duration: 'interval',
  };
  return names[type.atom] ?? type.atom;
}

/**
 * The default of a column of `type`. A list for an array column is what Ecto's PostgreSQL adapter writes:
 * `ARRAY['props','stats_api']::varchar[]`, each element rendered for the element type.
 */
export function defaultOf(
  engine: ddl.DdlEngine,
  value: DslValue | undefined,
  type?: DslValue,
): ddl.DefaultValue | undefined | 'unknown' {
  if (value === undefined) return undefined;
  const parsed = ectoType(type);
  if (value.kind === 'array' && engine === 'postgresql' && parsed && 'array' in parsed) {
    const array = arrayDefault(value, parsed);
    return array === undefined ? 'unknown' : { sql: array };
  }
  switch (value.kind) {
    case 'string':
      return value.interpolated ? 'unknown' : { literal: value.value };
    case 'number':
      return { literal: value.value };
    case 'bool':
      return { literal: value.value };
    case 'nil':
      return { literal: null };
    case 'call':
      if (value.name === 'fragment' && value.args.positional[0]?.kind === 'string')
        return { sql: value.args.positional[0].value };
      return 'unknown';
    case 'raw':
      return value.text === '[]' ? { sql: "'{}'" } : value.text === '%{}' ? { sql: "'{}'" } : 'unknown';
    case 'array':
      return value.items.length === 0 ? { sql: "'{}'" } : 'unknown';
    case 'keywords':
      return value.entries.length === 0 ? { sql: "'{}'" } : 'unknown';
    default:
      return 'unknown';
  }
}

function arrayDefault(value: DslValue, type: EctoType): string | undefined {
  if (value.kind === 'array' && 'array' in type) {
    const items = value.items.map((item) => arrayDefault(item, type.array));
    if (items.some((item) => item === undefined)) return undefined;
    return `ARRAY[${items.join(',')}]::${castName(type)}`;
  }
  if (value.kind === 'string' && !value.interpolated) return ddl.stringLiteral('postgresql', value.value);
  if (value.kind === 'number' || value.kind === 'bool') return String(value.value);
  return undefined;
}

export interface TableRef {
  /** `prefix.name` when the table has a prefix:. */
  name: string;
  /** The name alone, as Ecto's default constraint names use it. */
  bare: string;
  prefix?: string;
  options: Map<string, DslValue>;
}

export function tableOf(value: DslValue | undefined): TableRef | undefined {
  if (value?.kind !== 'call' || value.name !== 'table') return undefined;
  const name = symbolOrString(value.args.positional[0]);
  if (!name) return undefined;
  const prefix = symbolOrString(value.args.keywords.get('prefix'));
  return {
    name: prefix ? `${prefix}.${name}` : name,
    bare: name,
    ...(prefix ? { prefix } : {}),
    options: value.args.keywords,
  };
}

export function truthy(value: DslValue | undefined): boolean {
  return value !== undefined && !(value.kind === 'bool' && !value.value) && value.kind !== 'nil';
}
