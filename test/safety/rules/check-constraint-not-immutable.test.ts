import { describe, expect, it } from 'vitest';
import { validatePostgres } from '../../../src/safety/engine.js';
import { throwAwaySchema } from '../../helpers/databases.js';
import { ruleCases } from './run.js';

ruleCases('check-constraint-not-immutable', {
  bad: [
    {
      sql: 'ALTER TABLE bookings ADD CONSTRAINT bookings_future CHECK (starts_at > now()) NOT VALID;',
      message: /^CHECK bookings_future on bookings calls now\(\): /,
      fix: [/IF NOT \(SELECT \(starts_at > now\(\)\) FROM \(SELECT NEW\.\*\) AS row_values\) THEN/],
    },
    { sql: 'CREATE TABLE people (born date CHECK (born <= CURRENT_DATE));', message: /calls current_date/ },
    { sql: 'ALTER TABLE notes ADD COLUMN owner text DEFAULT CURRENT_USER CHECK (owner = CURRENT_USER);' },
    {
      sql: 'CREATE TABLE t (a int, b int, CONSTRAINT one CHECK (a > 0), CONSTRAINT two CHECK (b < random()));',
      count: 1,
    },
    // The fix carries the flagged CHECK's own condition, not the first one's.
    {
      sql: 'CREATE TABLE t (a int CHECK (a > 0), due date CHECK (due >= CURRENT_DATE));',
      count: 1,
      fix: [/IF NOT \(SELECT \(due >= CURRENT_DATE\) FROM/],
    },
  ],
  good: [
    { sql: "ALTER TABLE bookings ADD CONSTRAINT bookings_after_launch CHECK (starts_at > '2020-01-01');" },
    { sql: 'CREATE TABLE t (created_at timestamptz NOT NULL DEFAULT now(), CHECK (created_at IS NOT NULL));' },
    { sql: "ALTER TABLE t ADD CONSTRAINT t_code CHECK (code ~ '^[A-Z]+$' AND length(code) < 10);" },
  ],
});

describe('check-constraint-not-immutable: the trigger of the fix checks rows as the CHECK did', () => {
  const schema = throwAwaySchema('not_immutable');

  it('rejects a written row the condition fails, and lets a NULL through as a CHECK does', async () => {
    if (!schema.available) return;
    const sql = 'ALTER TABLE bookings ADD CONSTRAINT bookings_future CHECK (starts_at > now());';
    const report = await validatePostgres(sql);
    const steps = report.findings.find((f) => f.ruleId === 'check-constraint-not-immutable')?.fix?.steps ?? [];
    expect(steps).toHaveLength(1);
    await schema.query(`SET search_path TO "${schema.name}"`);
    await schema.query('CREATE TABLE bookings (id int, starts_at timestamptz)');
    await schema.query(steps[0]?.sql ?? '');
    await schema.query("INSERT INTO bookings VALUES (1, now() + interval '1 day'), (2, NULL)");
    await expect(schema.query("INSERT INTO bookings VALUES (3, now() - interval '1 day')")).rejects.toMatchObject({
      code: '23514',
    });
    await schema.query('SET search_path TO public');
  });
});
