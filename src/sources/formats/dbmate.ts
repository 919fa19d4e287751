import path from 'node:path';
import { relativeToRoot } from '../../project/root.js';
import { listEntries, readText } from '../files.js';
import type { FormatReader } from '../types.js';
import { readAnnotated } from './annotated.js';
import { collect, countContaining, engineFor } from './sql-common.js';

const FILE = /^(\d+)_?(.*)\.sql$/;
const MARKERS = { up: /^--\s*migrate:up\b/, down: /^--\s*migrate:down\b/, tool: 'dbmate' };

/** dbmate: `<version>_<name>.sql` with `-- migrate:up` / `-- migrate:down`; `transaction:false` opts out. */
export const dbmate: FormatReader = {
  format: 'dbmate',
  priority: 10,
  async locate(_root, candidate) {
    return (await countContaining(candidate, /^--\s*migrate:up\b/m)) > 0 ? candidate : undefined;
  },
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
