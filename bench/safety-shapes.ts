/**
 * Generators for the work users give the check (issue 19 §4), beside the 50,000-statement file of bench/safety.ts:
 * a long migration history in up/down folders, and one ordinary migration.
 */

/** A small deterministic generator, so every run measures the same files. */
function sequence(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

interface HistoryMigration {
  /** Folder name, `YYYY-MM-DD-HHMMSS_name` (Diesel's layout: each folder holds up.sql and down.sql). */
  folder: string;
  up: string;
  down: string;
}

const COLUMN_TYPES = ['text', 'integer', 'bigint', 'boolean', 'timestamptz', 'jsonb', 'varchar(255)', 'numeric(12,2)'];

/**
 * A history of `count` migration folders of realistic DDL, about 7.6 statements per folder (up + down) like the
 * real 342-folder history of the issue (2,617 statements): tables created with keys and foreign keys, then
 * columns added, renamed and dropped, indexes created and dropped, constraints, enum changes, backfills, views,
 * functions and triggers — most up files without SET lock_timeout, as real histories are.
 */
export function generateHistory(count: number, seed = 19): HistoryMigration[] {
  const random = sequence(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const tables: Array<{ name: string; columns: string[] }> = [];
  const migrations: HistoryMigration[] = [];

  function addChange(up: string[], down: string[], i: number): string {
    let name: string;
    const shape = tables.length < 8 ? 0 : Math.floor(random() * 12);
    const table = tables.length > 0 ? pick(tables) : undefined;
    if (shape === 0 || !table) {
      const created = { name: `entity_${tables.length}`, columns: ['id', 'name', 'created_at', 'updated_at'] };
      const parent = tables.length > 0 ? pick(tables) : undefined;
      name = `create_${created.name}`;
      up.push(
        `CREATE TABLE ${created.name} (\n    id SERIAL PRIMARY KEY,\n    name VARCHAR NOT NULL,\n${parent ? `    ${parent.name}_id INTEGER NOT NULL REFERENCES ${parent.name} (id) ON DELETE CASCADE,\n` : ''}    created_at TIMESTAMP NOT NULL DEFAULT now(),\n    updated_at TIMESTAMP NOT NULL DEFAULT now()\n);`,
        `CREATE INDEX index_${created.name}_on_name ON ${created.name} (name);`,
        `SELECT diesel_manage_updated_at('${created.name}');`,
      );
      if (parent) {
        created.columns.push(`${parent.name}_id`);
        up.push(`CREATE INDEX index_${created.name}_on_${parent.name}_id ON ${created.name} (${parent.name}_id);`);
      }
      down.push(`DROP TABLE ${created.name};`);
      tables.push(created);
    } else if (shape <= 3) {
      const column = `field_${i}`;
      const type = pick(COLUMN_TYPES);
      name = `add_${column}_to_${table.name}`;
      const notNull = random() < 0.4 ? ` NOT NULL DEFAULT ${type === 'boolean' ? 'false' : "'0'"}` : '';
      up.push(`ALTER TABLE ${table.name} ADD COLUMN ${column} ${type}${notNull};`);
      if (random() < 0.5) up.push(`UPDATE ${table.name} SET ${column} = DEFAULT WHERE ${column} IS NULL;`);
      if (random() < 0.5) up.push(`CREATE INDEX index_${table.name}_on_${column} ON ${table.name} (${column});`);
      down.push(`ALTER TABLE ${table.name} DROP COLUMN ${column};`);
      table.columns.push(column);
    } else if (shape === 4) {
      const column = pick(table.columns.filter((item) => item.startsWith('field_')).concat(['name']));
      const renamed = `${column}_v${i}`;
      name = `rename_${table.name}_${column}`;
      up.push(`ALTER TABLE ${table.name} RENAME COLUMN ${column} TO ${renamed};`);
      down.push(`ALTER TABLE ${table.name} RENAME COLUMN ${renamed} TO ${column};`);
      table.columns[table.columns.indexOf(column)] = renamed;
    } else if (shape === 5) {
      name = `index_${table.name}_${i}`;
      up.push(
        `DROP INDEX IF EXISTS index_${table.name}_on_name;`,
        `CREATE INDEX index_${table.name}_on_name ON ${table.name} (lower(name));`,
        `CREATE UNIQUE INDEX ${table.name}_uniq_${i} ON ${table.name} (id, created_at);`,
      );
      down.push(`DROP INDEX ${table.name}_uniq_${i};`);
    } else if (shape === 6) {
      name = `constraints_${table.name}_${i}`;
      up.push(
        `ALTER TABLE ${table.name} ADD CONSTRAINT ${table.name}_name_len_${i} CHECK (char_length(name) <= 200);`,
        `ALTER TABLE ${table.name} ALTER COLUMN name SET NOT NULL;`,
      );
      down.push(`ALTER TABLE ${table.name} DROP CONSTRAINT ${table.name}_name_len_${i};`);
    } else if (shape === 7) {
      const kind = `kind_${i}`;
      name = `enum_${kind}`;
      up.push(
        `CREATE TYPE ${kind} AS ENUM ('a', 'b', 'c');`,
        `ALTER TABLE ${table.name} ADD COLUMN ${kind} ${kind} NOT NULL DEFAULT 'a';`,
        `ALTER TYPE ${kind} ADD VALUE 'd';`,
      );
      down.push(`ALTER TABLE ${table.name} DROP COLUMN ${kind};`, `DROP TYPE ${kind};`);
      table.columns.push(kind);
    } else if (shape === 8) {
      name = `backfill_${table.name}_${i}`;
      up.push(
        `UPDATE ${table.name} SET updated_at = created_at WHERE updated_at IS NULL;`,
        `DELETE FROM ${table.name} WHERE name = '';`,
        `ALTER TABLE ${table.name} ALTER COLUMN updated_at SET DEFAULT now();`,
      );
      down.push(`ALTER TABLE ${table.name} ALTER COLUMN updated_at DROP DEFAULT;`);
    } else if (shape === 9) {
      const view = `${table.name}_summary_${i}`;
      name = `view_${view}`;
      up.push(
        `CREATE VIEW ${view} AS SELECT id, name, created_at FROM ${table.name} WHERE created_at > now() - interval '30 days';`,
      );
      down.push(`DROP VIEW ${view};`);
    } else if (shape === 10) {
      const fn = `touch_${table.name}_${i}`;
      name = `trigger_${fn}`;
      up.push(
        `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger AS $$\nBEGIN\n    NEW.updated_at := now();\n    RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;`,
        `CREATE TRIGGER ${fn} BEFORE UPDATE ON ${table.name} FOR EACH ROW EXECUTE PROCEDURE ${fn}();`,
      );
      down.push(`DROP TRIGGER ${fn} ON ${table.name};`, `DROP FUNCTION ${fn}();`);
    } else {
      const column = pick(table.columns.filter((item) => item.startsWith('field_')).concat(['name']));
      name = `alter_${table.name}_${column}`;
      up.push(
        `ALTER TABLE ${table.name} ALTER COLUMN ${column} TYPE text;`,
        `COMMENT ON COLUMN ${table.name}.${column} IS 'changed in migration ${i}';`,
      );
      down.push(`ALTER TABLE ${table.name} ALTER COLUMN ${column} TYPE varchar;`);
    }
    return name;
  }
  for (let i = 0; i < count; i++) {
    const day = new Date(Date.UTC(2016, 0, 1) + i * 5 * 86_400_000);
    const stamp = `${day.toISOString().slice(0, 10)}-${String(100_000 + i).slice(1)}`;
    const up: string[] = [];
    const down: string[] = [];
    const names: string[] = [];
    const shapes = random() < 0.2 ? 3 : 2;
    for (let part = 0; part < shapes; part++) names.push(addChange(up, down, i * 3 + part));
    const name = names.join('_and_');
    migrations.push({
      folder: `${stamp}_${name}`,
      up: `-- Your SQL goes here\n${up.join('\n')}\n`,
      down: `-- This file should undo anything in \`up.sql\`\n${down.join('\n')}\n`,
    });
  }
  return migrations;
}

/**
 * One ordinary migration of about 82 lines: a new table with its indexes and foreign keys, columns added to an
 * existing table, a backfill and a constraint — the size an agent or a pre-commit hook checks most often.
 */
export function generateOrdinaryMigration(): string {
  return `-- Add invoicing: invoices, their lines, and billing fields on accounts.
SET lock_timeout = '5s';
SET statement_timeout = '15min';

CREATE TYPE invoice_status AS ENUM ('draft', 'open', 'paid', 'void');

CREATE TABLE invoices (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id),
    number text NOT NULL,
    status invoice_status NOT NULL DEFAULT 'draft',
    currency char(3) NOT NULL DEFAULT 'EUR',
    total_cents bigint NOT NULL DEFAULT 0,
    issued_at timestamptz,
    due_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT invoices_number_key UNIQUE (account_id, number)
);

CREATE INDEX invoices_account_id_idx ON invoices (account_id);
CREATE INDEX invoices_status_due_idx ON invoices (status, due_at) WHERE status = 'open';

CREATE TABLE invoice_lines (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id bigint NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    description text NOT NULL,
    quantity integer NOT NULL CHECK (quantity > 0),
    unit_cents bigint NOT NULL,
    tax_rate numeric(5, 2) NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX invoice_lines_invoice_id_idx ON invoice_lines (invoice_id);

-- Billing fields on the existing accounts table.
ALTER TABLE accounts ADD COLUMN billing_email text;
ALTER TABLE accounts ADD COLUMN billing_country char(2);
ALTER TABLE accounts ADD COLUMN vat_number varchar(32);
ALTER TABLE accounts ADD COLUMN payment_terms_days integer NOT NULL DEFAULT 30;

UPDATE accounts SET billing_email = lower(name) || '@example.invalid' WHERE billing_email IS NULL;

ALTER TABLE accounts ADD CONSTRAINT accounts_payment_terms_check CHECK (payment_terms_days BETWEEN 0 AND 120) NOT VALID;
ALTER TABLE accounts VALIDATE CONSTRAINT accounts_payment_terms_check;

CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_billing_email_idx ON accounts (billing_email);

CREATE OR REPLACE FUNCTION invoices_touch() RETURNS trigger AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER invoices_touch BEFORE UPDATE ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_touch();

CREATE VIEW open_invoices AS
    SELECT i.id, i.number, a.name AS account, i.total_cents, i.due_at
    FROM invoices i
    JOIN accounts a ON a.id = i.account_id
    WHERE i.status = 'open';

COMMENT ON TABLE invoices IS 'One invoice per account and number';
COMMENT ON COLUMN invoices.total_cents IS 'Sum of the lines, in the smallest currency unit';

INSERT INTO invoices (account_id, number, status)
SELECT id, 'INV-0000', 'draft' FROM accounts WHERE created_at < now() - interval '1 year';

ALTER TABLE accounts RENAME COLUMN vat_number TO tax_id;
ALTER TABLE invoice_lines ALTER COLUMN description SET DATA TYPE text;
ALTER TABLE invoices ALTER COLUMN currency SET DEFAULT 'USD';

DROP INDEX IF EXISTS accounts_old_name_idx;

-- Soft delete.
ALTER TABLE accounts ADD COLUMN archived_at timestamptz;
CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_archived_at_idx ON accounts (archived_at) WHERE archived_at IS NOT NULL;
ALTER TABLE accounts DROP COLUMN IF EXISTS legacy_billing_code;

GRANT SELECT ON open_invoices TO reporting;
`;
}
