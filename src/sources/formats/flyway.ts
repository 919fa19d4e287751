import path from 'node:path';
import { nodeZlib } from '../../lazy-builtins.js';
import type { Engine, Migration, Statement } from '../../model.js';
import type { PackageContext } from '../../project/context.js';
import { joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { type AppliedRecord, type Bookkeeping, numericKey, truthy } from '../bookkeeping.js';
import { cannotRunInTransaction } from '../execution.js';
import { listEntries, readText } from '../files.js';
import { splitStatements } from '../statements.js';
import type { FormatReader, MigrationScan } from '../types.js';
import { writeFlyway } from './flyway-write.js';
import { entry, finish, readIndexed, sqlFolders } from './scan-common.js';
import { collect, engineFor } from './sql-common.js';

const VERSIONED = /^([VU])(\d+(?:[._]\d+)*)__(.+)\.sql$/;
const REPEATABLE = /^R__(.+)\.sql$/;

function versionParts(version: string): bigint[] {
  return version.split(/[._]/).map((part) => BigInt(part));
}

/** Flyway compares versions part by part as numbers; 1.10 > 1.9, and 1.0 equals 1. */
function compareVersions(a: string, b: string): number {
  const left = versionParts(a);
  const right = versionParts(b);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const l = left[i] ?? 0n;
    const r = right[i] ?? 0n;
    if (l !== r) return l < r ? -1 : 1;
  }
  return 0;
}

const describe = (text: string) => text.replace(/_/g, ' ');

const TRANSACTION = 'per migration (opt out with executeInTransaction=false in `<script>.sql.conf`)';

/** A script configuration file (`V1__x.sql.conf`) that turns Flyway's transaction off for its script. */
const NO_TRANSACTION = /^\s*executeInTransaction\s*=\s*false\b/m;

/** Every folder holding versioned `V<version>__<description>.sql` migrations (with undo and repeatable ones). */
function scanFlyway(context: PackageContext): MigrationScan[] {
  return sqlFolders(context, (names) => names.some((name) => /^V\d/.test(name) && VERSIONED.test(name))).map(
    ({ dir, names }) => {
      const undo = new Set(names.flatMap((name) => (VERSIONED.exec(name)?.[1] === 'U' ? [versionKey(name)] : [])));
      const versioned = names
        .filter((name) => VERSIONED.exec(name)?.[1] === 'V')
        .sort((a, b) => compareVersions(VERSIONED.exec(a)![2]!, VERSIONED.exec(b)![2]!) || a.localeCompare(b))
        .map((name) => {
          const [, , version = '', description = ''] = VERSIONED.exec(name) ?? [];
          const conf = names.includes(`${name}.conf`) ? readIndexed(context, joinRelative(dir, `${name}.conf`)) : '';
          const transactional = !NO_TRANSACTION.test(conf);
          return entry(
            'flyway',
            joinRelative(dir, name),
            version,
            description,
            undo.has(versionKey(name)),
            transactional,
          );
        });
      const repeatable = names
        .filter((name) => REPEATABLE.test(name))
        .sort()
        .map((name) => {
          const description = REPEATABLE.exec(name)![1]!;
          return entry('flyway', joinRelative(dir, name), `R:${description}`, description, false, true);
        });
      return finish('flyway', TRANSACTION, dir, [...versioned, ...repeatable], context);
    },
  );
}

function versionKey(name: string): string {
  return versionParts(VERSIONED.exec(name)?.[2] ?? '0').join('.');
}

/**
 * Flyway's transaction for one migration on PostgreSQL: a file holding only statements that cannot run in a
 * transaction (CONCURRENTLY …) runs without one; beside other statements Flyway refuses the file unless
 * `mixed = true`, which is reported — the rehearsal then runs it in the transaction and fails, as Flyway does.
 */
function transactionMode(
  up: Statement[],
  engine: Engine | undefined,
  notes: string[],
): Pick<Migration, 'transactional' | 'notes'> {
  const postgres = engine === undefined || engine === 'postgresql' || engine === 'cockroachdb';
  const outside = postgres ? up.filter((statement) => cannotRunInTransaction(statement.sql)).length : 0;
  if (outside === 0) return { transactional: true, notes };
  if (outside === up.length)
    return {
      transactional: false,
      notes: [
        ...notes,
        'Every statement must run outside a transaction (CONCURRENTLY …): Flyway runs the file without one.',
      ],
    };
  return {
    transactional: true,
    notes: [
      ...notes,
      'The file mixes statements that cannot run in a transaction (CONCURRENTLY …) with others: Flyway refuses it unless `mixed = true`; give those statements a migration of their own.',
    ],
  };
}

/**
 * Flyway's JdbcTableSchemaHistory (createMetaDataTable.sql per database): flyway_schema_history (installed_rank,
 * version, description, type, script, checksum, installed_by, installed_on, execution_time, success). Versioned
 * rows are keyed by version (`1.1`, `001` = `1`), repeatable ones by script; type SCHEMA (schema creation) and
 * DELETE rows (flyway repair) are not migrations.
 */
