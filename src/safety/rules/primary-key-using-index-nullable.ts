import type { Rule, RuleHit } from '../types.js';
import { alterTableOf, constraintOf, isExistingTable, notNullViaCheckSteps, sizeNote } from './ast.js';

export const primaryKeyUsingIndexNullable: Rule = {
  meta: {
    id: 'primary-key-using-index-nullable',
    title: 'PRIMARY KEY USING INDEX on nullable columns',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: true,
    breaksOldCode: false,
    why: 'A primary key needs NOT NULL columns; on nullable ones PostgreSQL silently runs SET NOT NULL, scanning the whole table under ACCESS EXCLUSIVE even though the index already exists.',
    safeAlternative:
      'First make each key column NOT NULL through CHECK (col IS NOT NULL) NOT VALID → VALIDATE → SET NOT NULL, then attach the index.',
    examples: {
      bad: 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;',
      good: 'ALTER TABLE events ADD CONSTRAINT events_id_not_null CHECK (id IS NOT NULL) NOT VALID;\n-- next migrations: VALIDATE, SET NOT NULL, then\nALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;',
    },
    peers: { eugene: 'W14', atlas: 'PG304' },
  },
  appliesTo: ['AlterTableStmt'],
  check(context) {
    const altered = alterTableOf(context);
    if (!altered || !isExistingTable(context, altered.table.key)) return [];
    const { table } = altered;
    const hits: RuleHit[] = [];
    for (const cmd of altered.cmds) {
      const constraint = cmd.subtype === 'AT_AddConstraint' ? constraintOf(cmd) : undefined;
      if (constraint?.contype !== 'CONSTR_PRIMARY' || !constraint.indexname) continue;
      const indexKey = constraint.indexname.includes('.')
        ? constraint.indexname
        : `${table.key.split('.')[0]}.${constraint.indexname}`;
      const index = context.catalog.indexes(table.key).find((candidate) => candidate.name === indexKey);
      const columns = context.catalog.columns(table.key);
      if (!index || !columns) continue;
      const nullable = index.columns.filter((column) => {
        const info = columns.find((candidate) => candidate.name === column);
        return info !== undefined && !info.notNull && !context.catalog.hasValidatedNotNullCheck(table.key, column);
      });
      if (nullable.length === 0) continue;
      hits.push({
        message: `Index ${constraint.indexname} covers nullable column(s) ${nullable.join(', ')} of ${table.display}${sizeNote(context, table.key)}: the primary key runs SET NOT NULL, a full scan under ACCESS EXCLUSIVE.`,
        table: table.display,
        fix: {
          summary: 'Prove NOT NULL with validated CHECKs first, then attach the index.',
          steps: [
            ...nullable.flatMap((column) => notNullViaCheckSteps(table, column).slice(0, 3)),
            {
              description: 'Attach the index as the primary key: the columns are NOT NULL now, so there is no scan.',
              sql: `${context.statement.sql.trim()};`,
              outsideTransaction: false,
              separateMigration: true,
            },
          ],
        },
      });
    }
    return hits;
  },
};
