import path from 'node:path';
import type { Bookkeeping, BookkeepingRow } from '../sources/bookkeeping.js';
import type { ReadMigrationsResult } from '../sources/types.js';
import { readBookkeeping, type TableLocation } from './bookkeeping-rows.js';
import type { TableChoice } from './bookkeeping-table.js';
import type { ReadOnlyDatabase } from './read-only.js';
import { sqitchRegistry } from './sqitch-registry.js';

export interface ReadRows {
  table?: string;
  rows: BookkeepingRow[];
  location: TableLocation;
  /** Why there is no table, when the generic note would not say it (Sqitch's registry file is absent). */
  missing?: string;
}

/** The tool's rows: its table in the environment's database, or Sqitch's registry wherever sqitch.conf keeps it. */
export async function bookkeepingRows(
  db: ReadOnlyDatabase,
  url: string,
  project: ReadMigrationsResult,
  bookkeeping: Bookkeeping,
  choice: TableChoice,
  root: string,
): Promise<ReadRows> {
  if (project.format === 'sqitch') {
    const registry = await sqitchRegistry(db, url, root, path.join(root, project.directory));
    if (registry.missing)
      return {
        rows: [],
        location: registry.location,
        missing: `No Sqitch registry ${registry.missing} beside the target: sqitch has not deployed anything here.`,
      };
    try {
      const found = await readBookkeeping(registry.db, registry.location);
      const rows = found.rows.filter((row) => !registry.project || row.project === registry.project);
      const table = found.table && (registry.label ?? found.table);
      return { ...(table ? { table } : {}), rows, location: registry.location };
    } finally {
      await registry.opened?.close();
    }
  }
  const schema = choice.schema ?? (db.engine === 'postgresql' ? bookkeeping.postgresSchema : undefined);
  const location = { table: choice.table, ...(schema ? { schema } : {}) };
  return { ...(await readBookkeeping(db, location)), location };
}
