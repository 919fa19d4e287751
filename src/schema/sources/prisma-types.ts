import { quoteLiteral } from '../../engines/postgresql/identifiers.js';
import type { DmmfDefault, DmmfField } from './prisma-dmmf.js';

/**
 * Prisma Migrate's column types and defaults per provider, written the way each engine reports them back:
 * PostgreSQL's format_type / pg_get_expr, MariaDB's information_schema.COLUMNS, SQLite's declared type and
 * pragma_table_info default text.
 */

export type PrismaProvider = 'postgresql' | 'mysql' | 'sqlite';

/** Field facts the mappers need, for DMMF fields and `Unsupported("…")` fields alike. */
export interface ScalarField {
  name: string;
  kind: DmmfField['kind'];
  type: string;
  isList: boolean;
  nativeType: [string, string[]] | null;
  default?: DmmfDefault | undefined;
}

const POSTGRES_SCALARS: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
  Boolean: 'boolean',
};

/** The column type as PostgreSQL's format_type prints it; `enumType` renders an enum's (qualified) name. */
export function postgresType(field: ScalarField, enumType: (name: string) => string): string {
  const base =
    field.kind === 'unsupported'
      ? field.type
      : field.kind === 'enum'
        ? enumType(field.type)
        : field.nativeType
          ? postgresNativeType(field.nativeType[0], field.nativeType[1])
          : (POSTGRES_SCALARS[field.type] ?? field.type.toLowerCase());
  return field.isList ? `${base}[]` : base;
}

function postgresNativeType(name: string, args: string[]): string {
  const list = args.length > 0 ? `(${args.join(',')})` : '';
  const time = (type: string, zone: string) => `${type}${list} ${zone} time zone`;
  switch (name) {
    case 'Char':
      return `character(${args[0] ?? '1'})`;
    case 'VarChar':
      return `character varying${list}`;
    case 'Bit':
      return `bit(${args[0] ?? '1'})`;
    case 'VarBit':
      return `bit varying${list}`;
    case 'Integer':
      return 'integer';
    case 'SmallInt':
      return 'smallint';
    case 'BigInt':
      return 'bigint';
    case 'DoublePrecision':
      return 'double precision';
    case 'Decimal':
      return `numeric${list}`;
    case 'Timestamp':
      return time('timestamp', 'without');
    case 'Timestamptz':
      return time('timestamp', 'with');
    case 'Time':
      return time('time', 'without');
    case 'Timetz':
      return time('time', 'with');
    case 'JsonB':
      return 'jsonb';
    case 'ByteA':
      return 'bytea';
    default:
      // Text, Uuid, Xml, Inet, Citext, Boolean, Oid, Real, Money, Date, Json: the type name itself.
      return `${name.toLowerCase()}${list}`;
  }
}

/** A default as pg_get_expr prints it back; undefined when Prisma writes none (uuid(), cuid(), @updatedAt…). */
export function postgresDefault(
  field: ScalarField,
  formattedType: string,
  enumValue: (value: string) => string,
  sequence: () => string,
): string | undefined {
  const value = field.default;
  if (value === undefined) return undefined;
  if (isFunction(value)) {
    if (value.name === 'autoincrement') return `nextval(${quoteLiteral(sequence())}::regclass)`;
    if (value.name === 'now') return 'CURRENT_TIMESTAMP';
    if (value.name === 'dbgenerated') return value.args[0] === undefined ? undefined : String(value.args[0]);
    return undefined;
  }
  const elementType = formattedType.replace(/\[\]$/, '');
  const castType = castName(elementType);
  const literal = (item: string | number | boolean): string => {
    if (typeof item === 'boolean') return String(item);
    if (field.kind === 'enum') return `${quoteLiteral(enumValue(String(item)))}::${castType}`;
    if (typeof item === 'number' || isNumericType(field)) return postgresNumber(String(item));
    if (field.type === 'DateTime') return `${quoteLiteral(postgresDateTime(item, elementType))}::${castType}`;
    return `${quoteLiteral(item)}::${castType}`;
  };
  if (Array.isArray(value)) {
    if (value.length === 0) return `ARRAY[]::${castName(elementType)}[]`;
    return `ARRAY[${value.map(literal).join(', ')}]`;
  }
  return literal(value);
}

/** A DateTime literal as PostgreSQL prints it back (a UTC session assumed for `timestamptz`). */
function postgresDateTime(iso: string, formattedType: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const [day, time = ''] = date.toISOString().replace(/Z$/, '').split('T');
  if (formattedType === 'date') return day ?? iso;
  const clock = time.replace(/\.?0+$/, '');
  return `${day} ${clock}${formattedType.includes('with time zone') ? '+00' : ''}`;
}

function isFunction(value: DmmfDefault): value is { name: string; args: (string | number)[] } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumericType(field: ScalarField): boolean {
  return ['Int', 'BigInt', 'Float', 'Decimal'].includes(field.type);
}

/** The type name a cast shows: format_type without the modifier (`character varying(20)` → `character varying`). */
function castName(formattedType: string): string {
  if (/^character\(\d+\)$/.test(formattedType)) return 'bpchar';
  return formattedType.replace(/\(\d+(,\d+)?\)/, '');
}

