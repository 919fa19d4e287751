import type { Engine } from '../../model.js';
import type { FormatWriter } from '../types.js';
import { hasTransactionalDdl, newFile, nextStem, sqlComments, sqlHeader, sqlScript } from './sql-write-common.js';

/** Why nothing marks the file as non-transactional, and what that means on this engine. */
function noMarker(engine: Engine): string[] {
  if (!hasTransactionalDdl(engine)) {
    return ['golang-migrate has no no-transaction marker; none is needed here: each DDL statement commits on its own.'];
  }
  return [
    'golang-migrate has no no-transaction marker: it sends this file as one query, and PostgreSQL runs a',
    'multi-statement query as one transaction. With more than one statement, run it with x-multi-statement=true.',
  ];
}

/**
 * golang-migrate: `<version>_<name>.up.sql` and `.down.sql`, numbered like the newest pair. A transactional
 * migration is wrapped in BEGIN/COMMIT when the project's files do so (golang-migrate adds no transaction itself).
 */
export const writeGolangMigrate: FormatWriter = (draft, folder, context) => {
  const stem = nextStem(folder, draft, context, { keep: (entry) => entry.path.endsWith('.sql') });
  const wrap =
    draft.transactional && hasTransactionalDdl(draft.engine) && folder.migrations.some((entry) => entry.transactional);
  const body = (statements: string[]) => {
    const script = sqlScript(statements);
    return wrap ? `BEGIN;\n${script}\nCOMMIT;\n` : `${script}\n`;
  };
  const marker = draft.transactional ? '' : `${sqlComments(noMarker(draft.engine))}\n`;
  return [
    newFile(folder, context, `${stem}.up.sql`, `${sqlHeader(draft)}${marker}${body(draft.up)}`),
    newFile(folder, context, `${stem}.down.sql`, `${marker}${body(draft.down)}`),
  ];
};
