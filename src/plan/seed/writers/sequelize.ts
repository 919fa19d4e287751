import type { SeedTable } from '../types.js';
import { jsRows, templateLiteral } from './js-values.js';
import { header } from './sql.js';
import type { SeedWriter } from './types.js';

/**
 * A Sequelize seeder (seeders/<timestamp>-<name>.js): up bulkInserts parents first in one transaction, down
 * bulkDeletes the same rows children first, by their key where the seed knows one.
 */
export const writeSequelizeSeed: SeedWriter = (plan, context) => {
  const stamp = context.now.toISOString().replace(/\D/g, '').slice(0, 14);
  const file = `${context.seedDir ?? 'seeders'}/${stamp}-${context.name.replace(/_/g, '-')}.js`;
  const tables = plan.tables.filter((table) => table.rows.length > 0);
  const up = tables.map(
    (table) =>
      `      await queryInterface.bulkInsert(${JSON.stringify(table.name)}, ${jsRows(plan, table, '      ')}, { transaction });`,
  );
  for (const statement of plan.after)
    up.push(`      await queryInterface.sequelize.query(${templateLiteral(statement)}, { transaction });`);
  const down = [...tables]
    .reverse()
    .map(
      (table) =>
        `      await queryInterface.bulkDelete(${JSON.stringify(table.name)}, ${deleteWhere(table)}, { transaction });`,
    );
  const text = `${header(plan, '//')}
'use strict';

/** @type {import('sequelize-cli').Migration} */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.transaction(async (transaction) => {
${up.join('\n')}
    });
  },

  async down(queryInterface) {
    await queryInterface.sequelize.transaction(async (transaction) => {
${down.join('\n')}
    });
  },
};
`;
  return {
    files: [{ path: file, text, edit: false }],
    run: `npx sequelize-cli db:seed --seed ${file.split('/').pop()}`,
    hints: [],
  };
};

/** The seeded rows by a single key column (explicit id, else the first column whose values are all distinct). */
function deleteWhere(table: SeedTable): string {
  const key =
    table.explicitIds[0] ??
    table.columns.find((column) => {
      const values = table.rows.map((row) => JSON.stringify(row[column.name] ?? null));
      return !values.includes('null') && new Set(values).size === values.length && column.kind !== 'json';
    })?.name;
  if (!key) return '{}';
  return `{ ${JSON.stringify(key)}: ${JSON.stringify(table.rows.map((row) => row[key] ?? null))} }`;
}
