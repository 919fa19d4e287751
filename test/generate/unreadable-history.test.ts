import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { generateMigration } from '../../src/generate/generate.js';

/**
 * A project whose earlier migrations cannot load (here TypeORM migrations copied where `typeorm` does not resolve)
 * has no known current schema: generate_migration names the first unreadable file and its loader error, instead
 * of replaying the rest and failing on a later migration that needs the missing tables.
 */
it('names the earlier migration it could not read instead of replaying without it', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'dma-unreadable-'));
  try {
    cpSync(path.join(import.meta.dirname, '../fixtures/sources-typeorm-mysql'), root, { recursive: true });
    const attempt = generateMigration({
      root,
      dryRun: true,
      executeProjectCode: true,
      name: 'add_tags_table',
      changes: [{ op: 'create_table', table: 'tags', columns: [{ name: 'id', type: 'int', primaryKey: true }] }],
    });
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toMatchObject({
      code: 'migration-unreadable',
      where: { file: 'src/migrations/1700000000000-CreateUsers.ts' },
      what: expect.stringMatching(/could not be read[\s\S]*typeorm/),
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}, 120_000);
