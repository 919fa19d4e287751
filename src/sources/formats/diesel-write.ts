import { baseOf } from '../../project/walk.js';
import type { FormatWriter } from '../types.js';
import { newFile, nextStem, sqlHeader, sqlScript } from './sql-write-common.js';

/** `diesel migration generate`'s folder prefix: YYYY-MM-DD-HHMMSS in UTC. */
function dieselTimestamp(now: Date): string {
  const iso = now.toISOString();
  return `${iso.slice(0, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/**
 * Diesel: a folder `<version>_<name>/` with up.sql and down.sql, and metadata.toml `run_in_transaction = false`
 * when a statement cannot run in a transaction. diesel's own setup migration (`00000000000000_…`) does not
 * set the numbering.
 */
export const writeDiesel: FormatWriter = (draft, folder, context) => {
  const stem = nextStem(folder, draft, context, {
    keep: (entry) => !/^0+_/.test(baseOf(entry.path)),
    fallback: dieselTimestamp,
  });
  const files = [
    newFile(folder, context, `${stem}/up.sql`, `${sqlHeader(draft)}${sqlScript(draft.up)}\n`),
    newFile(folder, context, `${stem}/down.sql`, `${sqlScript(draft.down)}\n`),
  ];
  if (!draft.transactional)
    files.push(newFile(folder, context, `${stem}/metadata.toml`, 'run_in_transaction = false\n'));
  return files;
};
