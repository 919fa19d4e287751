import type { SeedColumn, SeedPlan, SeedTable, SeedValue } from '../types.js';

/**
 * Seed rows as JavaScript source for the ORM writers. Drivers differ: node-postgres binds objects and arrays as
 * json / PostgreSQL arrays, MySQL and SQLite drivers need JSON text, and better-sqlite3 refuses booleans.
 */
export function jsRows(plan: SeedPlan, table: SeedTable, indent: string, options: { dates?: boolean } = {}): string {
  const lines = table.rows.map(
    (row) =>
      `${indent}  { ${table.columns.map((column) => `${jsKey(column.name)}: ${jsValue(plan, column, row[column.name] ?? null, options)}`).join(', ')} },`,
  );
  return `[\n${lines.join('\n')}\n${indent}]`;
}

export function jsKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}

function jsValue(plan: SeedPlan, column: SeedColumn, value: SeedValue, options: { dates?: boolean }): string {
  if (value === null) return 'null';
  if (plan.engine === 'sqlite' && typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'object' && plan.engine !== 'postgresql') return JSON.stringify(JSON.stringify(value));
  if (options.dates && typeof value === 'string' && column.kind === 'timestamp')
    return `new Date(${JSON.stringify(`${value.replace(' ', 'T')}Z`)})`;
  if (options.dates && typeof value === 'string' && column.kind === 'date') return `new Date(${JSON.stringify(value)})`;
  return JSON.stringify(value);
}

/** A JavaScript template literal holding SQL text. */
export function templateLiteral(sql: string): string {
  return `\`${sql.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;
}
