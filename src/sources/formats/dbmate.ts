import path from 'node:path';
import type { PackageContext } from '../../project/context.js';
import { joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { type Bookkeeping, recordsByColumn } from '../bookkeeping.js';
import { listEntries, readText } from '../files.js';
import type { FormatReader, MigrationScan } from '../types.js';
import { readAnnotated } from './annotated.js';
import { writeDbmate } from './dbmate-write.js';
import { entry, finish, readIndexed, sqlFolders, sqlSection } from './scan-common.js';
import { collect, engineFor } from './sql-common.js';

const FILE = /^(\d+)_?(.*)\.sql$/;
const MARKERS = { up: /^--\s*migrate:up\b/, down: /^--\s*migrate:down\b/, tool: 'dbmate' };

const TRANSACTION = 'per migration (opt out with `-- migrate:up transaction:false`)';

/** Every folder whose numbered .sql files carry `-- migrate:up` markers. */
function scanDbmate(context: PackageContext): MigrationScan[] {
  const marked = (dir: string, names: string[]) =>
    names.some((name) => FILE.test(name) && /^--\s*migrate:up/m.test(readIndexed(context, joinRelative(dir, name))));
  return sqlFolders(context, (names, dir) => marked(dir, names)).map(({ dir, names }) => {
    const migrations = names
      .filter((name) => FILE.test(name))
      .sort((a, b) => (FILE.exec(a)?.[1] ?? '').localeCompare(FILE.exec(b)?.[1] ?? ''))
      .map((name) => {
        const file = joinRelative(dir, name);
        const text = readIndexed(context, file);
        const [, version = name, title = ''] = FILE.exec(name) ?? [];
        const down = sqlSection(text, /^--\s*migrate:down.*$/m, /^--\s*migrate:/m) ?? '';
        return entry('dbmate', file, version, title, down !== '', !/migrate:up\s+transaction:false/.test(text));
      });
    return finish('dbmate', TRANSACTION, dir, migrations, context);
  });
}

/** dbmate pkg/driver/{postgres,mysql,sqlite}: schema_migrations (version varchar(128) primary key). */
const dbmateBookkeeping: Bookkeeping = {
  table: 'schema_migrations',
  ownTables: ['schema_migrations'],
  records: (rows) => recordsByColumn(rows, 'version'),
  keyOf: (migration) => migration.id,
};

/** dbmate: `<version>_<name>.sql` with `-- migrate:up` / `-- migrate:down`; `transaction:false` opts out. */
export const dbmate: FormatReader = {
  format: 'dbmate',
  priority: 22,
  tool: 'dbmate',
  label: 'dbmate',
  bookkeeping: dbmateBookkeeping,
  scan: scanDbmate,
  write: writeDbmate,
  async read(context) {
    const engine = engineFor(context);
    const { files } = await listEntries(context.directory);
    const ordered = files
      .filter((file) => FILE.test(file))
      .sort((a, b) => (FILE.exec(a)?.[1] ?? '').localeCompare(FILE.exec(b)?.[1] ?? ''));
    return collect(
      context,
      ordered.map((file) => {
        const absolute = path.join(context.directory, file);
        return {
          absolute,
          read: async () => {
            const relative = relativeToRoot(context.root, absolute);
            const [, version = file, name = ''] = FILE.exec(file) ?? [];
            const parsed = await readAnnotated((await readText(absolute)) ?? '', relative, engine, MARKERS);
            const transactional = !/\btransaction:false\b/.test(parsed.upMarker);
            const notes: string[] = [];
            if (!transactional) notes.push('`-- migrate:up transaction:false`: dbmate runs it outside a transaction.');
            if (!parsed.down) notes.push('No `-- migrate:down` section: dbmate rollback cannot undo it.');
            return {
              id: version,
              name,
              path: relative,
              format: 'dbmate' as const,
              up: parsed.up,
              ...(parsed.down ? { down: parsed.down } : {}),
              transactional,
              // dbmate sends the section as one query, with or without transaction:false (dbmate issues 126, 285).
              execution: 'one-query' as const,
              notes,
            };
          },
        };
      }),
    );
  },
};
