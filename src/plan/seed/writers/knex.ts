import { jsRows, templateLiteral } from './js-values.js';
import { header } from './sql.js';
import type { SeedWriter } from './types.js';

/** A knex seed file (seeds/<name>.js|ts) in the project's module style: one transaction, parents first. */
export const writeKnexSeed: SeedWriter = (plan, context) => {
  const extension = context.moduleStyle === 'ts' ? 'ts' : 'js';
  const file = `${context.seedDir ?? 'seeds'}/${context.name}.${extension}`;
  const body: string[] = [];
  for (const table of plan.tables) {
    if (table.rows.length === 0) continue;
    body.push(`    await trx(${JSON.stringify(table.name)}).insert(${jsRows(plan, table, '    ')});`);
  }
  for (const statement of plan.after) body.push(`    await trx.raw(${templateLiteral(statement)});`);
  const inner = `  await knex.transaction(async (trx) => {\n${body.join('\n')}\n  });`;
  const signature =
    context.moduleStyle === 'ts'
      ? `import type { Knex } from 'knex';\n\nexport async function seed(knex: Knex): Promise<void> {`
      : context.moduleStyle === 'esm'
        ? `/** @param {import('knex').Knex} knex */\nexport async function seed(knex) {`
        : `/** @param {import('knex').Knex} knex */\nexports.seed = async function seed(knex) {`;
  const close = context.moduleStyle === 'cjs' ? '};' : '}';
  return {
    files: [{ path: file, text: `${header(plan, '//')}\n${signature}\n${inner}\n${close}\n`, edit: false }],
    run: `npx knex seed:run --specific=${context.name}.${extension}`,
    hints: [],
  };
};
