import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A real git repository in a temporary folder: files written, then `git` run in it. */
export interface GitProject {
  root: string;
  write(files: Record<string, string>): void;
  git(...args: string[]): string;
}

export function gitProject(files: Record<string, string>, prefix = 'dma-guard-'): GitProject {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  const write = (more: Record<string, string>) => {
    for (const [file, text] of Object.entries(more)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    }
  };
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=Test', ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: root },
    });
  git('init', '-q', '-b', 'main');
  write(files);
  return { root, write, git };
}

/** A golang-migrate project (plain SQL up/down files) with one committed migration creating `users`. */
export const GOLANG_MIGRATE_BASE = {
  'go.mod': 'module example.com/app\n\ngo 1.21\n\nrequire github.com/golang-migrate/migrate/v4 v4.17.0\n',
  'db/migrations/000001_users.up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n',
  'db/migrations/000001_users.down.sql': 'DROP TABLE users;\n',
};

/** Adds a column, with its down: passes CI. */
export const SAFE_MIGRATION = {
  'db/migrations/000002_note.up.sql': 'ALTER TABLE users ADD COLUMN note text;\n',
  'db/migrations/000002_note.down.sql': 'ALTER TABLE users DROP COLUMN note;\n',
};

/** Drops a column and its data: an error finding, HIGH risk. */
export const DROP_COLUMN_MIGRATION = {
  'db/migrations/000003_drop_email.up.sql': 'ALTER TABLE users DROP COLUMN email;\n',
  'db/migrations/000003_drop_email.down.sql': 'ALTER TABLE users ADD COLUMN email text;\n',
};
