import { describe, expect, it } from 'vitest';
import type { SqlInput } from '../../src/safety/inputs.js';
import { checkSqlInputs } from '../../src/safety/run.js';

/**
 * Session-level hazards are one finding per migration (per transaction block where it has several), whatever
 * the history's length: issue 19 §3 saw 1,559 "no lock_timeout" findings on a 342-migration history.
 */

type Timeouts = 'none' | 'lock' | 'statement' | 'both' | 'first-transaction-only';

interface Generated {
  input: SqlInput;
  /** Expected findings of require-lock-timeout / require-statement-timeout, and the lines each covers. */
  lock: number[][];
  statement: number[][];
}

const TIMEOUTS: Timeouts[] = ['none', 'lock', 'statement', 'both', 'first-transaction-only'];

/** Migration `i` of the history: its statements alter tables earlier migrations created. */
function generate(i: number): Generated {
  const timeouts = TIMEOUTS[i % TIMEOUTS.length] as Timeouts;
  const lines: string[] = [];
  const locking: number[] = [];
  /** The statements that scan or rewrite: the only ones statement_timeout matters for once lock_timeout is set. */
  const long: number[] = [];
  const alter = (sql: string, scans = false) => {
    lines.push(sql);
    locking.push(lines.length);
    if (scans) long.push(lines.length);
  };
  if (timeouts === 'lock' || timeouts === 'both') lines.push("SET lock_timeout = '3s';");
  if (timeouts === 'statement' || timeouts === 'both') lines.push("SET statement_timeout = '5min';");
  const table = `base_${i % 7}`;
  if (timeouts === 'first-transaction-only') {
    lines.push('BEGIN;', "SET LOCAL lock_timeout = '3s';", "SET LOCAL statement_timeout = '5min';");
    alter(`ALTER TABLE ${table} ADD COLUMN c_${i}_a integer;`);
    lines.push('COMMIT;', 'BEGIN;');
    locking.length = 0; // the first transaction is covered: only the second one's statements count
    alter(`ALTER TABLE ${table} ADD COLUMN c_${i}_b integer;`);
    alter(`CREATE INDEX idx_${i} ON ${table} (id);`, true);
    lines.push('COMMIT;');
  } else {
    alter(`ALTER TABLE ${table} ADD COLUMN c_${i} integer;`);
    lines.push(`CREATE TABLE new_${i} (id bigint PRIMARY KEY);`); // a new table locks nothing anyone uses
    alter(`CREATE INDEX idx_${i} ON ${table} (id);`, true);
    lines.push(`SELECT count(*) FROM ${table};`);
    for (let extra = 0; extra < i % 4; extra++) alter(`ALTER TABLE ${table} ADD COLUMN c_${i}_${extra} text;`);
    if (i % 3 === 0) alter(`ALTER TABLE ${table} RENAME COLUMN c_${i} TO c_${i}_renamed;`);
  }
  const covered = [locking];
  const lockSet = timeouts === 'lock' || timeouts === 'both';
  const statementSet = timeouts === 'statement' || timeouts === 'both';
  return {
    input: { file: `migrations/${String(i).padStart(4, '0')}_change.sql`, sql: `${lines.join('\n')}\n` },
    lock: lockSet ? [] : covered,
    statement: statementSet ? [] : lockSet ? [long] : covered,
  };
}

function expectedLines(covered: number[]): string {
  return covered.join(',');
}

describe('timeout findings on a 300-migration history', () => {
  it('are at most one of each kind per migration, exactly where no timeout covers the statements', async () => {
    const base: SqlInput = {
      file: 'migrations/0000_base.sql',
      sql: `${Array.from({ length: 7 }, (_, n) => `CREATE TABLE base_${n} (id bigint PRIMARY KEY, name text);`).join('\n')}\n`,
    };
    const history = Array.from({ length: 300 }, (_, i) => generate(i + 1));
    const result = await checkSqlInputs([base, ...history.map((migration) => migration.input)]);
    expect(result.errors).toEqual([]);
    expect(result.files).toHaveLength(301);
    let lockFindings = 0;
    for (const [slot, migration] of history.entries()) {
      const report = result.files[slot + 1];
      expect(report?.file).toBe(migration.input.file);
      for (const [ruleId, expected] of [
        ['require-lock-timeout', migration.lock],
        ['require-statement-timeout', migration.statement],
      ] as const) {
        const found = report?.findings.filter((finding) => finding.ruleId === ruleId) ?? [];
        expect(found.length, `${migration.input.file} ${ruleId}`).toBeLessThanOrEqual(1);
        expect(found.length, `${migration.input.file} ${ruleId}\n${migration.input.sql}`).toBe(expected.length);
        if (ruleId === 'require-lock-timeout') lockFindings += found.length;
        for (const [n, finding] of found.entries()) {
          const lines = expected[n] ?? [];
          // The finding points at the first statement it covers and names every one of them.
          expect(finding.span.start.line).toBe(lines[0]);
          const listed = /\((lines?) ([^)]*)\)/.exec(finding.message)?.[2] ?? '';
          expect(expandLines(listed, migration.input.sql), finding.message).toBe(expectedLines(lines));
          if (slot === 4) expect(finding.message).toContain('these 3 statements (lines 1, 3 and 5)');
        }
      }
    }
    expect(lockFindings).toBe(history.filter((migration) => migration.lock.length > 0).length);
  });
});

/** "2–3 and 5" → the statement lines it stands for, each range being consecutive statements (one per line here). */
function expandLines(listed: string, sql: string): string {
  const statementLines = sql
    .split('\n')
    .map((text, index) => (text.trim() ? index + 1 : 0))
    .filter(Boolean);
  return listed
    .replace(' and ', ', ')
    .split(', ')
    .flatMap((part) => {
      const [from, to] = part.split('–').map(Number);
      if (to === undefined) return [from];
      return statementLines.filter((line) => line >= (from ?? 0) && line <= to);
    })
    .join(',');
}

describe('merged findings of SQL compiled from a migration file', () => {
  it('name the lines of the migration file, not of the compiled SQL', async () => {
    // What a Rails migration with add_column at lines 3 and 4 and remove_column at line 6 compiles to.
    const input: SqlInput = {
      file: 'db/migrate/20240209174912_redo_money_storage.rb',
      sql: 'ALTER TABLE accounts ADD COLUMN a integer;\nALTER TABLE accounts ADD COLUMN b integer;\nALTER TABLE accounts DROP COLUMN c;\n',
      inTransaction: true,
      origins: [3, 4, 6].map((line, index) => ({
        line: index + 1,
        endLine: index + 1,
        origin: { file: 'db/migrate/20240209174912_redo_money_storage.rb', line },
      })),
    };
    const result = await checkSqlInputs([input]);
    const messages = (result.files[0]?.findings ?? []).map((finding) => `${finding.ruleId}: ${finding.message}`);
    expect(messages).toContainEqual(
      expect.stringContaining('require-lock-timeout: No lock_timeout is set for these 3 statements (lines 3–6)'),
    );
    expect(messages).toContainEqual(
      expect.stringContaining(
        'combine-alter-table: accounts is altered by 3 ALTER TABLE statements in one transaction (lines 3–6)',
      ),
    );
  });
});
