import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Engine, Migration } from '../model.js';
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
  /** Applied migrations with a stored checksum the tool's own algorithm was not reproduced for (not compared). */
  checksumUnknown: Migration[];
  outOfOrder: Migration[];
}

export function compareMigrations(
  local: Migration[],
  records: AppliedRecord[],
  bookkeeping: Bookkeeping,
  root: string,
  engine?: Engine,
): MigrationComparison {
  const byKey = new Map(records.map((record) => [record.key, record]));
  const localKeys = new Set<string>();
  const result: MigrationComparison = {
    applied: [],
    pending: [],
    unknown: [],
    failed: [],
    checksumMismatches: [],
    checksumUnknown: [],
    outOfOrder: [],
  };
  const lastApplied = new Map<string, number>();
  const sequenceOf = (migration: Migration) => bookkeeping.sequenceOf?.(migration) ?? '';
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
    const current =
      record.checksum === undefined
        ? undefined
        : currentChecksum(migration, bookkeeping, root, engine, record.checksum);
    const edited = current !== undefined && current !== record.checksum;
    if (record.checksum !== undefined && current === undefined && bookkeeping.checksumOf)
      result.checksumUnknown.push(migration);
    const repeatable = bookkeeping.repeatable?.(migration, root) ?? false;
    if (repeatable && edited) {
      result.pending.push(migration); // the tool runs it again
      return;
    }
    result.applied.push(migration);
    if (edited) result.checksumMismatches.push(migration);
    if (!repeatable) lastApplied.set(sequenceOf(migration), index);
  });
  result.outOfOrder = result.pending.filter(
    (migration) =>
      !bookkeeping.repeatable?.(migration, root) &&
      local.indexOf(migration) < (lastApplied.get(sequenceOf(migration)) ?? -1),
  );
  for (const record of records) {
    if (localKeys.has(record.key)) continue;
    if (record.state === 'failed') result.failed.push(record.label);
    else result.unknown.push(record.label);
  }
  return result;
}

/** The checksum the tool would store now; undefined when unknown (a missing file is not evidence of an edit). */
function currentChecksum(
  migration: Migration,
  bookkeeping: Bookkeeping,
  root: string,
  engine: Engine | undefined,
  stored: string,
): string | undefined {
  if (bookkeeping.checksumOf) return bookkeeping.checksumOf(migration, root, engine, stored);
  if (!bookkeeping.checksum) return undefined;
  try {
    return bookkeeping.checksum(readFileSync(path.join(root, migration.path), 'utf8'));
  } catch {
    return undefined;
  }
}
