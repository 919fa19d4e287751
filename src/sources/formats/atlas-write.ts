import { UserError } from '../../errors.js';
import { baseOf, joinRelative } from '../../project/walk.js';
import type { FormatWriter } from '../types.js';
import { computeSum, parseSum, SUM_FILE } from './atlas-sum.js';
import { newFile, nextStem, sqlComments, sqlHeader, sqlScript } from './sql-write-common.js';

/** Sum file text as `atlas migrate hash` writes it: `h1:<total>` then `<file> h1:<hash>` per file, in order. */
function sumText(total: string, byName: Map<string, string>): string {
  return `h1:${total}\n${[...byName].map(([name, hash]) => `${name} h1:${hash}\n`).join('')}`;
}

/**
 * Atlas: `<version>_<name>.sql` (`-- atlas:txmode none` in the header when a statement cannot run in a
 * transaction) and atlas.sum rehashed so `atlas migrate validate` accepts the directory. Atlas has no down files
 * (`atlas migrate down` plans the revert against the dev database), so the down is kept as a comment at the end.
 */
export const writeAtlas: FormatWriter = (draft, folder, context) => {
  const stem = nextStem(folder, draft, context);
  const directive = draft.transactional ? '' : '-- atlas:txmode none\n\n';
  const down = sqlComments([
    'Down (for review; `atlas migrate down` plans its own revert from the dev database):',
    ...sqlScript(draft.down).split('\n'),
  ]);
  const text = `${directive}${sqlHeader(draft)}${sqlScript(draft.up)}\n\n${down}\n`;
  const file = newFile(folder, context, `${stem}.sql`, text);

  const sumPath = joinRelative(folder.dir.path, SUM_FILE);
  const current = context.read(sumPath);
  if (current === undefined) {
    throw new UserError(
      'atlas-sum-missing',
      `${sumPath} does not exist, so the new migration cannot be added to Atlas's integrity file.`,
      'Run `atlas migrate hash` in the migration directory first, then generate again.',
      { file: sumPath },
    );
  }
  // Every .sql file of the directory takes part in the running hash, listed in the sum or not (`atlas:sum ignore`).
  const listed = [
    ...parseSum(current).entries.map((entry) => entry.name),
    ...folder.migrations.map((entry) => baseOf(entry.path)),
  ];
  const names = [...new Set([...listed, `${stem}.sql`])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const files = names.map((name) => {
    const bytes = name === `${stem}.sql` ? text : context.read(joinRelative(folder.dir.path, name));
    if (bytes === undefined) {
      throw new UserError(
        'atlas-sum-missing-file',
        `${sumPath} lists ${name}, which is not in the directory, so its sum cannot be recomputed.`,
        'Restore the file or run `atlas migrate hash`, then generate again.',
        { file: sumPath },
      );
    }
    return { name, bytes: Buffer.from(bytes, 'utf8') };
  });
  const sum = computeSum(files);
  return [file, { path: sumPath, text: sumText(sum.total, sum.byName), edit: true }];
};