/** A numeric constant as pg_get_expr prints it: negative ones and those past int4 are quoted and cast. */
function postgresNumber(text: string): string {
  const isInteger = /^-?\d+$/.test(text);
  const tooBig = isInteger && BigInt(text.replace('-', '')) > 2147483647n;
  if (text.startsWith('-')) {
    const literalType = !isInteger ? 'numeric' : tooBig ? 'bigint' : 'integer';
    return `'${text}'::${literalType}`;
  }
  return tooBig ? `'${text}'::bigint` : text;
}

const MARIADB_SCALARS: Record<string, string> = {
  String: 'varchar(191)',
  Int: 'int(11)',
  BigInt: 'bigint(20)',
  Float: 'double',
  Decimal: 'decimal(65,30)',
  DateTime: 'datetime(3)',
  Json: 'longtext',
  Bytes: 'longblob',
  Boolean: 'tinyint(1)',
};

const MARIADB_NATIVE: Record<string, string> = {
  Int: 'int(11)',
  UnsignedInt: 'int(10) unsigned',
  SmallInt: 'smallint(6)',
  UnsignedSmallInt: 'smallint(5) unsigned',
  TinyInt: 'tinyint(4)',
  UnsignedTinyInt: 'tinyint(3) unsigned',
  MediumInt: 'mediumint(9)',
  UnsignedMediumInt: 'mediumint(8) unsigned',
  BigInt: 'bigint(20)',
  UnsignedBigInt: 'bigint(20) unsigned',
  Json: 'longtext',
  Year: 'year(4)',
};

/**
 * The column type as MariaDB's information_schema.COLUMNS.COLUMN_TYPE reports it (MariaDB keeps integer display
 * widths and stores JSON as LONGTEXT with a json_valid check). `enumValues` lists an enum's database values.
 */
export function mariadbType(field: ScalarField, enumValues: (name: string) => string[]): string {
  if (field.kind === 'unsupported') return field.type.toLowerCase();
  if (field.kind === 'enum') return `enum(${enumValues(field.type).map(quoteLiteral).join(',')})`;
  if (field.nativeType) {
    const [name, args] = field.nativeType;
    const mapped = MARIADB_NATIVE[name];
    if (mapped) return mapped;
    // Fractional-second precision 0 is the default and MariaDB prints none.
    if (['DateTime', 'Timestamp', 'Time'].includes(name) && args[0] === '0') return name.toLowerCase();
    return `${name.toLowerCase()}${args.length > 0 ? `(${args.join(',')})` : ''}`;
  }
  return MARIADB_SCALARS[field.type] ?? field.type.toLowerCase();
}

/** A default as MariaDB's COLUMN_DEFAULT shows it: literals quoted, functions lower case. */
export function mariadbDefault(
  field: ScalarField,
  columnType: string,
  enumValue: (value: string) => string,
): string | undefined {
  const value = field.default;
  if (value === undefined || Array.isArray(value)) return undefined;
  if (isFunction(value)) {
    if (value.name === 'now') {
      const precision = /\((\d+)\)/.exec(columnType)?.[1];
      return precision && precision !== '0' ? `current_timestamp(${precision})` : 'current_timestamp()';
    }
    if (value.name === 'dbgenerated') return value.args[0] === undefined ? undefined : String(value.args[0]);
    return undefined;
  }
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (field.kind === 'enum') return quoteLiteral(enumValue(String(value)));
  if (typeof value === 'number' || isNumericType(field)) {
    const scale = /^decimal\(\d+,(\d+)\)/.exec(columnType)?.[1];
    return scale ? Number(value).toFixed(Number(scale)) : String(value);
  }
  return quoteLiteral(value);
}

const SQLITE_SCALARS: Record<string, string> = {
  String: 'TEXT',
  Int: 'INTEGER',
  BigInt: 'BIGINT',
  Float: 'REAL',
  Decimal: 'DECIMAL',
  DateTime: 'DATETIME',
  Json: 'JSONB',
  Bytes: 'BLOB',
  Boolean: 'BOOLEAN',
};

/** The declared type Prisma writes on SQLite (SQLite keeps the declaration as written). */
export function sqliteType(field: ScalarField): string {
  if (field.kind === 'unsupported') return field.type;
  if (field.kind === 'enum') return 'TEXT';
  return SQLITE_SCALARS[field.type] ?? field.type.toUpperCase();
}

/** A default as pragma_table_info's dflt_value shows it: the SQL text Prisma wrote. */
export function sqliteDefault(field: ScalarField, enumValue: (value: string) => string): string | undefined {
  const value = field.default;
  if (value === undefined || Array.isArray(value)) return undefined;
  if (isFunction(value)) {
    if (value.name === 'now') return 'CURRENT_TIMESTAMP';
    if (value.name === 'dbgenerated') return value.args[0] === undefined ? undefined : String(value.args[0]);
    return undefined;
  }
  if (typeof value === 'boolean') return String(value);
  if (field.kind === 'enum') return quoteLiteral(enumValue(String(value)));
  if (typeof value === 'number' || isNumericType(field)) return String(value);
  return quoteLiteral(value);
}
