import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readEmptyDataDir, writeEmptyDataDir } from '../../src/shadow/pglite-cache.js';

describe('the cached empty PGlite data directory', () => {
  const saved = process.env.DB_MIGRATION_AGENT_CACHE;
  afterEach(() => {
    if (saved === undefined) delete process.env.DB_MIGRATION_AGENT_CACHE;
    else process.env.DB_MIGRATION_AGENT_CACHE = saved;
  });

  it('round-trips through a versioned, compressed file in the cache folder', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'dma-cache-'));
    try {
      process.env.DB_MIGRATION_AGENT_CACHE = folder;
      expect(await readEmptyDataDir()).toBeUndefined();
      await writeEmptyDataDir(new Blob([new Uint8Array([1, 2, 3, 4])]));
      expect(readdirSync(folder)).toEqual([expect.stringMatching(/^pglite-\d+\.\d+\.\d+-empty-datadir\.tar\.gz$/)]);
      const image = await readEmptyDataDir();
      expect(new Uint8Array(await (image as Blob).arrayBuffer())).toEqual(new Uint8Array([1, 2, 3, 4]));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('is off when DB_MIGRATION_AGENT_CACHE=off', async () => {
    process.env.DB_MIGRATION_AGENT_CACHE = 'off';
    await writeEmptyDataDir(new Blob([new Uint8Array([1])]));
    expect(await readEmptyDataDir()).toBeUndefined();
  });
});
