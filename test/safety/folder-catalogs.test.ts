import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempProject } from '../helpers/temp-project.js';

/**
 * Each migration folder of a monorepo is its own database (trigger.dev keeps three Prisma and Drizzle packages,
 * river one copy of its migrations per driver): a table one folder creates says nothing of another's, and a
 * folder read from its first migration knows every table and index its database has.
 */
const { root, write } = tempProject('dma-folder-catalogs-');
const GO_MOD = (module: string) => `module ${module}\n\ngo 1.22\n\nrequire github.com/jackc/pgx/v5 v5.5.0\n`;
write('go.mod', GO_MOD('example.com/app'));
write(
  'migrations/001_init.up.sql',
  'CREATE TABLE orgs (id bigint PRIMARY KEY);\nCREATE TABLE users (id bigint PRIMARY KEY, org_id bigint);\nCREATE INDEX users_org_id_idx ON users (org_id);\n',
);
write('migrations/001_init.down.sql', 'DROP TABLE users;\nDROP TABLE orgs;\n');
write('billing/go.mod', GO_MOD('example.com/app/billing'));
write('billing/migrations/001_init.up.sql', 'CREATE TABLE users (id bigint PRIMARY KEY, org_id bigint);\n');
write('billing/migrations/001_init.down.sql', 'DROP TABLE users;\n');
write(
  'billing/migrations/002_keys.up.sql',
  'CREATE TABLE orgs (id bigint PRIMARY KEY);\nALTER TABLE users ADD CONSTRAINT users_org_id_fkey FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;\nCREATE INDEX IF NOT EXISTS invoices_user_idx ON invoices (user_id);\n',
);
write('billing/migrations/002_keys.down.sql', 'DROP TABLE orgs;\n');

interface Finding {
  ruleId: string;
  severity: string;
  message: string;
}

describe('a monorepo with a migration folder per database', () => {
  it('checks each folder against its own schema: no index or table of another folder counts', async () => {
    const { out, err } = await runCli(['check', '--format', 'json'], { cwd: root });
    expect(err).toBe('');
    const result = JSON.parse(out) as { files: Array<{ file: string; findings: Finding[] }> };
    const keys = result.files.find((file) => file.file === 'billing/migrations/002_keys.up.sql');
    const missingIndex = keys?.findings.filter((finding) => finding.ruleId === 'foreign-key-missing-index') ?? [];
    // The other folder's users_org_id_idx is not this database's; this folder's history is known from its start.
    expect(missingIndex.map((finding) => finding.severity)).toEqual(['warning']);
    expect(missingIndex[0]?.message).toContain('No index starts with users (org_id)');
    const unknown = keys?.findings.filter((finding) => finding.ruleId === 'unknown-table') ?? [];
    expect(unknown.map((finding) => finding.message)).toEqual([expect.stringContaining('invoices')]);
  });
});
