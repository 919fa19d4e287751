import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { resolveInsideRoot } from '../root.js';
import type { Schema } from '../schema/model.js';
import type { MigrationScan } from '../sources/types.js';
import type { Located } from './locate.js';
import type { GeneratedFile, MigrationDraft } from './types.js';

/**
 * Drafts said as files through the format's writer (pure), then — only by the orchestrator, only after the proof —
 * written: new files with flag wx (never overwriting), every path inside the project root.
 */

/** Writes each draft through the format's writer; later drafts see the earlier ones as the newest migrations. */
export function sayDrafts(
  root: string,
  located: Located,
  drafts: MigrationDraft[],
  now: Date,
  schemasAfter: Schema[] = [],
): { files: GeneratedFile[]; perDraft: string[][] } {
  const write = located.module.write;
  if (!write) throw new Error('format without writer');
  const overlay = new Map<string, string>();
  const scan: MigrationScan = { ...located.scan, migrations: [...located.scan.migrations] };
  const perDraft: string[][] = [];
  const merged = new Map<string, GeneratedFile>();
  drafts.forEach((draft, index) => {
    const schemaAfter = schemasAfter[index];
    const context = {
      root,
      now: new Date(now.getTime() + index * 1_000),
      ...(schemaAfter ? { schemaAfter } : {}),
      read(relative: string) {
        if (overlay.has(relative)) return overlay.get(relative);
        try {
          return readFileSync(resolveInsideRoot(root, relative), 'utf8');
        } catch {
          return undefined;
        }
      },
    };
    const files = write(draft, scan, context);
    for (const file of files) {
      overlay.set(file.path, file.text);
      const earlier = merged.get(file.path);
      merged.set(file.path, earlier ? { ...file, edit: earlier.edit } : file);
    }
    perDraft.push(files.map((file) => file.path));
    const first = files.find((file) => !file.edit);
    if (first)
      scan.migrations.push({
        id: draft.name,
        name: draft.name,
        path: first.path,
        tool: scan.dir.tool,
        hasDown: true,
        transactional: draft.transactional,
      });
  });
  return { files: [...merged.values()], perDraft };
}

export async function writeFiles(root: string, files: GeneratedFile[]): Promise<void> {
  const targets = files.map((file) => ({ file, absolute: resolveInsideRoot(root, file.path) }));
  for (const { file, absolute } of targets) {
    if (file.edit) continue;
    const exists = await readFile(absolute).then(
      () => true,
      () => false,
    );
    if (exists)
      throw new UserError(
        'file-exists',
        `${file.path} already exists; generate_migration never overwrites a file.`,
        'Pass another name, or remove the file if it is a leftover of an earlier run.',
        { file: file.path },
      );
  }
  for (const { file, absolute } of targets) {
    await mkdir(path.dirname(absolute), { recursive: true });
    await writeFile(absolute, file.text, { flag: file.edit ? 'w' : 'wx' });
  }
}
