import type { FormatWriter } from '../types.js';
import { annotatedFile, newFile, nextStem, sqlScript } from './sql-write-common.js';

/**
 * dbmate: one `<version>_<name>.sql` with `-- migrate:up` / `-- migrate:down`; `transaction:false` on both
 * markers when a statement cannot run in a transaction (the down of a concurrent build is concurrent too).
 */
export const writeDbmate: FormatWriter = (draft, folder, context) => {
  const option = draft.transactional ? '' : ' transaction:false';
  const markers = { up: `-- migrate:up${option}`, down: `-- migrate:down${option}` };
  const stem = nextStem(folder, draft, context);
  return [newFile(folder, context, `${stem}.sql`, annotatedFile(draft, markers, sqlScript))];
};
