import { timestamp14 } from '../../generate/naming.js';
import type { MigrationEntry } from '../../project/types.js';
import type { FormatWriter } from '../types.js';
import { newFile, nextStem, sqlHeader, sqlScript } from './sql-write-common.js';

/** Flyway's per-script configuration that runs the script outside a transaction. */
export const NO_TRANSACTION_CONF = 'executeInTransaction=false\n';

/**
 * Flyway: `V<next>__<name>.sql` and its undo `U<next>__<name>.sql`; a `<script>.conf` with
 * `executeInTransaction=false` beside each when a statement cannot run in a transaction. Repeatable `R__`
 * scripts do not number the next version.
 */
export const writeFlyway: FormatWriter = (draft, folder, context) => {
  const versioned = (entry: MigrationEntry) => !entry.id.startsWith('R:');
  // Versions that are timestamps (V20240101120000__) continue as timestamps, not as timestamp + 1.
  const timestamped = /^\d{14}$/.test(folder.migrations.filter(versioned).at(-1)?.id ?? '');
  const stem = timestamped
    ? `V${timestamp14(context.now)}__${draft.name}`
    : nextStem(folder, draft, context, { keep: versioned, fallback: () => 'V1' }).replace(/^(V\d+)_(?!_)/, '$1__');
  const undo = stem.replace(/^V/, 'U');
  const files = [
    newFile(folder, context, `${stem}.sql`, `${sqlHeader(draft)}${sqlScript(draft.up)}\n`),
    newFile(folder, context, `${undo}.sql`, `${sqlScript(draft.down)}\n`),
  ];
  if (!draft.transactional) {
    files.push(newFile(folder, context, `${stem}.sql.conf`, NO_TRANSACTION_CONF));
    files.push(newFile(folder, context, `${undo}.sql.conf`, NO_TRANSACTION_CONF));
  }
  return files;
};
