import type { DdlRule } from '../../../../safety/ddl-check.js';
import type { DdlStatement } from '../../../../safety/ddl-model.js';
import type { RuleHit } from '../../../../safety/types.js';
import { fixStep } from '../../../mysql/safety/rules/shared.js';
import { rebuildSteps } from './alter-needs-rebuild.js';

/** Why SQLite would refuse to drop the column of a table whose CREATE TABLE this file holds. */
function blocker(created: DdlStatement, column: string): string | undefined {
  const name = column.toLowerCase();
  const definition = created.columns?.find((candidate) => candidate.name.toLowerCase() === name)?.definition;
  if (definition?.primaryKey) return 'it is the PRIMARY KEY';
  if (definition?.unique) return 'it is UNIQUE';
  const mentions = new RegExp(`(^|[^\\w])[\`"]?${name.replace(/[^\w]/g, '')}[\`"]?($|[^\\w])`, 'i');
  const constraint = created.tableConstraints?.find((text) => mentions.test(text));
  if (constraint) return `a table constraint uses it (${constraint.split('(')[0]?.trim()})`;
  return undefined;
}

export const sqliteDropColumnLimits: DdlRule = {
  meta: {
    id: 'sqlite-drop-column-limits',
    title: 'DROP COLUMN that SQLite may refuse',
    category: 'dangerous',
    defaultSeverity: 'warning',
    engines: ['sqlite'],
    locks: [],
    rewritesTable: true,
    scansTable: true,
    breaksOldCode: true,
    why: 'SQLite (3.35+) drops a column only when nothing else names it: not a PRIMARY KEY or UNIQUE column, not indexed, not in a table-level foreign key or CHECK, not used by a generated column, a partial index, a view or a trigger. Otherwise it fails; when it works it rewrites every row under the database-wide write lock, and the data is gone.',
    safeAlternative:
      'Drop the indexes, views and triggers that use the column first, or rebuild the table without it; keep a copy of the data, and stop code using it before.',
    examples: {
      bad: 'CREATE TABLE t (id integer PRIMARY KEY, email text UNIQUE);\nALTER TABLE t DROP COLUMN email;',
      good: 'CREATE TABLE t (id integer PRIMARY KEY, email text, note text);\nALTER TABLE t DROP COLUMN note;',
    },
  },
  appliesTo: ['alter-table'],
  check(context) {
    const table = context.statement.table;
    if (!table) return [];
    const created = context.session.created.get(table.toLowerCase());
    const hits: RuleHit[] = [];
    for (const action of context.statement.actions) {
      if (action.type !== 'drop-column') continue;
      const reason = created ? blocker(created, action.column) : undefined;
      if (created && !reason) continue;
      hits.push(
        reason
          ? {
              message: `SQLite refuses to drop ${table}.${action.column}: ${reason}. Rebuild the table instead.`,
              table,
              severity: 'error',
              fix: { summary: `Rebuild ${table} without the column.`, steps: rebuildSteps(table) },
            }
          : {
              message: `Dropping ${table}.${action.column} deletes its data and fails if an index, view, trigger, key or CHECK still uses it; it rewrites ${table} under the database-wide write lock.`,
              table,
              fix: {
                summary: 'Find what uses the column first.',
                steps: [
                  fixStep(
                    'Schema objects that mention the column (drop or rebuild them first).',
                    `SELECT type, name FROM sqlite_schema WHERE tbl_name = '${table}' AND sql LIKE '%${action.column}%';`,
                  ),
                ],
              },
            },
      );
    }
    return hits;
  },
};
