import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Migration } from '../model.js';
import type { AppliedRecord, Bookkeeping } from '../sources/bookkeeping.js';

/**
 * The project's migrations against what the tool recorded in one database: applied, pending (in the project, not
 * recorded), unknown (recorded, not in the project), failed or dirty, edited after they were applied (checksum),
 * and out of order (pending, yet older than a migration already applied: the tool may skip or refuse it).
 */
export interface MigrationComparison {
  applied: Migration[];
  pending: Migration[];
  /** Labels of recorded migrations the project does not have. */
  unknown: string[];
  /** Local path (or the recorded label when the project does not have it) of each failed or dirty migration. */
  failed: string[];
  checksumMismatches: Migration[];
  outOfOrder: Migration[];
}

export function compareMigrations(
  local: Migration[],
  records: AppliedRecord[],
  bookkeeping: Bookkeeping,
  root: string,
): MigrationComparison {
  const byKey = new Map(records.map((record) => [record.key, record]));
  const localKeys = new Set<string>();
  const result: MigrationComparison = {
    applied: [],
    pending: [],
    unknown: [],
    failed: [],
    checksumMismatches: [],
    outOfOrder: [],
  };
  let lastApplied = -1;
  local.forEach((migration, index) => {
    const key = bookkeeping.keyOf(migration, root);
    localKeys.add(key);
    const record = byKey.get(key);
    if (!record) {
      result.pending.push(migration);
      return;
    }
    if (record.state === 'failed') {
      result.failed.push(migration.path);
      return;
    }
    result.applied.push(migration);
    lastApplied = index;
    if (record.checksum !== undefined && bookkeeping.checksum) {
      const now = checksumOf(migration, bookkeeping.checksum, root);
      if (now !== undefined && now !== record.checksum) result.checksumMismatches.push(migration);
    }
  });
  result.outOfOrder = result.pending.filter((migration) => local.indexOf(migration) < lastApplied);
  for (const record of records) {
    if (localKeys.has(record.key)) continue;
    if (record.state === 'failed') result.failed.push(record.label);
    else result.unknown.push(record.label);
  }
  return result;
}

function checksumOf(migration: Migration, checksum: (text: string) => string, root: string): string | undefined {
  try {
    return checksum(readFileSync(path.join(root, migration.path), 'utf8'));
  } catch {
    return undefined;
  }
}
