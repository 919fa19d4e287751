import type { MigrationDraft } from '../../src/generate/types.js';
import type { Engine } from '../../src/model.js';

/**
 * One plan in three migrations per engine, as generate_migration's planner hands them to a writer: two tables with
 * a foreign key and its index, an added column (phase 1 of an expand/contract plan, with its application change),
 * and an index that cannot be built inside a transaction. PostgreSQL adds a function with a `$$` body.
 */
export function draftsFor(engine: 'postgresql' | 'mariadb' | 'sqlite'): MigrationDraft[] {
  const mysql = engine === 'mariadb';
  const base = { engine: engine as Engine, changes: [] };
  const createTables: MigrationDraft = {
    ...base,
    name: 'add_gen_orders_table',
    transactional: !mysql,
    up: [
      `CREATE TABLE gen_customers (id bigint PRIMARY KEY, email ${mysql ? 'varchar(200)' : 'text'} NOT NULL)`,
      mysql
        ? 'CREATE TABLE gen_orders (\n  id bigint PRIMARY KEY,\n  customer_id bigint NOT NULL,\n  total decimal(10,2) NOT NULL DEFAULT 0,\n  CONSTRAINT gen_orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES gen_customers (id)\n)'
        : 'CREATE TABLE gen_orders (\n  id bigint PRIMARY KEY,\n  customer_id bigint NOT NULL REFERENCES gen_customers (id),\n  total numeric(10,2) NOT NULL DEFAULT 0\n)',
      'CREATE INDEX gen_orders_customer_id_idx ON gen_orders (customer_id)',
    ],
    down: ['DROP TABLE gen_orders', 'DROP TABLE gen_customers'],
    changes: [
      { op: 'create_table', table: 'gen_customers', columns: [{ name: 'id', type: 'bigint', primaryKey: true }] },
      {
        op: 'create_table',
        table: 'gen_orders',
        columns: [
          { name: 'id', type: 'bigint', primaryKey: true },
          { name: 'customer_id', type: 'bigint', references: { table: 'gen_customers' } },
        ],
      },
      { op: 'add_index', table: 'gen_orders', columns: ['customer_id'], name: 'gen_orders_customer_id_idx' },
    ],
  };
  const addColumn: MigrationDraft = {
    ...base,
    name: 'add_gen_orders_note',
    transactional: !mysql,
    up: ['ALTER TABLE gen_orders ADD COLUMN note text'],
    down: ['ALTER TABLE gen_orders DROP COLUMN note'],
    changes: [{ op: 'add_column', table: 'gen_orders', column: { name: 'note', type: 'text' } }],
    phase: { index: 1, of: 2, label: 'expand' },
    applicationChange: 'Deploy the code that writes gen_orders.note and tolerates it being null.',
  };
  const index: MigrationDraft = {
    ...base,
    name: 'index_gen_orders_total',
    transactional: false,
    up: [
      engine === 'postgresql'
        ? 'CREATE INDEX CONCURRENTLY gen_orders_total_idx ON gen_orders (total)'
        : mysql
          ? 'CREATE INDEX gen_orders_total_idx ON gen_orders (total) ALGORITHM=INPLACE LOCK=NONE'
          : 'CREATE INDEX gen_orders_total_idx ON gen_orders (total)',
    ],
    down: [
      engine === 'postgresql'
        ? 'DROP INDEX CONCURRENTLY gen_orders_total_idx'
        : mysql
          ? 'DROP INDEX gen_orders_total_idx ON gen_orders'
          : 'DROP INDEX gen_orders_total_idx',
    ],
    changes: [{ op: 'add_index', table: 'gen_orders', columns: ['total'], name: 'gen_orders_total_idx' }],
  };
  if (engine !== 'postgresql') return [createTables, addColumn, index];
  const body: MigrationDraft = {
    ...base,
    name: 'add_gen_orders_note_default',
    transactional: true,
    up: [
      "CREATE FUNCTION gen_note_default() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.note := coalesce(NEW.note, '');\n  RETURN NEW;\nEND;\n$$",
      'CREATE TRIGGER gen_orders_note_default BEFORE INSERT ON gen_orders FOR EACH ROW EXECUTE FUNCTION gen_note_default()',
    ],
    down: ['DROP TRIGGER gen_orders_note_default ON gen_orders', 'DROP FUNCTION gen_note_default()'],
  };
  return [createTables, addColumn, index, body];
}
