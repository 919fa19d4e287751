import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  DROP_COLUMN_MIGRATION,
  type GitProject,
  GOLANG_MIGRATE_BASE,
  gitProject,
  SAFE_MIGRATION,
} from '../helpers/git-project.js';

/** `hook install` into real repositories, then real `git commit`s that the installed hook blocks or lets through. */

const REPO = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(REPO, 'dist/bundle/bin.js');
const HOOK_COMMAND = `"${process.execPath}" "${BIN}" hook pre-commit`;

function cli(project: GitProject, ...args: string[]): { code: number | null; out: string; err: string } {
  const run = spawnSync(process.execPath, [BIN, 'hook', ...args], { cwd: project.root, encoding: 'utf8' });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

function commit(project: GitProject, message: string): { ok: boolean; output: string } {
  try {
    return { ok: true, output: project.git('commit', '-q', '-m', message) };
  } catch (error) {
    const failed = error as { stderr?: string; stdout?: string };
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

function started(): GitProject {
  const project = gitProject(GOLANG_MIGRATE_BASE, 'dma-precommit-');
  project.git('add', '-A');
  project.git('commit', '-q', '-m', 'users');
  return project;
}

describe.skipIf(!existsSync(BIN))('hook install / pre-commit / uninstall', () => {
  it('installs a git pre-commit hook that refuses a commit dropping a column and lets a safe one through', () => {
    const project = started();
    const installed = cli(project, 'install', '--command', HOOK_COMMAND);
    expect(installed).toMatchObject({ code: 0, out: '.git/hooks/pre-commit: created (git hook)\n' });
    expect(cli(project, 'install', '--command', HOOK_COMMAND).out).toMatch(/unchanged/);

    project.write(DROP_COLUMN_MIGRATION);
    project.git('add', '-A');
    const refused = commit(project, 'drop email');
    expect(refused.ok).toBe(false);
    expect(refused.output).toMatch(/FAIL — risk HIGH/);
    expect(refused.output).toMatch(/000003_drop_email\.up\.sql: drop-column/);
    expect(refused.output).toMatch(/Commit refused by db-migration-agent/);
    expect(project.git('log', '--oneline').trim().split('\n')).toHaveLength(1);

    project.git('reset', '-q');
    project.git('clean', '-qfd', 'db');
    project.write(SAFE_MIGRATION);
    project.git('add', '-A');
    const accepted = commit(project, 'note');
    expect(accepted.ok, accepted.output).toBe(true);
    expect(project.git('log', '--oneline').trim().split('\n')).toHaveLength(2);

    expect(cli(project, 'uninstall').out).toBe('.git/hooks/pre-commit: deleted (git hook)\n');
    expect(existsSync(path.join(project.root, '.git/hooks/pre-commit'))).toBe(false);
  });

  it("keeps another tool's shell hook (ours appended, both run), refuses a non-shell one without --force", () => {
    const project = started();
    const hook = path.join(project.root, '.git/hooks/pre-commit');
    writeFileSync(hook, '#!/bin/sh\necho "lint ran" >> lint.log\n', { mode: 0o755 });
    expect(cli(project, 'install', '--command', HOOK_COMMAND).out).toMatch(/appended/);
    project.write(DROP_COLUMN_MIGRATION);
    project.git('add', '-A');
    expect(commit(project, 'drop').ok).toBe(false);
    expect(readFileSync(path.join(project.root, 'lint.log'), 'utf8')).toBe('lint ran\n');

    expect(cli(project, 'uninstall').out).toMatch(/removed/);
    expect(readFileSync(hook, 'utf8')).toBe('#!/bin/sh\necho "lint ran" >> lint.log\n');

    writeFileSync(hook, '#!/usr/bin/env python3\nprint("hi")\n', { mode: 0o755 });
    const refused = cli(project, 'install', '--command', HOOK_COMMAND);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/another tool's hook .*python3.*--force/s);
    expect(cli(project, 'install', '--force', '--command', HOOK_COMMAND).out).toMatch(/replaced/);
    expect(readFileSync(hook, 'utf8')).not.toContain('python3');
  });

  it("adds the check to Husky's .husky/pre-commit when the project uses Husky", () => {
    const project = started();
    // Husky 9's layout: git runs .husky/_/pre-commit, which runs the user's .husky/pre-commit with sh.
    mkdirSync(path.join(project.root, '.husky/_'), { recursive: true });
    writeFileSync(path.join(project.root, '.husky/_/pre-commit'), '#!/bin/sh\nsh -e .husky/pre-commit\n', {
      mode: 0o755,
    });
    writeFileSync(path.join(project.root, '.husky/pre-commit'), 'echo "lint ran" >> lint.log\n');
    project.git('config', 'core.hooksPath', '.husky/_');
    expect(cli(project, 'install', '--command', HOOK_COMMAND).out).toBe('.husky/pre-commit: appended (husky hook)\n');
    project.write(DROP_COLUMN_MIGRATION);
    project.git('add', '-A');
    const refused = commit(project, 'drop');
    expect(refused.ok).toBe(false);
    expect(refused.output).toMatch(/drop-column/);
    expect(readFileSync(path.join(project.root, 'lint.log'), 'utf8')).toBe('lint ran\n');
    expect(cli(project, 'uninstall').out).toBe('.husky/pre-commit: removed (husky hook)\n');
    expect(readFileSync(path.join(project.root, '.husky/pre-commit'), 'utf8')).toBe('echo "lint ran" >> lint.log\n');
  });

  it('installs npx --yes db-migration-agent by default: the project install, else the published package', () => {
    const project = started();
    expect(cli(project, 'install').code).toBe(0);
    expect(readFileSync(path.join(project.root, '.git/hooks/pre-commit'), 'utf8')).toBe(
      '#!/bin/sh\n# >>> db-migration-agent pre-commit check >>>\nnpx --yes db-migration-agent hook pre-commit || exit $?\n# <<< db-migration-agent pre-commit check <<<\n',
    );
  });

  it('refuses to install outside a git repository, and an unknown action, saying what to do', () => {
    const plain = { root: mkdtempSync(path.join(tmpdir(), 'dma-nogit-')) } as GitProject;
    const refused = cli(plain, 'install');
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/not inside a git repository[\s\S]*git init/);
    const unknown = cli(plain, 'instal');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/Unknown hook action 'instal'[\s\S]*claude-code, pre-commit, install, uninstall/);
  });

  it('says when a staged migration was edited after staging (the working tree is what it checks)', () => {
    const project = started();
    project.write(SAFE_MIGRATION);
    project.git('add', '-A');
    project.write({ 'db/migrations/000002_note.up.sql': 'ALTER TABLE users ADD COLUMN note text NULL;\n' });
    const result = cli(project, 'pre-commit');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^PASS/);
    expect(result.out).toContain(
      'note: db/migrations/000002_note.up.sql changed after it was staged; the working-tree version was checked.',
    );
  });

  it('hook pre-commit passes silently when no migration is staged', () => {
    const project = started();
    project.write({ 'README.md': '# app\n' });
    project.git('add', '-A');
    expect(cli(project, 'pre-commit')).toEqual({ code: 0, out: '', err: '' });
  });

  it('.pre-commit-hooks.yaml defines the hook for pre-commit users, running the same subcommand', () => {
    const hooks = parse(readFileSync(path.join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as Record<string, unknown>[];
    expect(hooks).toEqual([
      expect.objectContaining({
        id: 'db-migration-agent',
        entry: 'npx --yes db-migration-agent hook pre-commit',
        language: 'system',
        pass_filenames: false,
      }),
    ]);
  });
});
