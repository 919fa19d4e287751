import path from 'node:path';
import { drizzleSchemaFile } from '../../../sources/formats/drizzle-config.js';
import type { SeedColumn, SeedPlan, SeedValue } from '../types.js';
import { jsKey } from './js-values.js';
import type { SeedWriteContext } from './types.js';

/**
 * The Drizzle seed said in drizzle's own words, `db.insert(table).values([...])`, when the schema module drizzle.config
 * names exports every seeded table and every seeded column is found in it (read as text: no project code runs).
 * Values take the JavaScript type the column's builder maps: Date for timestamps in date mode, strings for numerics,
 * objects for json columns, booleans for boolean mode.
 */

interface ColumnBuilder {
  property: string;
  builder: string;
  /** The builder's options text (`{ mode: 'string' }`), empty when none. */
  options: string;
}

interface TableExport {
  exportName: string;
  columns: Map<string, ColumnBuilder>;
}

export interface DrizzleInserts {
  /** `import { users, posts } from '../db/schema';` */
  importLine: string;
  /** One `<target>.insert(<table>).values([...])` expression per seeded table, parents first. */
  inserts: (target: string) => string[];
}

export function drizzleInserts(
  plan: SeedPlan,
  context: SeedWriteContext,
  seedFile: string,
): DrizzleInserts | undefined {
  if (plan.tables.some((table) => table.overridingSystemValue)) return undefined;
  const schemaFile = drizzleSchemaFile(context.read, ['.', ...new Set(context.files.map(configBase))]);
  const text = schemaFile ? context.read(schemaFile) : undefined;
  if (!schemaFile || !text) return undefined;
  const seeded = plan.tables.filter((table) => table.rows.length > 0);
  const exports = new Map<string, TableExport>();
  for (const table of seeded) {
    const found = tableExport(text, table.name);
    if (!found || table.columns.some((column) => !found.columns.has(column.name))) return undefined;
    exports.set(table.name, found);
  }
  let module = path.posix.relative(path.posix.dirname(seedFile), schemaFile).replace(/\.[cm]?[jt]s$/, '');
  if (!module.startsWith('.')) module = `./${module}`;
  const names = [...new Set([...exports.values()].map((item) => item.exportName))];
  return {
    importLine: `import { ${names.join(', ')} } from '${module}';`,
    inserts: (target) =>
      seeded.map((table) => {
        const found = exports.get(table.name) as TableExport;
        const rows = table.rows.map((row) => {
          const fields = table.columns.map((column) => {
            const builder = found.columns.get(column.name) as ColumnBuilder;
            return `${jsKey(builder.property)}: ${valueFor(plan, column, builder, row[column.name] ?? null)}`;
          });
          return `      { ${fields.join(', ')} },`;
        });
        return `${target}.insert(${found.exportName}).values([\n${rows.join('\n')}\n    ])`;
      }),
  };
}

/** drizzle.config sits at the root of its package: the folders of any drizzle.config among the project files. */
function configBase(file: string): string {
  return /(^|\/)drizzle\.config\.[cm]?[jt]s$/.test(file) ? path.posix.dirname(file) : '.';
}

/** `export const users = pgTable('users', { … })`: its export name and each column's property and builder. */
function tableExport(text: string, table: string): TableExport | undefined {
  const escaped = table.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const header = new RegExp(
    `export\\s+const\\s+(\\w+)\\s*=\\s*\\w*(?:pg|sqlite|mysql)Table\\(\\s*(['"\`])${escaped}\\2\\s*,\\s*\\{`,
    'i',
  ).exec(text);
  if (!header) return undefined;
  const open = header.index + header[0].length;
  let depth = 1;
  let close = open;
  for (; close < text.length && depth > 0; close++) {
    const char = text[close];
    if (char === '{' || char === '(' || char === '[') depth++;
    if (char === '}' || char === ')' || char === ']') depth--;
  }
  const body = text.slice(open, close);
  const columns = new Map<string, ColumnBuilder>();
  // `userId: integer('user_id', { … })` or, without a name, `email: text()` (the property is the column).
  const column = /(\w+)\s*:\s*(\w+)\(\s*(?:(['"`])([^'"`]+)\3)?\s*,?\s*(\{[^}]*\})?\s*\)/g;
  for (const match of body.matchAll(column)) {
    const [, property, builder, , name, options] = match;
    columns.set(name ?? (property as string), {
      property: property as string,
      builder: builder as string,
      options: options ?? '',
    });
  }
  return { exportName: header[1] as string, columns };
}

const mode = (builder: ColumnBuilder) => /\bmode\s*:\s*['"](\w+)['"]/.exec(builder.options)?.[1];

/** The value as the column's builder takes it in drizzle. */
function valueFor(plan: SeedPlan, column: SeedColumn, builder: ColumnBuilder, value: SeedValue): string {
  if (value === null) return 'null';
  const asDate = (text: string) =>
    `new Date(${JSON.stringify(text.includes('T') ? text : `${text.replace(' ', 'T')}Z`)})`;
  const how = mode(builder);
  if (column.kind === 'timestamp' && typeof value === 'string') {
    const dateMode = ['timestamp', 'datetime'].includes(builder.builder)
      ? how !== 'string'
      : how?.startsWith('timestamp');
    return dateMode ? asDate(value) : JSON.stringify(value);
  }
  if (column.kind === 'date' && typeof value === 'string') {
    const dateMode = how === 'date' || (plan.engine !== 'postgresql' && builder.builder === 'date' && how !== 'string');
    return dateMode ? `new Date(${JSON.stringify(value)})` : JSON.stringify(value);
  }
  if (typeof value === 'boolean')
    return builder.builder === 'boolean' || how === 'boolean' ? String(value) : value ? '1' : '0';
  if (typeof value === 'number' && ['numeric', 'decimal'].includes(builder.builder) && how !== 'number')
    return JSON.stringify(String(value));
  if (typeof value === 'number' && builder.builder === 'bigint' && how === 'bigint') return `${value}n`;
  if (typeof value === 'object' && !Array.isArray(value)) {
    const jsonColumn = ['json', 'jsonb'].includes(builder.builder) || how === 'json';
    return jsonColumn ? JSON.stringify(value) : JSON.stringify(JSON.stringify(value));
  }
  return JSON.stringify(value);
}
