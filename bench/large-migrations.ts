import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * One block of statements that trips rules of every severity on an existing table (errors: drop, backfill, rename;
 * warnings: index, lock timeout, foreign key; infos: robustness, timeouts), numbered so no two blocks are alike.
 */
function block(index: number): string {
  return [
    `CREATE INDEX idx_orders_a${index} ON orders (a${index});`,
    `ALTER TABLE orders ADD COLUMN b${index} int;`,
    `ALTER TABLE orders ALTER COLUMN c${index} TYPE bigint;`,
    `ALTER TABLE orders DROP COLUMN d${index};`,
    `UPDATE orders SET e${index} = 1;`,
    `ALTER TABLE orders ADD CONSTRAINT fk${index} FOREIGN KEY (x${index}) REFERENCES users(id);`,
    `ALTER TABLE orders RENAME COLUMN f${index} TO g${index};`,
    `CREATE TABLE t${index} (id serial primary key, name varchar(20));`,
    '',
  ].join('\n');
}

/** A migration SQL text of about `bytes` bytes (5 MB is the large input). */
export function largeMigrationSql(bytes: number): string {
  const parts: string[] = [];
  let length = 0;
  for (let index = 0; length < bytes; index++) {
    const text = block(index);
    parts.push(text);
    length += text.length;
  }
  return parts.join('');
}

/** A temporary project with a migrations/ folder of the given files; returns its root. */
export function projectWith(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'dma-results-'));
  for (const [relative, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), text);
  }
  return root;
}

/** A migration of `tables` new tables, each with an index and a column added: many rehearsal steps. */
export function manyTablesSql(tables: number): string {
  const lines: string[] = [];
  for (let index = 0; index < tables; index++) {
    lines.push(
      `CREATE TABLE item${index} (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());`,
      `CREATE INDEX item${index}_name ON item${index} (name);`,
      `ALTER TABLE item${index} ADD COLUMN note text;`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A data migration of about `bytes` bytes: one new table filled by multi-row INSERTs of ~10 KB each. */
export function bulkInsertSql(bytes: number): string {
  const parts = ['CREATE TABLE bulk_rows (id bigint PRIMARY KEY, payload text NOT NULL);\n'];
  let length = parts[0]!.length;
  for (let id = 0; length < bytes; ) {
    const rows: string[] = [];
    for (let row = 0; row < 100; row++, id++) rows.push(`(${id}, 'payload ${id} ${'x'.repeat(70)}')`);
    const text = `INSERT INTO bulk_rows (id, payload) VALUES ${rows.join(', ')};\n`;
    parts.push(text);
    length += text.length;
  }
  return parts.join('');
}
