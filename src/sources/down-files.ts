import path from 'node:path';

/**
 * How SQL folders name the down half of a migration: `x.down.sql` (golang-migrate and friends), `x_down.sql`,
 * `down.sql` (Diesel), Flyway's `U<version>__x.sql`, and any file below a `down/` (or `downs/`, `rollback/`)
 * folder. A down file is rollback evidence for its up migration, never a forward migration.
 */

const DOWN_NAME = /(^|[._-])down\.sql$|^U\d[\d._]*__.+\.sql$/i;
const DOWN_FOLDER = /^(down|downs|rollback|rollbacks)$/i;

export function isDownFile(file: string): boolean {
  const parts = file.split(/[\\/]/);
  const name = parts[parts.length - 1] ?? '';
  return DOWN_NAME.test(name) || parts.slice(0, -1).some((folder) => DOWN_FOLDER.test(folder));
}

/** The files that could be the up migration of a down file, most specific first (absolute or relative alike). */
export function upCandidates(downFile: string): string[] {
  const folder = path.dirname(downFile);
  const name = path.basename(downFile);
  if (DOWN_FOLDER.test(path.basename(folder))) {
    const parent = path.dirname(folder);
    return [path.join(parent, 'up', name), path.join(parent, 'ups', name), path.join(parent, name)];
  }
  if (/^down\.sql$/i.test(name)) return [path.join(folder, 'up.sql')];
  const flyway = /^U(\d[\d._]*__.+\.sql)$/i.exec(name);
  if (flyway) return [path.join(folder, `V${flyway[1]}`)];
  const stem = name.replace(/([._-])down\.sql$/i, '');
  const separator = /([._-])down\.sql$/i.exec(name)?.[1] ?? '.';
  return [path.join(folder, `${stem}${separator}up.sql`), path.join(folder, `${stem}.sql`)];
}

/** The down file of an up file among `files` (a set of paths written the same way), if there is one. */
export function downFileOf(upFile: string, files: { has(file: string): boolean }): string | undefined {
  const folder = path.dirname(upFile);
  const name = path.basename(upFile);
  const stem = name.replace(/([._-])up\.sql$/i, '').replace(/\.sql$/i, '');
  const upFolder = /^(up|ups)$/i.test(path.basename(folder));
  const parent = upFolder ? path.dirname(folder) : folder;
  const candidates = [
    ...(/^up\.sql$/i.test(name) ? [path.join(folder, 'down.sql')] : []),
    ...['.', '_', '-'].map((separator) => path.join(folder, `${stem}${separator}down.sql`)),
    ...['down', 'downs', 'rollback', 'rollbacks'].map((down) => path.join(parent, down, name)),
  ];
  return candidates.find((candidate) => candidate !== upFile && files.has(candidate));
}
