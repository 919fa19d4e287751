import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

export interface TempProject {
  root: string;
  /** Writes a file of the project, creating its folders. */
  write(relative: string, text: string): void;
}

/** A throw-away project folder, removed after the test file's tests. */
export function tempProject(prefix: string): TempProject {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return {
    root,
    write(relative, text) {
      mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
      writeFileSync(path.join(root, relative), text);
    },
  };
}
