import { describe, expect, it } from 'vitest';
import { validatePostgres } from '../../../src/safety/engine.js';
import { throwAwaySchema } from '../../helpers/databases.js';
import { ruleCases } from './run.js';

const EVENTS = {
  catalog: {
    history: [
      { sql: 'CREATE TABLE events (id bigint, created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at);' },
    ],
  },
};

ruleCases('partitioned-unique-key', {
  bad: [
    {
      sql: 'CREATE TABLE events (id bigint PRIMARY KEY, created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at);',
      message: /^PRIMARY KEY \(id\) on events fails: it leaves out the partition key column created_at/,
      fix: [/^ALTER TABLE events ADD PRIMARY KEY \(id, created_at\);$/],
    },
    {
      sql: 'CREATE TABLE events (id bigint, tenant int, day date, CONSTRAINT events_pkey PRIMARY KEY (id)) PARTITION BY LIST (tenant);',
      fix: [/CONSTRAINT events_pkey PRIMARY KEY \(id, tenant\)\) PARTITION BY LIST \(tenant\);$/],
    },
    {
      sql: 'ALTER TABLE events ADD CONSTRAINT events_id_key UNIQUE (id);',
      options: EVENTS,
      fix: [/UNIQUE \(id, created_at\);$/],
    },
    {
      sql: 'CREATE UNIQUE INDEX events_id_idx ON events (id);',
      options: EVENTS,
      fix: [/ON events \(id, created_at\);$/],
    },
    {
      sql: "CREATE TABLE logs (id bigint PRIMARY KEY, at timestamptz) PARTITION BY RANGE (date_trunc('day', at));",
      message: /partitioned by an expression/,
      noFix: true,
    },
  ],
  good: [
    {
      sql: 'CREATE TABLE events (id bigint, created_at timestamptz, PRIMARY KEY (id, created_at)) PARTITION BY RANGE (created_at);',
    },
    { sql: 'CREATE TABLE plain (id bigint PRIMARY KEY);' },
    { sql: 'CREATE UNIQUE INDEX events_key ON events (created_at, id);', options: EVENTS },
    { sql: 'CREATE INDEX events_id_idx ON events (id);', options: EVENTS },
    // A renamed partition key column is followed.
    {
      sql: 'ALTER TABLE events RENAME COLUMN created_at TO at;\nALTER TABLE events ADD PRIMARY KEY (id, at);',
      options: EVENTS,
    },
  ],
});

describe('partitioned-unique-key on PostgreSQL 15', () => {
  const schema = throwAwaySchema('partitioned_key');

  it('the flagged statement fails and its fix runs', async () => {
    if (!schema.available) return;
    const sql =
      'CREATE TABLE events (id bigint, tenant int, CONSTRAINT events_pkey PRIMARY KEY (id)) PARTITION BY LIST (tenant);';
    await schema.query(`SET search_path TO "${schema.name}"`);
    await expect(schema.query(sql)).rejects.toThrow(/must include all partitioning columns/);
    const report = await validatePostgres(sql);
    const fix = report.findings.find((f) => f.ruleId === 'partitioned-unique-key')?.fix?.steps[0]?.sql ?? '';
    await schema.query(fix);
    await schema.query('SET search_path TO public');
  });
});
