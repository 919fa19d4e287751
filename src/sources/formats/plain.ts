import path from 'node:path';
import { listEntries, naturalCompare } from '../files.js';
import type { FormatReader } from '../types.js';
import { collect, countMatching, engineFor, readWholeFile } from './sql-common.js';

/** A plain folder of `.sql` files applied in name order (numbers compared as numbers). */
export const plainSql: FormatReader = {
  format: 'sql',
  priority: 90,
  async locate(_root, candidate) {
    return (await countMatching(candidate, /\.sql$/)) > 0 ? candidate : undefined;
  },
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
