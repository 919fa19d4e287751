import path from 'node:path';
import { relativeToRoot } from '../../project/root.js';
import { listEntries, naturalCompare, readText } from '../files.js';
import type { FormatReader } from '../types.js';
import { readAnnotated } from './annotated.js';
import { collect, countContaining, engineFor } from './sql-common.js';

const MARKERS = {
  up: /^--\s*\+migrate\s+Up\b/i,
  down: /^--\s*\+migrate\s+Down\b/i,
  begin: /^--\s*\+migrate\s+StatementBegin\b/i,
  end: /^--\s*\+migrate\s+StatementEnd\b/i,
  tool: 'sql-migrate',
};

/** Leading number of an id, as sql-migrate compares ids: numerically when both have one, else as text. */
function numericPrefix(name: string): number | undefined {
  const match = /^(\d+)/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** sql-migrate: `.sql` files with `-- +migrate Up/Down`, `notransaction`, StatementBegin/End. */
export const sqlMigrate: FormatReader = {
  format: 'sql-migrate',
  priority: 10,
  async locate(_root, candidate) {
    return (await countContaining(candidate, /^--\s*\+migrate\s+Up\b/im)) > 0 ? candidate : undefined;
  },
  async read(context) {
    const engine = engineFor(context);
    const { files } = await listEntries(context.directory);
    const ordered = files
      .filter((file) => file.endsWith('.sql'))
      .sort((a, b) => {
        const left = numericPrefix(a);
        const right = numericPrefix(b);
        if (left !== undefined && right !== undefined && left !== right) return left - right;
        return naturalCompare(a, b);
      });
    return collect(
      context,
      ordered.map((file) => {
        const absolute = path.join(context.directory, file);
        return {
          absolute,
          read: async () => {
            const relative = relativeToRoot(context.root, absolute);
            const parsed = await readAnnotated((await readText(absolute)) ?? '', relative, engine, MARKERS);
            const transactional = !/\bnotransaction\b/i.test(parsed.upMarker);
            const notes: string[] = [];
            if (!transactional)
              notes.push('`-- +migrate Up notransaction`: sql-migrate runs it outside a transaction.');
            if (!parsed.down) notes.push('No `-- +migrate Down` section: sql-migrate down cannot undo it.');
            const name = file.replace(/\.sql$/, '');
            return {
              id: name,
              name: name.replace(/^\d+[_-]?/, '') || name,
              path: relative,
              format: 'sql-migrate' as const,
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
