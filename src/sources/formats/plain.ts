import path from 'node:path';
import type { PackageContext } from '../../project/context.js';
import { baseOf, joinRelative } from '../../project/walk.js';
import { listEntries, naturalCompare } from '../files.js';
import type { FormatReader, MigrationScan } from '../types.js';
import { entry, finish, sqlFolders } from './scan-common.js';
import { collect, engineFor, readWholeFile } from './sql-common.js';

const TRANSACTION = 'depends on the runner: plain .sql files say nothing about transactions';

/**
 * A `migrations` / `migration` / `migrate` folder of .sql files no tool claimed (supabase/migrations, db/migrate …),
 * in natural name order. Other folders of .sql files (seeds, schema dumps, queries) are not migrations.
 */
function scanPlainSql(context: PackageContext): MigrationScan[] {
  return sqlFolders(context, (_names, dir) => /^(migrations?|migrate)$/i.test(baseOf(dir))).map(({ dir, names }) => {
    const migrations = [...names].sort(naturalCompare).map((name) => {
      const id = name.replace(/\.sql$/, '');
      return entry('sql', joinRelative(dir, name), id, id, false, false);
    });
    return finish('sql', TRANSACTION, dir, migrations, context);
  });
}

/** A plain folder of `.sql` files applied in name order (numbers compared as numbers). */
export const plainSql: FormatReader = {
  format: 'sql',
  priority: 90,
  tool: 'sql',
  label: 'plain .sql folders',
  scan: scanPlainSql,
  async read(context) {
    const engine = engineFor(context);
    const { files } = await listEntries(context.directory);
    const ordered = files.filter((file) => file.endsWith('.sql')).sort(naturalCompare);
    return collect(
      context,
      ordered.map((file) => {
        const absolute = path.join(context.directory, file);
        const name = file.replace(/\.sql$/, '');
        return {
          absolute,
          read: () =>
            readWholeFile(
              context,
              absolute,
              'sql',
              {
                id: name,
                name,
                transactional: false,
                notes: ['Plain SQL file: no down migration; whether it runs in a transaction depends on the runner.'],
              },
              engine,
            ),
        };
      }),
    );
  },
};
