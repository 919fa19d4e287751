import path from 'node:path';
import { UserError } from '../../errors.js';
import type { PackageContext } from '../../project/context.js';
import { joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { type Bookkeeping, type BookkeepingRow, numericKey, truthy } from '../bookkeeping.js';
import { listEntries, readText } from '../files.js';
import type { FormatReader, MigrationScan } from '../types.js';
import { readAnnotated } from './annotated.js';
import { writeGoose } from './goose-write.js';
import { entry, finish, readIndexed, sqlFolders, sqlSection } from './scan-common.js';
import { collect, engineFor } from './sql-common.js';

const FILE = /^(\d+)_(.+)\.(sql|go)$/;
const MARKERS = {
  up: /^--\s*\+goose\s+Up\b/i,
  down: /^--\s*\+goose\s+Down\b/i,
  begin: /^--\s*\+goose\s+StatementBegin\b/i,
  end: /^--\s*\+goose\s+StatementEnd\b/i,
  tool: 'goose',
};

const TRANSACTION = 'per migration (opt out with `-- +goose NO TRANSACTION`)';

/** Every folder whose numbered .sql files carry `-- +goose Up` markers (Go migrations beside them are listed too). */
function scanGoose(context: PackageContext): MigrationScan[] {
  const marked = (dir: string, names: string[]) =>
    names.some(
      (name) => /^\d/.test(name) && /^--\s*\+goose\s+up/im.test(readIndexed(context, joinRelative(dir, name))),
    );
  return sqlFolders(context, (names, dir) => marked(dir, names), true).map(({ dir, names }) => {
    const migrations = names
      .filter((name) => FILE.test(name))
      .sort((a, b) => {
        const left = BigInt(FILE.exec(a)?.[1] ?? '0');
        const right = BigInt(FILE.exec(b)?.[1] ?? '0');
        return left < right ? -1 : left > right ? 1 : 0;
      })
      .map((name) => {
        const file = joinRelative(dir, name);
        const text = readIndexed(context, file);
        const [, version = name, title = ''] = FILE.exec(name) ?? [];
        const down = sqlSection(text, /^--\s*\+goose\s+down.*$/im, /^--\s*\+goose\s+(up|down)\b/im) ?? '';
        return entry('goose', file, version, title, down !== '', !/\+goose\s+NO\s+TRANSACTION/i.test(text));
      });
    return finish('goose', TRANSACTION, dir, migrations, context);
  });
}

/**
 * goose internal/dialect/dialectquery: goose_db_version (id, version_id bigint, is_applied boolean, tstamp); a down
 * adds a row with is_applied = false, so each version's latest row decides. Version 0 is goose's own first row.
 */
const gooseBookkeeping: Bookkeeping = {
  table: 'goose_db_version',
  ownTables: ['goose_db_version'],
  records: (rows) => {
    const latest = new Map<string, BookkeepingRow>();
    for (const row of [...rows].sort((a, b) => Number(a.id) - Number(b.id)))
      latest.set(numericKey(row.version_id), row);
    return [...latest]
      .filter(([version, row]) => version !== '0' && truthy(row.is_applied))
      .map(([version]) => ({ key: version, label: version, state: 'applied' }));
  },
  keyOf: (migration) => numericKey(migration.id),
};

/** goose: `<version>_<name>.sql` with `-- +goose Up/Down`, StatementBegin/End blocks, `NO TRANSACTION`. */
export const goose: FormatReader = {
  format: 'goose',
  priority: 23,
  tool: 'goose',
  label: 'goose',
  bookkeeping: gooseBookkeeping,
  scan: scanGoose,
  write: writeGoose,
  async read(context) {
    const engine = engineFor(context);
    const { files } = await listEntries(context.directory);
    const ordered = files
      .filter((file) => FILE.test(file))
      .sort((a, b) => {
        const left = BigInt(FILE.exec(a)?.[1] ?? '0');
        const right = BigInt(FILE.exec(b)?.[1] ?? '0');
        return left < right ? -1 : left > right ? 1 : 0;
      });
    return collect(
      context,
      ordered.map((file) => {
        const absolute = path.join(context.directory, file);
        return {
          absolute,
          read: async () => {
            const relative = relativeToRoot(context.root, absolute);
            const [, version = file, name = '', extension] = FILE.exec(file) ?? [];
            if (extension === 'go') {
              throw new UserError(
                'unsupported-go-migration',
                `${relative} is a goose Go migration; its SQL is produced by Go code at run time and cannot be read statically.`,
                'Write this migration as a .sql goose migration, or review it by hand; the SQL migrations around it were read.',
                { file: relative },
              );
            }
            const text = (await readText(absolute)) ?? '';
            const parsed = await readAnnotated(text, relative, engine, MARKERS);
            const transactional = !/^--\s*\+goose\s+NO\s+TRANSACTION\b/im.test(text);
            const notes: string[] = [];
            if (!transactional) notes.push('`-- +goose NO TRANSACTION`: goose runs it outside a transaction.');
            if (!parsed.down) notes.push('No `-- +goose Down` section: goose down cannot undo it.');
            return {
              id: version,
              name,
              path: relative,
              format: 'goose' as const,
              up: parsed.up,
              ...(parsed.down ? { down: parsed.down } : {}),
              transactional,
              notes,
            };
          },
        };
      }),
    );
  },
};
