export async function up(knex) {
  await knex.schema.createTable('orders', (table) => {
    table.bigIncrements('id');
    table.bigInteger('customer_id').notNullable().references('id').inTable('customers');
    table.decimal('total', 10, 2).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['customer_id']);
  });
  await knex.schema.createTable('order_items', (table) => {
    table.bigIncrements('id');
    table.bigInteger('order_id').notNullable().references('id').inTable('orders').onDelete('CASCADE');
    table.bigInteger('product_id').notNullable().references('id').inTable('products');
    table.integer('quantity').notNullable();
    table.index(['order_id']);
    table.index(['product_id']);
  });
}

export async function down(knex) {
  await knex.schema.dropTable('order_items');
  await knex.schema.dropTable('orders');
}
