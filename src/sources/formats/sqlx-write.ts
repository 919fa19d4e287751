import type { FormatWriter } from '../types.js';
import { newFile, nextStem, sqlComments, sqlHeader, sqlScript } from './sql-write-common.js';

/**
 * sqlx: `<version>_<name>.up.sql` + `.down.sql` (reversible), or one `<version>_<name>.sql` when the folder's newest
 * migration is a simple one (sqlx-cli will not mix the two kinds; a simple migration has no down, so the draft's down
 * is kept as a comment for review). `-- no-transaction` is the first line when a statement cannot run in a
 * transaction: sqlx reads the marker only at the very start of the file. Versions follow the newest file's
 * numbering, else sqlx-cli's default UTC timestamp (YYYYMMDDHHMMSS).
 */
export const writeSqlx: FormatWriter = (draft, folder, context) => {
  const stem = nextStem(folder, draft, context, { keep: (entry) => entry.path.endsWith('.sql') });
  const marker = draft.transactional ? '' : '-- no-transaction\n';
  const up = `${marker}${sqlHeader(draft)}${sqlScript(draft.up)}\n`;
  const newest = folder.migrations.at(-1);
  if (newest && !newest.path.endsWith('.up.sql')) {
    const down = draft.down.length
      ? `\n${sqlComments([
          'Down (for review; a simple sqlx migration cannot be reverted by `sqlx migrate revert`):',
          ...sqlScript(draft.down).split('\n'),
        ])}\n`
      : '';
    return [newFile(folder, context, `${stem}.sql`, `${up}${down}`)];
  }
  return [
    newFile(folder, context, `${stem}.up.sql`, up),
    newFile(folder, context, `${stem}.down.sql`, `${marker}${sqlScript(draft.down)}\n`),
  ];
};
