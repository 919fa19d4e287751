import type { FormatWriter } from '../types.js';
import { annotatedFile, markedSection, newFile, nextStem } from './sql-write-common.js';

/**
 * goose: one `<version>_<name>.sql` with `-- +goose Up` / `-- +goose Down`, bodies between StatementBegin/End,
 * and `-- +goose NO TRANSACTION` at the top when a statement cannot run in a transaction.
 */
export const writeGoose: FormatWriter = (draft, folder, context) => {
  // Go and SQL migrations share one version sequence: the newest of either numbers the next.
  const stem = nextStem(folder, draft, context);
  const section = (statements: string[]) =>
    markedSection(statements, '-- +goose StatementBegin', '-- +goose StatementEnd');
  const before = draft.transactional ? '' : '-- +goose NO TRANSACTION\n';
  const text = annotatedFile(draft, { up: '-- +goose Up', down: '-- +goose Down' }, section, before);
  return [newFile(folder, context, `${stem}.sql`, text)];
};
