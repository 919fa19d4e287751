import { namesOf } from '../names.js';
import type { Rule, RuleHit } from '../types.js';
import {
  addedConstraints,
  alterTableOf,
  columnList,
  fitName,
  ident,
  isExistingTable,
  LOCK_TIMEOUT_SQL,
  notNullViaCheckSteps,
  severityForSize,
  sizeNote,
  step,
  unqualified,
} from './ast.js';

export const primaryKeyWithoutIndex: Rule = {
  meta: {
    id: 'primary-key-without-index',
    title: 'PRIMARY KEY that builds its own index',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: true,
    breaksOldCode: false,
    why: 'ADD PRIMARY KEY builds a unique index (and sets NOT NULL, scanning the table) under ACCESS EXCLUSIVE, blocking all reads and writes for the duration.',
    safeAlternative:
      'Make the key columns NOT NULL through a validated CHECK, build the unique index CONCURRENTLY, then ADD CONSTRAINT … PRIMARY KEY USING INDEX.',
    examples: {
      bad: 'ALTER TABLE events ADD PRIMARY KEY (id);',
      good: 'CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events (id);\n-- next migration\nALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;',
    },
    peers: { squawk: 'adding-serial-primary-key-field', eugene: 'E7', atlas: 'PG104' },
  },
  appliesTo: ['AlterTableStmt'],
  check(context) {
    const altered = alterTableOf(context);
    if (!altered || !isExistingTable(context, altered.table.key)) return [];
    const { table } = altered;
    const bare = unqualified(table.key);
    const hits: RuleHit[] = [];
    for (const cmd of altered.cmds) {
      const { constraints: candidates, column: def } = addedConstraints(cmd);
      for (const constraint of candidates) {
        if (constraint.contype !== 'CONSTR_PRIMARY' || constraint.indexname) continue;
        const columns = def?.colname ? [def.colname] : namesOf(constraint.keys);
        const name = constraint.conname ?? fitName(`${bare}_pkey`);
        const known = context.catalog.columns(table.key);
        const nullable = columns.filter((column) => !known?.find((info) => info.name === column)?.notNull);
        // A key that replaces the table's primary key (cal.com's key swaps): the old key still holds its name while
        // the new index is built, so the index gets a name of its own and the attach drops the old key.
        const current = [...context.catalog.constraints(table.key)].find((each) => each.kind === 'primary-key');
        const indexName = current ? fitName(`${name}_new`) : name;
        const dropCurrent = current ? `DROP CONSTRAINT ${ident(current.name)}, ` : '';
        hits.push({
          message: `PRIMARY KEY on ${table.display}${sizeNote(context, table.key)} builds its index under ACCESS EXCLUSIVE: no reads or writes until it is built.`,
          table: table.display,
          severity: severityForSize(context, table.key),
          fix: {
            summary:
              'Prove NOT NULL with a validated CHECK, build the index concurrently, attach it as the primary key.',
            steps: [
              ...(def ? [] : nullable.flatMap((column) => notNullViaCheckSteps(table, column).slice(0, 3))),
              step(
                'Build the unique index without blocking writes (its own non-transactional migration).',
                `CREATE UNIQUE INDEX CONCURRENTLY ${ident(indexName)} ON ${table.display} (${columnList(columns)});`,
                { outsideTransaction: true, separateMigration: true },
              ),
              step(
                'Attach the index as the primary key (brief ACCESS EXCLUSIVE; no scan when the columns are already NOT NULL).',
                `${LOCK_TIMEOUT_SQL}\nALTER TABLE ${table.display} ${dropCurrent}ADD CONSTRAINT ${ident(name)} PRIMARY KEY USING INDEX ${ident(indexName)};`,
                { separateMigration: true },
              ),
            ],
          },
        });
      }
    }
    return hits;
  },
};
