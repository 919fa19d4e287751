import type { SeedTable } from '../types.js';
import { jsKey, templateLiteral } from './js-values.js';
import { header } from './sql.js';
import type { SeedWriteContext, SeedWriter } from './types.js';

/**
 * prisma/seed.ts with PrismaClient createMany, all tables in one $transaction. Prisma calls models and fields by
 * their names in schema.prisma, so @@map / @map are read back from it to turn table and column names into them.
 * package.json's "prisma.seed" entry is suggested, never edited.
 */
export const writePrismaSeed: SeedWriter = (plan, context) => {
  const names = prismaNames(context);
  const existing = context.read('prisma/seed.ts') !== undefined;
  const file = existing ? `prisma/seeds/${context.name}.ts` : 'prisma/seed.ts';
  const calls: string[] = [];
  for (const table of plan.tables) {
    if (table.rows.length === 0) continue;
    const model = names.get(table.name.toLowerCase());
    const delegate = lowerFirst(model?.name ?? pascal(table.name));
    calls.push(`    prisma.${delegate}.createMany({ data: ${rows(table, model?.fields, plan.engine)} }),`);
  }
  for (const statement of plan.after) calls.push(`    prisma.$executeRawUnsafe(${templateLiteral(statement)}),`);
  const text = `${header(plan, '//')}
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

async function main(): Promise<void> {
  await prisma.$transaction([
${calls.join('\n')}
  ]);
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => prisma.$disconnect());
`;
  const hints = existing
    ? [`prisma/seed.ts exists; this seed is ${file}: run it with npx tsx ${file}, or call it from prisma/seed.ts.`]
    : ['Add to package.json (not edited by the tool): "prisma": { "seed": "tsx prisma/seed.ts" }'];
  return {
    files: [{ path: file, text, edit: false }],
    run: existing ? `npx tsx ${file}` : 'npx prisma db seed',
    hints,
  };
};

function rows(table: SeedTable, fields: Map<string, string> | undefined, engine: string): string {
  const lines = table.rows.map((row) => {
    const entries = table.columns.map((column) => {
      const value = row[column.name] ?? null;
      const key = jsKey(fields?.get(column.name) ?? column.name);
      if (value === null) return `${key}: null`;
      if (column.kind === 'timestamp' && typeof value === 'string')
        return `${key}: new Date(${JSON.stringify(`${value.replace(' ', 'T')}Z`)})`;
      if (column.kind === 'date' && typeof value === 'string') return `${key}: new Date(${JSON.stringify(value)})`;
      if (engine === 'sqlite' && typeof value === 'object' && !Array.isArray(value))
        return `${key}: ${JSON.stringify(JSON.stringify(value))}`;
      return `${key}: ${JSON.stringify(value)}`;
    });
    return `      { ${entries.join(', ')} },`;
  });
  return `[\n${lines.join('\n')}\n    ]`;
}

interface ModelNames {
  name: string;
  /** Column name → field name. */
  fields: Map<string, string>;
}

/** Table name (lower case) → model and field names, from `model X { … @@map("t") }` and `field T @map("c")`. */
function prismaNames(context: SeedWriteContext): Map<string, ModelNames> {
  const map = new Map<string, ModelNames>();
  const texts = context.files
    .filter((file) => /\.prisma$/.test(file))
    .map((file) => context.read(file) ?? '')
    .join('\n');
  for (const match of texts.matchAll(/^\s*model\s+(\w+)\s*\{([\s\S]*?)^\s*\}/gm)) {
    const name = match[1] ?? '';
    const body = match[2] ?? '';
    const table = /@@map\(\s*(?:name:\s*)?"([^"]+)"/.exec(body)?.[1] ?? name;
    const fields = new Map<string, string>();
    for (const line of body.split('\n')) {
      const field = /^\s*(\w+)\s+\w/.exec(line)?.[1];
      if (!field || line.trim().startsWith('@@') || line.trim().startsWith('//')) continue;
      fields.set(/@map\(\s*(?:name:\s*)?"([^"]+)"/.exec(line)?.[1] ?? field, field);
    }
    map.set(table.toLowerCase(), { name, fields });
  }
  return map;
}

function pascal(table: string): string {
  return (table.split('.').pop() ?? table).replace(/(^|_)(\w)/g, (_, __, char: string) => char.toUpperCase());
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
