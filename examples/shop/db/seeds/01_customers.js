export async function seed(knex) {
  await knex('customers').insert([
    { email: 'ada@example.com', name: 'Ada Lovelace' },
    { email: 'grace@example.com', name: 'Grace Hopper' },
  ]);
}
