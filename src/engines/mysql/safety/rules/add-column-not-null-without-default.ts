import type { DdlRule } from '../../../../safety/ddl-check.js';
import type { RuleHit } from '../../../../safety/types.js';
import { existingTable, fixStep, quoteName } from './shared.js';

export const mysqlAddColumnNotNullWithoutDefault: DdlRule = {
  meta: {
    id: 'mysql-add-column-not-null-without-default',
    title: 'ADD COLUMN NOT NULL without DEFAULT',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['mysql', 'mariadb'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: true,
    why: "The ALTER succeeds and fills existing rows with the type's implicit value (0, '', a zero date), which looks like real data; and under strict SQL mode every INSERT from code that does not know the column fails with \"Field doesn't have a default value\".",
    safeAlternative:
      'Add the column with an explicit DEFAULT (or NULL), backfill real values, and only then, once all code writes it, make it NOT NULL without default.',
    examples: {
      bad: 'ALTER TABLE users ADD COLUMN status varchar(20) NOT NULL;',
      good: "ALTER TABLE users ADD COLUMN status varchar(20) NOT NULL DEFAULT 'active';",
    },
    peers: { strong_migrations: 'add_column_default' },
  },
  appliesTo: ['alter-table'],
  check(context) {
    const table = existingTable(context);
    if (!table) return [];
    const hits: RuleHit[] = [];
    for (const action of context.statement.actions) {
      if (action.type !== 'add-column') continue;
      const { definition } = action;
      if (!definition.notNull || definition.hasDefault || definition.autoIncrement || definition.generated) continue;
      hits.push({
        message: `${table}.${action.column} is added NOT NULL without DEFAULT: existing rows get an implicit '' / 0, and INSERTs from running code that omit it fail under strict mode.`,
        table,
        fix: {
          summary: 'Give it a DEFAULT; tighten later.',
          steps: [
            fixStep(
              'Add it with a default that is a real value (or nullable), then backfill.',
              `ALTER TABLE ${quoteName(table)} ADD COLUMN ${quoteName(action.column)} ${definition.type} NOT NULL DEFAULT <value>;`,
            ),
          ],
        },
      });
    }
    return hits;
  },
};
