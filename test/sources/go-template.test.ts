import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandGoTemplate } from '../../src/sources/formats/go-template.js';
import { readMigrations } from '../../src/sources/index.js';
import { runCli } from '../helpers/cli.js';
import { fixture } from './tool-runs.js';

/**
 * Issue 15: SQL migrations that are Go templates (supabase/auth: `{{ index .Options "Namespace" }}`) are read
 * with the documented default or the configured value, each substitution noted with its positions; an action
 * that is not an option lookup stops its own file with its position, never a cascade of syntax errors.
 */
const ROOT = fixture('trust-go-template');
const sqlOf = (result: Awaited<ReturnType<typeof readMigrations>>, direction: 'up' | 'down' = 'up') =>
  result.migrations.map((migration) => (migration[direction] ?? []).map((statement) => statement.sql));

describe('Go-templated SQL migrations', () => {
  it('substitutes auth’s default namespace, notes every position, and stops only the file with another action', async () => {
    const result = await readMigrations(ROOT);
    expect(result.format).toBe('golang-migrate');
    expect(sqlOf(result)).toEqual([
      [
        'CREATE SCHEMA IF NOT EXISTS auth',
        'CREATE TABLE IF NOT EXISTS auth.users (\n    id uuid NOT NULL PRIMARY KEY,\n    email varchar(255) NULL\n)',
      ],
      [
        'ALTER TABLE auth.users\nADD COLUMN IF NOT EXISTS phone varchar(15) NULL DEFAULT NULL',
        expect.stringContaining(`WHERE table_schema = 'auth' AND table_name = 'users'`),
      ],
    ]);
    expect(result.migrations[1]?.up[1]?.sql).toContain('ALTER TABLE "auth"."users" ADD COLUMN phone_confirmed_at');
    expect(sqlOf(result, 'down')).toEqual([[], ['ALTER TABLE auth.users DROP COLUMN IF EXISTS phone']]);
    const templateNotes = result.migrations.map((migration) =>
      migration.notes.filter((note) => note.startsWith('Go template:')),
    );
    expect(templateNotes).toEqual([
      [
        'Go template: .Options "Namespace" read as "auth" (supabase/auth’s default DB_NAMESPACE; templateOptions in db-migration-agent.config.json overrides it) at migrations/20210101000000_init.up.sql:1:29, 3:28.',
      ],
      [
        'Go template: .Options "Namespace" read as "auth" (supabase/auth’s default DB_NAMESPACE; templateOptions in db-migration-agent.config.json overrides it) at migrations/20210102000000_add_phone.up.sql:1:13, 7:27, 9:18.',
        'Go template: .Options "Namespace" read as "auth" (supabase/auth’s default DB_NAMESPACE; templateOptions in db-migration-agent.config.json overrides it) at migrations/20210102000000_add_phone.down.sql:1:13.',
      ],
    ]);
    expect(result.errors).toEqual([
      {
        path: 'migrations/20210103000000_audit_log.up.sql',
        error: {
          code: 'template-action-unknown',
          what: 'This file holds the Go template action {{ if .Options.Legacy }}, which is not read yet: only {{ index .Options "Name" }} and {{ .Options.Name }} are substituted, so this file was not checked.',
          fix: expect.stringContaining('db-migration-agent check -'),
          where: { file: 'migrations/20210103000000_audit_log.up.sql', line: 5, column: 1 },
        },
      },
    ]);
  });

  it('uses the value the project configuration gives', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'go-template-'));
    try {
      cpSync(ROOT, root, { recursive: true });
      writeFileSync(
        path.join(root, 'db-migration-agent.config.json'),
        JSON.stringify({ templateOptions: { Namespace: 'identity' } }),
      );
      const result = await readMigrations(root);
      expect(sqlOf(result)[0]).toEqual([
        'CREATE SCHEMA IF NOT EXISTS identity',
        expect.stringMatching(/^CREATE TABLE IF NOT EXISTS identity\.users/),
      ]);
      expect(result.migrations[0]?.notes).toContain(
        'Go template: .Options "Namespace" read as "identity" (the project configuration; templateOptions in db-migration-agent.config.json overrides it) at migrations/20210101000000_init.up.sql:1:29, 3:28.',
      );
      // The safety check accepts the key in its strict configuration schema.
      const { out } = await runCli(['check', '--format', 'json'], { cwd: root });
      expect((JSON.parse(out) as { errors: Array<{ code: string }> }).errors.map((error) => error.code)).toEqual([
        'template-action-unknown',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('an option with no default and no configured value is a located error naming the key to set', () => {
    expect(() => expandGoTemplate('SELECT 1;\nSELECT {{ .Options.Tenant }};', 'm/1_a.up.sql', {})).toThrow(
      expect.objectContaining({
        code: 'template-option-unknown',
        where: { file: 'm/1_a.up.sql', line: 2, column: 8 },
        fix: 'Give its value in db-migration-agent.config.json: { "templateOptions": { "Tenant": "<value>" } }.',
      }),
    );
  });

  it('check reads the templated files: findings on the substituted SQL, the substitutions as notes, one located error', async () => {
    const { out } = await runCli(['check', '--format', 'json'], { cwd: ROOT });
    const result = JSON.parse(out) as {
      risk: string;
      files: Array<{ file: string }>;
      errors: Array<{ code: string; where?: { file?: string; line?: number } }>;
      notes: string[];
    };
    expect(result.files.map((file) => file.file)).toEqual([
      'migrations/20210101000000_init.up.sql',
      'migrations/20210102000000_add_phone.up.sql',
    ]);
    expect(result.errors.map((error) => [error.code, error.where?.file, error.where?.line])).toEqual([
      ['template-action-unknown', 'migrations/20210103000000_audit_log.up.sql', 5],
    ]);
    expect(result.notes.filter((note) => note.includes('Go template:'))).toHaveLength(3);
    expect(result.risk).toBe('NOT FULLY CHECKED');
  });
});
