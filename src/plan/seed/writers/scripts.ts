import path from 'node:path';
import { drizzleInserts } from './drizzle-inserts.js';
import { templateLiteral } from './js-values.js';
import { header, seedStatements } from './sql.js';
import type { SeedWriteContext, SeedWriter } from './types.js';

/**
 * TypeORM and Drizzle keep no seed convention, so the seed is a small TS script through the project's own
 * DataSource / db object. It runs the same SQL that was proven on the shadow: entity and property names need
 * not be guessed, and a value reaches the database exactly as it did in the proof.
 */

export const writeTypeormSeed: SeedWriter = (plan, context) => {
  const file = `${context.seedDir ?? 'src/seeds'}/${context.name}.ts`;
  const source = findExport(context, /export\s+(?:const|let)\s+(\w+)\s*(?::\s*\w+\s*)?=\s*new\s+DataSource\s*\(/);
  const imported = source ? importLine(file, source) : "import { AppDataSource as dataSource } from '../data-source';";
  const text = `${header(plan, '//')}
${imported}

async function main(): Promise<void> {
  if (!dataSource.isInitialized) await dataSource.initialize();
  try {
    await dataSource.transaction(async (manager) => {
${seedStatements(plan)
  .map((statement) => `      await manager.query(${templateLiteral(statement)});`)
  .join('\n')}
    });
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;
  return {
    files: [{ path: file, text, edit: false }],
    run: `npx tsx ${file}`,
    hints: source ? [] : ["No `new DataSource(` export was found: point the import at the project's DataSource."],
  };
};

export const writeDrizzleSeed: SeedWriter = (plan, context) => {
  const file = `${context.seedDir ?? 'src/db'}/${context.name}.ts`;
  const source = findExport(context, /export\s+(?:const|let)\s+(\w+)\s*=\s*drizzle\s*\(/);
  const imported = source ? importLine(file, source, 'db') : "import { db } from './index';";
  // The insert builder through the project's schema exports when they are all found; else the proven SQL.
  const builder = drizzleInserts(plan, context, file);
  const sqlite = plan.engine === 'sqlite';
  const target = sqlite ? 'db' : 'tx';
  const raw = (statement: string) =>
    `${sqlite ? `${target}.run` : `${target}.execute`}(sql.raw(${templateLiteral(statement)}))`;
  const statements = builder ? [...builder.inserts(target), ...plan.after.map(raw)] : seedStatements(plan).map(raw);
  const text = `${header(plan, '//')}
import { sql } from 'drizzle-orm';
${imported}${builder ? `\n${builder.importLine}` : ''}

${sqlite ? sqliteBody(statements) : serverBody(statements)}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;
  return {
    files: [{ path: file, text, edit: false }],
    run: `npx tsx ${file}`,
    hints: source ? [] : ["No `export const db = drizzle(…)` was found: point the import at the project's db object."],
  };
};

/** PostgreSQL and MySQL drivers run an async transaction callback. */
function serverBody(statements: string[]): string {
  return `async function main(): Promise<void> {
  await db.transaction(async (tx) => {
${statements.map((statement) => `    await ${statement};`).join('\n')}
  });
}`;
}

/**
 * better-sqlite3 refuses an async transaction callback and libsql needs one, so the SQLite script opens the
 * transaction itself: `await` on db.run works for both the sync and the async driver.
 */
function sqliteBody(statements: string[]): string {
  return `async function main(): Promise<void> {
  await db.run(sql.raw('BEGIN'));
  try {
${statements.map((statement) => `    await ${statement};`).join('\n')}
    await db.run(sql.raw('COMMIT'));
  } catch (error) {
    await db.run(sql.raw('ROLLBACK'));
    throw error;
  }
}`;
}

interface Found {
  file: string;
  name: string;
}

function findExport(context: SeedWriteContext, pattern: RegExp): Found | undefined {
  for (const file of context.files) {
    if (!/\.(ts|js|mts|mjs)$/.test(file) || /node_modules|\.d\.ts$/.test(file)) continue;
    const name = pattern.exec(context.read(file) ?? '')?.[1];
    if (name) return { file, name };
  }
  return undefined;
}

function importLine(from: string, found: Found, alias = 'dataSource'): string {
  let relative = path.posix.relative(path.posix.dirname(from), found.file).replace(/\.(ts|js|mts|mjs)$/, '');
  if (!relative.startsWith('.')) relative = `./${relative}`;
  return found.name === alias
    ? `import { ${alias} } from '${relative}';`
    : `import { ${found.name} as ${alias} } from '${relative}';`;
}
