import path from 'node:path';
import type { PackageContext } from '../../project/context.js';
import { joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { listEntries, naturalCompare, readText } from '../files.js';
import type { FormatReader, MigrationScan } from '../types.js';
import { readAnnotated } from './annotated.js';
import { entry, finish, readIndexed, sqlFolders, sqlSection } from './scan-common.js';
import { collect, engineFor } from './sql-common.js';
import { writeSqlMigrate } from './sql-migrate-write.js';

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

const TRANSACTION = 'per migration (opt out with `-- +migrate Up notransaction`)';

/** Every folder whose .sql files carry `-- +migrate Up` markers. */
function scanSqlMigrate(context: PackageContext): MigrationScan[] {
  const marked = (dir: string, names: string[]) =>
    names.some((name) => /^--\s*\+migrate\s+up/im.test(readIndexed(context, joinRelative(dir, name))));
  return sqlFolders(context, (names, dir) => marked(dir, names)).map(({ dir, names }) => {
    const migrations = [...names].sort(compareIds).map((name) => {
      const file = joinRelative(dir, name);
      const text = readIndexed(context, file);
      const down = sqlSection(text, /^--\s*\+migrate\s+down.*$/im, /^--\s*\+migrate\s+(up|down)\b/im) ?? '';
      const id = name.replace(/\.sql$/, '');
      const transactional = !/\+migrate\s+up\s+notransaction/i.test(text);
      return entry(
        'sql-migrate',
        file,
        /^\d+/.exec(id)?.[0] ?? id,
        id.replace(/^\d+_/, ''),
        down !== '',
        transactional,
      );
    });
    return finish('sql-migrate', TRANSACTION, dir, migrations, context);
  });
}

function compareIds(a: string, b: string): number {
  const left = numericPrefix(a);
  const right = numericPrefix(b);
  if (left !== undefined && right !== undefined && left !== right) return left - right;
  return naturalCompare(a, b);
}

/** sql-migrate: `.sql` files with `-- +migrate Up/Down`, `notransaction`, StatementBegin/End. */
export const sqlMigrate: FormatReader = {
  format: 'sql-migrate',
  priority: 24,
  tool: 'sql-migrate',
  label: 'sql-migrate',
  scan: scanSqlMigrate,
  write: writeSqlMigrate,
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
