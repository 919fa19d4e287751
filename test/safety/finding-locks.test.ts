import { describe, expect, it } from 'vitest';
import { validatePostgres } from '../../src/safety/engine.js';
import { reportWriter } from '../../src/safety/format.js';
import { streamSqlInputs } from '../../src/safety/run.js';
import { METAS } from '../helpers/json-report.js';

/**
 * A finding's lock claims name every relation the statement locks beyond the rule's own claims, from the schema
 * known from earlier migrations (the lock oracle checks those locks against pg_locks).
 */
const HISTORY = [
  {
    sql: `CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id));
CREATE TABLE events (day date NOT NULL) PARTITION BY RANGE (day);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');`,
  },
];

async function claims(sql: string, ruleId: string): Promise<string[]> {
  const report = await validatePostgres(sql, { catalog: { history: HISTORY } });
  const finding = report.findings.find((each) => each.ruleId === ruleId);
  expect(finding, `${ruleId} fires`).toBeDefined();
  return (finding?.locks ?? []).map((lock) => `${lock.mode} on ${lock.on}${lock.relation ? ` ${lock.relation}` : ''}`);
}

describe('lock claims of findings', () => {
  it('dropping a foreign key also locks the referenced table', async () => {
    expect(await claims('ALTER TABLE orders DROP CONSTRAINT orders_user_fk;', 'drop-constraint')).toEqual([
      'ACCESS EXCLUSIVE on table',
      'ACCESS EXCLUSIVE on referenced table users',
    ]);
  });

  it('a foreign key follows the table it references through a rename', async () => {
    expect(
      await claims(
        'ALTER TABLE users RENAME TO people;\nALTER TABLE orders DROP CONSTRAINT orders_user_fk;',
        'drop-constraint',
      ),
    ).toEqual(['ACCESS EXCLUSIVE on table', 'ACCESS EXCLUSIVE on referenced table people']);
    const readded = await validatePostgres(
      'ALTER TABLE users RENAME TO people;\nALTER TABLE orders DROP CONSTRAINT orders_user_fk;\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES people (id) ON DELETE CASCADE;',
      { catalog: { history: HISTORY } },
    );
    expect(readded.findings.filter((each) => each.ruleId === 'drop-constraint')).toEqual([]);
  });

  it("a statement's lock summary lists what it takes, not the lock an earlier statement of the transaction holds", async () => {
    const report = await validatePostgres(
      'BEGIN;\nALTER TABLE a ALTER COLUMN n TYPE bigint;\nALTER TABLE b ALTER COLUMN n TYPE bigint;\nCOMMIT;',
      { catalog: { history: [{ sql: 'CREATE TABLE a (n int);\nCREATE TABLE b (n int);' }] } },
    );
    const second = report.locks.find((summary) => summary.span.start.line === 3);
    expect(second?.locks.map((lock) => `${lock.mode} on ${lock.table}`)).toEqual(['ACCESS EXCLUSIVE on b']);
    // The finding still says the held table stays unavailable while the statement runs.
    const held = report.findings.find((f) => f.ruleId === 'statement-after-access-exclusive');
    expect(held?.table).toBe('a');
    expect(held?.locks.map((lock) => lock.mode)).toEqual(['ACCESS EXCLUSIVE']);
  });

  it('dropping a table or its foreign-key column also locks the referenced table', async () => {
    expect(await claims('DROP TABLE orders;', 'drop-table')).toContain('ACCESS EXCLUSIVE on referenced table users');
    expect(await claims('ALTER TABLE orders DROP COLUMN user_id;', 'drop-column')).toContain(
      'ACCESS EXCLUSIVE on referenced table users',
    );
  });

  it('an index on a partitioned table is built under SHARE on each partition', async () => {
    expect(await claims('CREATE INDEX events_day_idx ON events (day);', 'require-concurrent-index-creation')).toEqual([
      'SHARE on table',
      'SHARE on partition events_2026',
    ]);
  });

  it('a claim on the finding table takes the mode the statement takes; the referenced table is named', async () => {
    // ADD COLUMN … REFERENCES holds ACCESS EXCLUSIVE (the ADD COLUMN), not the bare ADD FOREIGN KEY's SHARE ROW
    // EXCLUSIVE, and the referenced table is users, not the table altered. (With a default the key is validated.)
    const sql = 'ALTER TABLE orders ADD COLUMN buyer_id bigint DEFAULT NULL REFERENCES users (id);';
    expect(await claims(sql, 'foreign-key-not-valid')).toEqual([
      'ACCESS EXCLUSIVE on table',
      'SHARE ROW EXCLUSIVE on referenced table users',
    ]);
    // The lock summary still records where the rule's own claim differs from the lock map.
    const report = await validatePostgres(sql, {
      catalog: { history: HISTORY },
    });
    const orders = report.locks[0]?.locks.find((lock) => lock.table === 'orders');
    expect(orders?.ruleClaim).toEqual({ ruleId: 'foreign-key-not-valid', mode: 'SHARE ROW EXCLUSIVE' });
  });

  it('text output names each relation once: the referenced table is not labelled with the finding table', async () => {
    const chunks: string[] = [];
    const writer = reportWriter('text', (chunk) => chunks.push(chunk), METAS);
    const inputs = [{ file: 'drop.sql', sql: 'DROP TABLE orders;' }];
    writer.finish(await streamSqlInputs(inputs, { history: HISTORY }, writer));
    const text = chunks.join('');
    expect(text).toContain('= lock: ACCESS EXCLUSIVE on table orders (blocks reads and writes)');
    expect(text).toContain('= lock: ACCESS EXCLUSIVE on referenced table users (blocks reads and writes)');
    expect(text).not.toContain('users orders');
  });

  it('an index the schema does not know is locked as an index; its table is not guessed', async () => {
    const report = await validatePostgres('DROP INDEX index_backups_on_user_id;');
    expect(report.locks[0]?.locks.map((lock) => `${lock.mode} on ${lock.on} ${lock.table}`)).toEqual([
      'ACCESS EXCLUSIVE on index index_backups_on_user_id',
    ]);
    const timeout = report.findings.find((f) => f.ruleId === 'require-lock-timeout');
    expect(timeout?.message).toContain('the table of index index_backups_on_user_id');
    // A known index names its table as every other message does (orders, not public.orders).
    const known = await validatePostgres(
      'CREATE INDEX orders_user_idx ON orders (user_id);\nDROP INDEX orders_user_idx;',
      {
        catalog: { history: HISTORY },
      },
    );
    expect(known.findings.find((f) => f.ruleId === 'require-lock-timeout')?.message).not.toContain('public.orders');
  });

  it('without the schema no related relation is claimed', async () => {
    const report = await validatePostgres('ALTER TABLE orders DROP CONSTRAINT orders_user_fk;');
    const finding = report.findings.find((each) => each.ruleId === 'drop-constraint');
    expect(finding?.locks.map((lock) => lock.on)).toEqual(['table']);
  });
});

describe('what a dropped constraint locks, in the finding message', () => {
  it('names the referenced table when the schema knows the constraint, and says it is unknown otherwise', async () => {
    const known = await validatePostgres('ALTER TABLE orders DROP CONSTRAINT orders_user_fk;', {
      catalog: { history: HISTORY },
    });
    expect(known.findings.find((f) => f.ruleId === 'drop-constraint')?.message).toContain(
      'and locks users ACCESS EXCLUSIVE too',
    );
    const unknown = await validatePostgres('ALTER TABLE orders DROP CONSTRAINT orders_user_fk;');
    expect(unknown.findings.find((f) => f.ruleId === 'drop-constraint')?.message).toContain(
      'unknown whether it is a foreign key',
    );
  });
});
