import path from 'node:path';
import type { PackageContext } from '../../project/context.js';
import type { MigrationScan } from '../../project/migrations.js';
import type { Conventions, MigrationEntry, ToolName } from '../../project/types.js';
import { joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { listEntries, readText, selected } from '../files.js';
import type { FormatRead, ReadContext } from '../types.js';
import { DslTranslation, dslMigration } from './dsl-migration.js';
import { staticScan } from './static-scan.js';

/**
 * The skeleton shared by the statically read DSL formats (Rails, Ecto): migration files named
 * `<version>_<name>.<ext>` in name order, each translated by the format into a DslTranslation, and the detect
 * side listing the same files. The formats supply only what differs: the parse and the translation of one file.
 */

/** One migration file handed to the format's translation. */
export interface DslFile {
  version: string;
  name: string;
  /** Root-relative path, for errors and statements. */
  relative: string;
  source: string;
  translation: DslTranslation;
}

/** What the format says about the translated file: its transaction mode and whether it has a `change` method. */
export interface DslFileResult {
  transactional: boolean;
  mode: 'change' | 'up-down';
}

/** Reads every `file`-named migration of the folder into `result`, in name order, keeping going past errors. */
export async function readDslFolder(
  context: ReadContext,
  result: FormatRead,
  format: 'rails' | 'ecto',
  file: RegExp,
  translate: (migration: DslFile) => DslFileResult,
  /** Folders whose migrations the tool applies together with the folder's, in one version order. */
  alongside: string[] = [],
  /**
   * Translate the migrations before the selected ones too (their results are not kept): the format learns from them
   * what later migrations need (Rails: the indexes a rename_table renames).
   */
  readEarlier = false,
): Promise<FormatRead> {
  const found: Array<{ name: string; absolute: string }> = [];
  for (const directory of [context.directory, ...alongside]) {
    const { files } = await listEntries(directory);
    for (const name of files) if (file.test(name)) found.push({ name, absolute: path.join(directory, name) });
  }
  found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lastSelected = readEarlier ? found.findLastIndex(({ absolute }) => selected(context.only, absolute)) : -1;
  for (const [position, { name, absolute }] of found.entries()) {
    const chosen = selected(context.only, absolute);
    if (!chosen && position > lastSelected) continue;
    context.signal?.throwIfAborted();
    const relative = relativeToRoot(context.root, absolute);
    const [, version = '', title = ''] = file.exec(name) ?? [];
    const translation = new DslTranslation(relative);
    const source = (await readText(absolute)) ?? '';
    const { transactional, mode } = translate({ version, name: title, relative, source, translation });
    if (!chosen) continue;
    result.migrations.push(
      dslMigration(translation, { id: version, name: title, path: relative, format, transactional }, mode),
    );
    result.errors.push(...translation.errors);
  }
  return result;
}

/** detect_setup: the package's folders matching `folder` that hold `file`-named migrations, with their facts. */
export function scanDslFolders(
  context: PackageContext,
  tool: ToolName,
  folder: RegExp,
  file: RegExp,
  facts: (text: string) => Pick<MigrationEntry, 'hasDown' | 'transactional'>,
  conventions: Omit<Conventions, 'tool' | 'down' | 'example'>,
  /** Folders applied together with a matched folder (see readDslFolder), found from its path. */
  alongside: (dir: string) => string[] = () => [],
): MigrationScan[] {
  return context.ownDirs
    .filter((dir) => folder.test(dir))
    .flatMap((dir) => {
      const others = alongside(dir).filter((other) => context.files.filesIn(other).some((name) => file.test(name)));
      const entries: MigrationEntry[] = [dir, ...others]
        .flatMap((each) =>
          context.files
            .filesIn(each)
            .filter((name) => file.test(name))
            .map((name) => ({ name, relative: joinRelative(each, name) })),
        )
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map(({ name, relative }) => {
          const [, version = '', title = ''] = file.exec(name) ?? [];
          return { id: version, name: title, path: relative, tool, ...facts(context.files.read(relative) ?? '') };
        });
      if (!entries.length) return [];
      const scan = staticScan(tool, dir, entries, conventions);
      if (others.length > 0) scan.dir.alongside = others;
      return [scan];
    });
}
