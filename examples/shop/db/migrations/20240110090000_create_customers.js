export async function up(knex) {
  await knex.schema.createTable('customers', (table) => {
    table.bigIncrements('id');
    table.string('email', 255).notNullable().unique();
    table.string('name', 120).notNullable();
    table.timestamps(true, true);
  });
}

export async function down(knex) {
  await knex.schema.dropTable('customers');
}
