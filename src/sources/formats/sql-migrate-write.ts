import type { FormatWriter } from '../types.js';
import { annotatedFile, markedSection, newFile, nextStem } from './sql-write-common.js';

/**
 * sql-migrate: one `.sql` with `-- +migrate Up` / `-- +migrate Down` (`notransaction` on both when a statement
 * cannot run in a transaction), bodies between StatementBegin/End. Named `<timestamp>-<name>.sql` as
 * `sql-migrate new` does, unless the folder numbers its files another way.
 */
export const writeSqlMigrate: FormatWriter = (draft, folder, context) => {
  const option = draft.transactional ? '' : ' notransaction';
  const markers = { up: `-- +migrate Up${option}`, down: `-- +migrate Down${option}` };
  const section = (statements: string[]) =>
    markedSection(statements, '-- +migrate StatementBegin', '-- +migrate StatementEnd');
  const stem = nextStem(folder, draft, context, { separator: '-' });
  return [newFile(folder, context, `${stem}.sql`, annotatedFile(draft, markers, section))];
};
