import { describe, expect, it } from 'vitest';
import { buildCatalog, validatePostgres } from '../../../src/safety/engine.js';
import { statementLocks } from '../../../src/safety/locks.js';
import { SessionState } from '../../../src/safety/state.js';
import { parsePostgres } from '../../../src/sql/postgres.js';
import { throwAwaySchema } from '../../helpers/databases.js';

/** events by range of `at`; events_2026 sub-partitioned by kind; events_2025 a leaf. */
const PARTITIONS = [
  'CREATE TABLE events (id bigint NOT NULL, at timestamptz NOT NULL, kind text) PARTITION BY RANGE (at);',
  "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01') PARTITION BY LIST (kind);",
  "CREATE TABLE events_2026_a PARTITION OF events_2026 FOR VALUES IN ('a');",
  "CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');",
].join('\n');

async function indexFindings(sql: string) {
  const report = await validatePostgres(sql, { catalog: { history: [{ sql: PARTITIONS }] } });
  return report.findings.filter((finding) => finding.ruleId === 'require-concurrent-index-creation');
}

describe('require-concurrent-index-creation on a partitioned table', () => {
  const schema = throwAwaySchema('partitioned_index');

  it('leaves CREATE INDEX ON ONLY the parent alone: it builds nothing', async () => {
    expect(await indexFindings('CREATE INDEX events_at_idx ON ONLY events (at);')).toEqual([]);
    const catalog = await buildCatalog({ catalog: { history: [{ sql: PARTITIONS }] } });
    const [statement] = await parsePostgres('CREATE INDEX events_at_idx ON ONLY events (at);');
    expect(statementLocks(statement?.ast, catalog, 17, new SessionState())).toEqual([
      expect.objectContaining({ table: 'public.events', mode: 'SHARE', scan: false }),
    ]);
  });

  it('gives the ON ONLY, build-concurrently, attach steps for every known partition, and they run', async () => {
    const [finding, ...rest] = await indexFindings("CREATE INDEX events_at_idx ON events (at) WHERE kind <> 'x';");
    expect(rest).toEqual([]);
    expect(finding?.message).toContain('partitioned table events');
    const steps = finding?.fix?.steps ?? [];
    expect(steps.map((step) => step.sql)).toEqual([
      "CREATE INDEX events_at_idx ON ONLY events (at) WHERE kind <> 'x';",
      "CREATE INDEX events_2026_at_idx ON ONLY events_2026 (at) WHERE kind <> 'x';",
      "CREATE INDEX CONCURRENTLY events_2026_a_at_idx ON events_2026_a (at) WHERE kind <> 'x';",
      'ALTER INDEX events_2026_at_idx ATTACH PARTITION events_2026_a_at_idx;',
      'ALTER INDEX events_at_idx ATTACH PARTITION events_2026_at_idx;',
      "CREATE INDEX CONCURRENTLY events_2025_at_idx ON events_2025 (at) WHERE kind <> 'x';",
      'ALTER INDEX events_at_idx ATTACH PARTITION events_2025_at_idx;',
    ]);
    expect(steps.filter((step) => step.outsideTransaction).map((step) => step.sql)).toHaveLength(2);

    if (!schema.available) return;
    await schema.query(`SET search_path TO "${schema.name}"`);
    await schema.query(PARTITIONS);
    for (const step of steps) await schema.query(step.sql);
    // The parent's index is valid only once every partition has its index attached.
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: (await import('../../helpers/databases.js')).POSTGRES_URL });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = 'events_at_idx'`,
        [schema.name],
      );
      expect(rows).toEqual([{ valid: true }]);
    } finally {
      await client.end();
    }
  });

  it('names an unnamed index as PostgreSQL would, so the attach steps can name it', async () => {
    const [finding] = await indexFindings('CREATE UNIQUE INDEX ON events (id, at);');
    expect(finding?.fix?.steps[0]?.sql).toBe('CREATE UNIQUE INDEX events_id_at_idx ON ONLY events (id, at);');
  });

  it('says what to do for partitions it does not know', async () => {
    const report = await validatePostgres('CREATE INDEX logs_at_idx ON logs (at);', {
      catalog: { history: [{ sql: 'CREATE TABLE logs (at timestamptz) PARTITION BY RANGE (at);' }] },
    });
    const [finding] = report.findings.filter((found) => found.ruleId === 'require-concurrent-index-creation');
    expect(finding?.fix?.steps.map((step) => step.sql)).toEqual(['CREATE INDEX logs_at_idx ON ONLY logs (at);']);
    expect(finding?.fix?.steps[0]?.description).toContain('the partitions are not known here');
  });
});
