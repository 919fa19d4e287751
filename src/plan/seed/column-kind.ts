import type { Column, Schema } from '../../schema/model.js';
import type { ColumnKind, ColumnRules } from './types.js';

/** What a column's type says about its values: the kind, the length, the numeric range and enum members. */
export interface TypeFacts {
  kind: ColumnKind | 'unsupported';
  /** Element kind of an array column. */
  element?: ColumnKind;
  rules: ColumnRules;
  /** Decimal places of numeric(p,s). */
  scale?: number;
  /** Text in a type's own syntax (PostgreSQL inet, macaddr, interval, bytea). */
  textFormat?: 'inet' | 'mac' | 'interval' | 'bytea';
}

const INTEGER_RANGES: [RegExp, number, number][] = [
  [/^(int2|smallint|smallserial)(?![a-z])/, -32_768, 32_767],
  [/^tinyint(?![a-z])/, -128, 127],
  [/^mediumint(?![a-z])/, -8_388_608, 8_388_607],
  [/^(int8|bigint|bigserial)(?![a-z])/, -9_007_199_254_740_991, 9_007_199_254_740_991],
  [/^(int4|int|integer|serial)(?![a-z])/, -2_147_483_648, 2_147_483_647],
];

export function typeFacts(column: Column, schema: Schema): TypeFacts {
  const type = column.type.toLowerCase().trim();
  if (type.endsWith('[]')) {
    const element = typeFacts({ ...column, type: type.slice(0, -2) }, schema);
    return element.kind === 'unsupported' || element.kind === 'array'
      ? { kind: 'unsupported', rules: {} }
      : { kind: 'array', element: element.kind, rules: element.rules };
  }
  const enumType = schema.enums.find((candidate) => candidate.name.toLowerCase() === type.replace(/^.*\./, ''));
  if (enumType) return { kind: 'enum', rules: { allowed: [...enumType.values] } };
  const mysqlEnum = /^enum\((.*)\)$/.exec(type);
  if (mysqlEnum)
    return {
      kind: 'enum',
      rules: {
        allowed: [...(mysqlEnum[1] ?? '').matchAll(/'((?:[^']|'')*)'/g)].map((m) => (m[1] ?? '').replace(/''/g, "'")),
      },
    };
  if (/^(tinyint\(1\)|bool|boolean)$/.test(type)) return { kind: 'boolean', rules: {} };
  const unsigned = /unsigned/.test(type);
  for (const [pattern, min, max] of INTEGER_RANGES)
    if (pattern.test(type))
      return { kind: 'integer', rules: { min: unsigned ? 0 : min, max: unsigned ? max * 2 + 1 : max } };
  const numeric = /^(numeric|decimal)(?:\((\d+)(?:,\s*(\d+))?\))?/.exec(type);
  if (numeric) {
    const precision = Number(numeric[2] ?? 12);
    const scale = Number(numeric[3] ?? (numeric[2] ? 0 : 2));
    const limit = 10 ** (precision - scale) - 10 ** -scale;
    return { kind: 'decimal', scale, rules: { min: -limit, max: limit } };
  }
  if (/^(float|real|double|float4|float8)/.test(type)) return { kind: 'float', rules: {} };
  if (type === 'uuid' || type === 'uniqueidentifier') return { kind: 'uuid', rules: {} };
  if (/^(json|jsonb)$/.test(type)) return { kind: 'json', rules: {} };
  if (type === 'date') return { kind: 'date', rules: {} };
  if (/^(timestamp|timestamptz|datetime)/.test(type)) return { kind: 'timestamp', rules: {} };
  if (/^(time|timetz)(\(\d\))?( with(out)? time zone)?$/.test(type)) return { kind: 'time', rules: {} };
  const sized = /^(varchar|character varying|char|character|nvarchar|nchar|bpchar|varbinary)\((\d+)\)/.exec(type);
  if (sized) {
    const length = Number(sized[2]);
    return {
      kind: 'text',
      rules: /^(char|character|nchar|bpchar)$/.test(sized[1] ?? '')
        ? { minLength: length, maxLength: length }
        : { maxLength: length },
    };
  }
  if (
    /^(text|varchar|character varying|citext|string|clob|tinytext|mediumtext|longtext|char|character|bpchar|name)$/.test(
      type,
    )
  )
    return {
      kind: 'text',
      rules:
        type === 'tinytext'
          ? { maxLength: 255 }
          : type === 'char' || type === 'character' || type === 'bpchar'
            ? { minLength: 1, maxLength: 1 }
            : {},
    };
  if (type === 'money') return { kind: 'decimal', scale: 2, rules: { min: 0, max: 100_000 } };
  if (type === 'inet' || type === 'cidr') return { kind: 'text', textFormat: 'inet', rules: {} };
  if (type === 'macaddr' || type === 'macaddr8') return { kind: 'text', textFormat: 'mac', rules: {} };
  if (type === 'interval') return { kind: 'text', textFormat: 'interval', rules: {} };
  if (type === 'bytea') return { kind: 'text', textFormat: 'bytea', rules: {} };
  if (type === '' || type === 'numeric') return { kind: 'decimal', scale: 2, rules: {} };
  return { kind: 'unsupported', rules: {} };
}