const flywayBookkeeping: Bookkeeping = {
  table: 'flyway_schema_history',
  ownTables: ['flyway_schema_history'],
  records: (rows) => {
    const byKey = new Map<string, AppliedRecord>();
    for (const row of [...rows].sort((a, b) => Number(a.installed_rank) - Number(b.installed_rank))) {
      if (['SCHEMA', 'DELETE'].includes(String(row.type))) continue;
      const key = row.version == null ? repeatableKey(String(row.script)) : flywayVersionKey(String(row.version));
      byKey.set(key, {
        key,
        label: String(row.version ?? row.script),
        state: truthy(row.success) ? 'applied' : 'failed',
        ...(row.checksum == null ? {} : { checksum: String(row.checksum) }),
      });
    }
    return [...byKey.values()];
  },
  keyOf: (migration) =>
    migration.id.startsWith('R__')
      ? repeatableKey(path.posix.basename(migration.path))
      : flywayVersionKey(migration.id),
  checksum: flywayChecksum,
  repeatable: (migration) => migration.id.startsWith('R__'),
};

function flywayVersionKey(version: string): string {
  return version
    .split(/[._]/)
    .map((part) => numericKey(part))
    .join('.');
}

function repeatableKey(script: string): string {
  return `R:${path.posix.basename(script)}`;
}

/**
 * Flyway's ChecksumCalculator: a CRC32 updated with each line's UTF-8 bytes, line breaks left out and a leading
 * BOM dropped, stored as a signed 32-bit integer.
 */
export function flywayChecksum(text: string): string {
  const bytes = Buffer.from(text.replace(/^\uFEFF/, '').replace(/[\r\n]/g, ''), 'utf8');
  return String(nodeZlib().crc32(bytes) | 0);
}

/**
 * Flyway: versioned `V<version>__<description>.sql` in version order, undo `U<version>__…` as their down,
 * then repeatable `R__<description>.sql` ordered by description. Each migration runs in a transaction
 * (on engines with transactional DDL).
 */
export const flyway: FormatReader = {
  format: 'flyway',
  priority: 21,
  tool: 'flyway',
  label: 'Flyway',
  bookkeeping: flywayBookkeeping,
  scan: scanFlyway,
  write: writeFlyway,
  async read(context) {
    const engine = engineFor(context);
    const { files } = await listEntries(context.directory);
    const versioned = new Map<string, { version: string; description: string; up?: string; undo?: string }>();
    const repeatable: { description: string; file: string }[] = [];
    for (const file of files) {
      const match = VERSIONED.exec(file);
      if (match) {
        const [, kind, version = '0', description = ''] = match;
        const key = versionParts(version).join('.');
        const entry = versioned.get(key) ?? { version, description };
        if (kind === 'V') {
          entry.up = file;
          entry.description = description;
        } else entry.undo = file;
        versioned.set(key, entry);
        continue;
      }
      const repeat = REPEATABLE.exec(file);
      if (repeat) repeatable.push({ description: repeat[1] ?? file, file });
    }
    const items = [...versioned.values()]
      .filter((entry) => entry.up)
      .sort((a, b) => compareVersions(a.version, b.version))
      .map((entry) => {
        const absolute = path.join(context.directory, entry.up ?? '');
        const undo = entry.undo ? path.join(context.directory, entry.undo) : undefined;
        return {
          absolute,
          also: undo ? [undo] : [],
          read: async () => {
            const relative = relativeToRoot(context.root, absolute);
            const notes: string[] = [];
            const transactional = !NO_TRANSACTION.test((await readText(`${absolute}.conf`)) ?? '');
            if (!transactional)
              notes.push(`${entry.up}.conf sets executeInTransaction=false: Flyway runs it outside a transaction.`);
            if (!undo)
              notes.push(
                `No U${entry.version}__${entry.description}.sql undo migration: flyway undo cannot revert it.`,
              );
            const up = await splitStatements((await readText(absolute)) ?? '', engine, relative);
            return {
              id: entry.version,
              name: describe(entry.description),
              path: relative,
              format: 'flyway' as const,
              up,
              ...(undo
                ? {
                    down: await splitStatements(
                      (await readText(undo)) ?? '',
                      engine,
                      relativeToRoot(context.root, undo),
                    ),
                  }
                : {}),
              ...(transactional ? transactionMode(up, engine, notes) : { transactional, notes }),
            };
          },
        };
      });
    const repeatables = repeatable
      .sort((a, b) => (a.description < b.description ? -1 : a.description > b.description ? 1 : 0))
      .map(({ description, file }) => {
        const absolute = path.join(context.directory, file);
        return {
          absolute,
          read: async () => {
            const relative = relativeToRoot(context.root, absolute);
            const up = await splitStatements((await readText(absolute)) ?? '', engine, relative);
            return {
              id: `R__${description}`,
              name: describe(description),
              path: relative,
              format: 'flyway' as const,
              up,
              ...transactionMode(up, engine, [
                'Repeatable migration: Flyway runs it after all versioned migrations, again whenever its checksum changes.',
              ]),
            };
          },
        };
      });
    return collect(context, [...items, ...repeatables]);
  },
};
