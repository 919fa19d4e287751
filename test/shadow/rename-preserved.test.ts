import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { releaseWarmPglite } from '../../src/shadow/pglite.js';
import { runRehearsalRequest } from '../../src/shadow/request.js';

/** Issue 15 §4 "known false facts": a renamed column keeps its data; the rehearsal must not call it destroyed. */
const ROOT = path.resolve(import.meta.dirname, '../fixtures/silent-rename');

afterAll(async () => {
  await releaseWarmPglite();
});

describe('rehearsal of a column rename', () => {
  it('reports no data destroyed: the values are all there under the new name', async () => {
    const report = await runRehearsalRequest({ projectRoot: ROOT, migration: 'migrations/2_rename.up.sql' });
    expect(report.outcome).toBe('passed');
    expect(report.baseline.tables.find((table) => table.table.endsWith('people'))?.rows).toBeGreaterThan(0);
    expect(report.data.destroyed).toEqual([]);
  });
});
