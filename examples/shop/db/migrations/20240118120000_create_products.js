export async function up(knex) {
  await knex.schema.createTable('products', (table) => {
    table.bigIncrements('id');
    table.string('sku', 32).notNullable().unique();
    table.string('title', 200).notNullable();
    table.decimal('price', 10, 2).notNullable();
    table.integer('stock').notNullable().defaultTo(0);
  });
}

export async function down(knex) {
  await knex.schema.dropTable('products');
}
