import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readCurrentSchema } from '../../src/generate/current-schema.js';
import { diffSources } from '../../src/schema/diff-sources.js';
import { deriveDown } from '../../src/schema/down.js';
import { cachedReplay, clearReplayCache, historyKey } from '../../src/shadow/replay-cache.js';
import { readMigrations } from '../../src/sources/index.js';

/**
 * The history replay behind diff, generate and rollback is cached by content: the same history is read back from
 * the process's cache, and an edit to one migration makes it replay again.
 */

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/schema-diff/migrations-project');
const LABEL = '2 sql migration(s) in migrations';

describe('history replay cache', { timeout: 120_000 }, () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'dma-replay-'));
    cpSync(FIXTURE, root, { recursive: true });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  beforeEach(() => clearReplayCache());

  const diff = () => diffSources({ root, from: 'migrations', to: 'sql:migrations/001_users.sql' });

  it('replays an unchanged history once, and again after one migration is edited', async () => {
    const first = await diff();
    expect(first.from).toBe(LABEL);
    const second = await diff();
    expect(second.from).toBe(`${LABEL} (replay cached)`);
    expect(second.diff.operations).toEqual(first.diff.operations);

    appendFileSync(path.join(root, 'migrations/002_nicknames.sql'), 'ALTER TABLE users ADD COLUMN extra integer;\n');
    const edited = await diff();
    expect(edited.from).toBe(LABEL);
    expect(edited.diff.operations.map((op) => `${op.kind} ${op.object}`)).toContain('drop-column users.extra');
    expect((await diff()).from).toBe(`${LABEL} (replay cached)`);
  });

  it('generate and rollback share the cache with diff', async () => {
    const { migrations } = await readMigrations(root);
    await readCurrentSchema('postgresql', migrations);
    expect((await diff()).from).toBe(`${LABEL} (replay cached)`);

    const down = await deriveDown('002_nicknames', { root });
    expect(cachedReplay(historyKey('postgresql', migrations.slice(0, 1)))).toBeDefined();
    const again = await deriveDown('002_nicknames', { root });
    expect(again.statements).toEqual(down.statements);
    expect(again.statements).toContain('ALTER TABLE users DROP COLUMN nickname');
  });

  it('a cached schema is a copy: changing what a caller got does not change the next answer', async () => {
    const { migrations } = await readMigrations(root);
    const first = await readCurrentSchema('postgresql', migrations);
    first.schema.tables.length = 0;
    const second = await readCurrentSchema('postgresql', migrations);
    expect(second.schema.tables.map((table) => table.name)).toEqual(['users']);
    expect(second.version?.flavor).toBe('postgresql');
  });
});
