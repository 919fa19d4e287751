import type { Engine } from '../../model.js';
import { baseOf } from '../../project/walk.js';
import type { FormatWriter, MigrationScan } from '../types.js';
import { newFile, nextStem, sqlHeader, sqlScript } from './sql-write-common.js';

/** How the tools spell each engine's dialect, the project's spelling first when it uses one of them. */
const SPELLINGS: Record<string, string[]> = {
  postgresql: ['postgres', 'postgresql', 'pg'],
  cockroachdb: ['cockroach', 'cockroachdb', 'crdb'],
  mysql: ['mysql'],
  mariadb: ['mysql', 'mariadb'],
  sqlite: ['sqlite3', 'sqlite'],
  mssql: ['sqlserver', 'mssql'],
};

const DIALECT = /^\d+_[^.]+\.([a-z0-9]+)(?:\.autocommit)?\.(?:up|down)\.sql$/;

/** The dialect name for the engine as this folder writes it (postgres, pg …); the tools' usual one otherwise. */
function dialectFor(engine: Engine, folder: MigrationScan): string {
  const spellings = SPELLINGS[engine] ?? [engine];
  const used = new Set(folder.migrations.flatMap((entry) => DIALECT.exec(baseOf(entry.path))?.[1] ?? []));
  return spellings.find((spelling) => used.has(spelling)) ?? spellings[0]!;
}

/**
 * Multi-dialect SQL folders (pop, popx): `<version>_<name>.<dialect>.up.sql` / `.down.sql` for the draft's
 * engine, `.autocommit` before the direction when a statement cannot run in a transaction.
 */
export const writeMultiDialectSql: FormatWriter = (draft, folder, context) => {
  const stem = nextStem(folder, draft, context);
  const dialect = `${dialectFor(draft.engine, folder)}${draft.transactional ? '' : '.autocommit'}`;
  return [
    newFile(folder, context, `${stem}.${dialect}.up.sql`, `${sqlHeader(draft)}${sqlScript(draft.up)}\n`),
    newFile(folder, context, `${stem}.${dialect}.down.sql`, `${sqlScript(draft.down)}\n`),
  ];
};
