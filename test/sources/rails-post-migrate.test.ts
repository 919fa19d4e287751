import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectSetup } from '../../src/project/detect.js';
import { readMigrations } from '../../src/sources/index.js';
import { runCli } from '../helpers/cli.js';

/**
 * GitLab's and Mastodon's db/post_migrate: post-deployment migrations their configuration adds to Rails'
 * migration paths, so db:migrate applies them in one version order with db/migrate. Mastodon has 80 of them;
 * they were not found at all (detect listed db/migrate only), and `check db/post_migrate` read them as SQL.
 */
const root = mkdtempSync(path.join(tmpdir(), 'rails-post-migrate-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function migration(folder: string, file: string, body: string[]): void {
  mkdirSync(path.join(root, folder), { recursive: true });
  const name = file.replace(/^\d+_/, '').replace(/\.rb$/, '');
  const klass = name.replace(/(^|_)(\w)/g, (_, _sep, letter: string) => letter.toUpperCase());
  writeFileSync(
    path.join(root, folder, file),
    [`class ${klass} < ActiveRecord::Migration[7.1]`, ...body, 'end', ''].join('\n'),
  );
}

migration('db/migrate', '20240101000000_create_tags.rb', [
  '  def change',
  '    create_table :tags do |t|',
  '      t.string :name',
  '      t.integer :score',
  '    end',
  '  end',
]);
migration('db/post_migrate', '20240102000000_remove_score_from_tags.rb', [
  '  disable_ddl_transaction!',
  '  def change',
  '    remove_column :tags, :score, :int',
  '  end',
]);
migration('db/migrate', '20240103000000_add_url_to_tags.rb', [
  '  def change',
  '    add_column :tags, :url, :string',
  '  end',
]);

describe('Rails db/post_migrate', () => {
  it('detect lists it with db/migrate, counted together', () => {
    const setup = detectSetup(root).packages[0];
    expect(setup?.migrationDirs).toEqual([
      expect.objectContaining({ path: 'db/migrate', tool: 'rails', count: 3, alongside: ['db/post_migrate'] }),
    ]);
  });

  it('both folders are read in one version order', async () => {
    const result = await readMigrations(root, { engine: 'postgresql' });
    expect(result.errors).toEqual([]);
    expect(result.migrations.map((each) => each.path)).toEqual([
      'db/migrate/20240101000000_create_tags.rb',
      'db/post_migrate/20240102000000_remove_score_from_tags.rb',
      'db/migrate/20240103000000_add_url_to_tags.rb',
    ]);
  });

  it('check db/post_migrate checks its migrations with the earlier ones of both folders as history', async () => {
    const { code, out, err } = await runCli(['check', 'db/post_migrate', '--format', 'json'], { cwd: root });
    expect(err).toBe('');
    expect(code).toBe(1);
    const result = JSON.parse(out) as {
      files: Array<{ file: string; findings: Array<{ ruleId: string; message: string }> }>;
    };
    expect(result.files.map((each) => each.file)).toEqual(['db/post_migrate/20240102000000_remove_score_from_tags.rb']);
    const findings = result.files[0]?.findings ?? [];
    expect(findings.map((each) => each.ruleId)).not.toContain('unknown-table');
    expect(findings.find((each) => each.ruleId === 'drop-column')?.message).toContain('tags.score');
  });
});
