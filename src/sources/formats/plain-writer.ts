import path from 'node:path';
import { nextPrefix, prefixSeparator, timestamp14 } from '../../generate/naming.js';
import type { GeneratedFile, MigrationDraft, WriteContext } from '../../generate/types.js';
import type { MigrationScan } from '../types.js';

/**
 * A new migration for a plain folder of .sql files: named like the newest one (number or timestamp, separator),
 * its down file in the folder's own down-file style (`x.down.sql` beside `x.sql`, `x.up.sql` / `x.down.sql`,
 * `x_down.sql`, or `down/x.sql`, the default), wrapped in BEGIN/COMMIT when the engine has transactional DDL and the statements
 * allow it, and saying so in a comment when they do not.
 */

type DownStyle = { kind: 'suffix'; up: string; down: string } | { kind: 'folder'; folder: string };

function downStyle(folder: MigrationScan, context: WriteContext): DownStyle {
  for (const entry of [...folder.migrations].reverse()) {
    const name = path.posix.basename(entry.path);
    const paired = /([._-])up\.sql$/i.exec(name);
    if (paired) return { kind: 'suffix', up: `${paired[1]}up.sql`, down: `${paired[1]}down.sql` };
    const stem = name.replace(/\.sql$/i, '');
    const dir = path.posix.dirname(entry.path);
    for (const separator of ['.', '_', '-'])
      if (context.read(`${dir}/${stem}${separator}down.sql`) !== undefined)
        return { kind: 'suffix', up: '.sql', down: `${separator}down.sql` };
    for (const sub of ['down', 'downs', 'rollback', 'rollbacks'])
      if (context.read(`${dir}/${sub}/${name}`) !== undefined) return { kind: 'folder', folder: sub };
  }
  // Without an example, downs go in a down/ folder: `x.down.sql` beside `x.sql` would read as golang-migrate.
  return { kind: 'folder', folder: 'down' };
}

function body(statements: string[], draft: MigrationDraft, half: 'up' | 'down'): string {
  const lines: string[] = [];
  if (half === 'up') {
    if (draft.phase) lines.push(`-- Phase ${draft.phase.index} of ${draft.phase.of} (${draft.phase.label}).`);
    if (draft.applicationChange) lines.push(`-- Before it runs: ${draft.applicationChange}`);
  }
  if (statements.length === 0) {
    lines.push(`-- Nothing to undo: ${draft.name} only fills values the earlier schema allowed to be empty.`);
    return `${lines.join('\n')}\n`;
  }
  const wrap = draft.transactional && draft.engine !== 'mysql' && draft.engine !== 'mariadb';
  if (!draft.transactional && draft.engine !== 'mysql' && draft.engine !== 'mariadb')
    lines.push('-- Runs outside a transaction: run this file on its own, not inside BEGIN … COMMIT.');
  if (wrap) lines.push('BEGIN;', '');
  lines.push(...statements.map((statement) => `${statement};`));
  if (wrap) lines.push('', 'COMMIT;');
  return `${lines.join('\n')}\n`;
}

export function writePlainSql(draft: MigrationDraft, folder: MigrationScan, context: WriteContext): GeneratedFile[] {
  const dir = folder.dir.path;
  const newest = folder.migrations.at(-1);
  const newestName = newest ? path.posix.basename(newest.path) : undefined;
  const prefix = nextPrefix(newestName, context.now, timestamp14);
  const stem = `${prefix}${prefixSeparator(newestName)}${draft.name}`;
  const style = downStyle(folder, context);
  const upPath = style.kind === 'suffix' ? `${dir}/${stem}${style.up}` : `${dir}/${stem}.sql`;
  const downPath = style.kind === 'suffix' ? `${dir}/${stem}${style.down}` : `${dir}/${style.folder}/${stem}.sql`;
  return [
    { path: upPath, text: body(draft.up, draft, 'up'), edit: false },
    { path: downPath, text: body(draft.down, draft, 'down'), edit: false },
  ];
}
