import path from 'node:path';
import { relativeToRoot } from '../../project/root.js';
import { isFile, listEntries, readText } from '../files.js';
import { splitStatements } from '../statements.js';
import type { FormatReader } from '../types.js';
import { collect, engineFor } from './sql-common.js';

const FOLDER = /^([0-9][0-9_-]*?)_(.+)$/;

async function migrationFolders(directory: string): Promise<string[]> {
  const { folders } = await listEntries(directory);
  const found: string[] = [];
  for (const folder of folders) {
    if (FOLDER.test(folder) && (await isFile(path.join(directory, folder, 'up.sql')))) found.push(folder);
  }
  return found;
}

/**
 * Diesel: `migrations/<version>_<name>/up.sql` + `down.sql`, applied in version order, each in a transaction
 * unless its metadata.toml says `run_in_transaction = false`.
 */
export const diesel: FormatReader = {
  format: 'diesel',
  priority: 15,
  async locate(_root, candidate) {
    if ((await migrationFolders(candidate)).length > 0) return candidate;
    if (await isFile(path.join(candidate, 'up.sql'))) return path.dirname(candidate);
    return undefined;
  },
  async read(context) {
    const engine = engineFor(context);
    const folders = (await migrationFolders(context.directory)).sort();
    return collect(
      context,
      folders.map((folder) => {
        const absolute = path.join(context.directory, folder);
        return {
          absolute,
          read: async () => {
            const [, version = folder, name = folder] = FOLDER.exec(folder) ?? [];
            const upPath = relativeToRoot(context.root, path.join(absolute, 'up.sql'));
            const downFile = path.join(absolute, 'down.sql');
            const downText = await readText(downFile);
            const metadata = (await readText(path.join(absolute, 'metadata.toml'))) ?? '';
            const transactional = !/^\s*run_in_transaction\s*=\s*false\b/m.test(metadata);
            const notes: string[] = [];
            if (!transactional) notes.push('metadata.toml sets run_in_transaction = false.');
            if (downText === undefined) notes.push(`No ${folder}/down.sql: diesel migration revert cannot undo it.`);
            return {
              id: version,
              name,
              path: upPath,
              format: 'diesel' as const,
              up: await splitStatements((await readText(path.join(absolute, 'up.sql'))) ?? '', engine, upPath),
              ...(downText !== undefined
                ? { down: await splitStatements(downText, engine, relativeToRoot(context.root, downFile)) }
                : {}),
              transactional,
              // Diesel runs up.sql with batch_execute, one query, with or without its transaction (diesel issue 4552).
              execution: 'one-query' as const,
              notes,
            };
          },
        };
      }),
    );
  },
};
