/** knex configuration of the shop: PostgreSQL, migrations in db/migrations, seeds in db/seeds. */
export default {
  client: 'pg',
  connection: process.env.DATABASE_URL ?? 'postgres://shop:shop@localhost:5432/shop',
  migrations: { directory: './db/migrations', tableName: 'knex_migrations' },
  seeds: { directory: './db/seeds' },
};
