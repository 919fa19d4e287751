import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { generateMigration } from '../../src/generate/generate.js';

/**
 * The current schema is the history replayed on the embedded PostgreSQL: an extension an earlier migration
 * creates (pgcrypto for gen_random_uuid(), as a real Prisma project does after its first tables) is loaded
 * into it, instead of the replay stopping with "extension not loaded".
 */
it('replays a history that creates an extension on the embedded PostgreSQL', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'dma-extension-history-'));
  try {
    mkdirSync(path.join(root, 'migrations'));
    writeFileSync(
      path.join(root, 'migrations', '001_settings.sql'),
      'CREATE TABLE settings (instance_id text PRIMARY KEY);\n' +
        'CREATE EXTENSION IF NOT EXISTS pgcrypto;\n' +
        'INSERT INTO settings (instance_id) VALUES (gen_random_uuid());\n',
    );
    const result = await generateMigration({
      root,
      dryRun: true,
      changes: [
        {
          op: 'create_table',
          table: 'notes',
          columns: [
            { name: 'id', type: 'uuid', primaryKey: true, default: 'gen_random_uuid()' },
            {
              name: 'instance_id',
              type: 'text',
              nullable: false,
              references: { table: 'settings', columns: ['instance_id'] },
            },
          ],
        },
      ],
    });
    expect(result.rehearsal.map((item) => item.outcome)).toEqual(['passed']);
    expect(result.files[0]?.path).toMatch(/^migrations\/002_add_notes_table/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}, 180_000);
