import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GeneratedFile, WriteContext } from '../../src/generate/types.js';
import { detectSetup } from '../../src/project/detect.js';
import type { ToolName } from '../../src/project/types.js';
import type { MigrationScan } from '../../src/sources/types.js';

/** A temp copy of a fixture project; removed by the returned cleanup. */
export function fixtureCopy(name: string): { root: string; cleanup: () => void } {
  const root = mkdtempSync(path.join(tmpdir(), `gen-orm-${name}-`));
  cpSync(path.join(import.meta.dirname, '..', 'fixtures', name), root, { recursive: true });
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** The migration folder of `tool` as detect_setup sees it now (re-run after writing files). */
export function scanOf(root: string, tool: ToolName): MigrationScan {
  const setup = detectSetup(root).packages.flatMap((pkg) =>
    pkg.migrationDirs
      .filter((dir) => dir.tool === tool)
      .map((dir) => ({
        dir,
        migrations: pkg.migrations.filter((migration) => migration.path.startsWith(`${dir.path}/`)),
      })),
  );
  const scan = setup[0];
  if (!scan) throw new Error(`no ${tool} folder in ${root}`);
  return scan;
}

export function writeContext(root: string, now: Date): WriteContext {
  return {
    root,
    now,
    read(relative) {
      try {
        return readFileSync(path.join(root, relative), 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

/** Writes generated files the way the orchestrator does: new files never overwrite, edits replace. */
export function writeFiles(root: string, files: GeneratedFile[]): void {
  for (const file of files) {
    const absolute = path.join(root, file.path);
    mkdirSync(path.dirname(absolute), { recursive: true });
    writeFileSync(absolute, file.text, file.edit ? {} : { flag: 'wx' });
  }
}

export function textOf(files: GeneratedFile[], pattern: RegExp): string {
  const file = files.find((candidate) => pattern.test(candidate.path));
  if (!file)
    throw new Error(`no file matching ${pattern} among ${files.map((candidate) => candidate.path).join(', ')}`);
  return file.text;
}
