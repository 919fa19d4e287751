import type { DdlRule } from '../../../../safety/ddl-check.js';
import type { RuleHit } from '../../../../safety/types.js';
import { existingTable, fixStep, quoteName } from './shared.js';

export const mysqlColumnTypeChange: DdlRule = {
  meta: {
    id: 'mysql-column-type-change',
    title: 'MODIFY/CHANGE of a column definition',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['mysql', 'mariadb'],
    locks: [],
    rewritesTable: true,
    scansTable: true,
    breaksOldCode: true,
    why: 'MODIFY and CHANGE restate the whole column: a narrower type or a sign change (INT → INT UNSIGNED, VARCHAR(255) → VARCHAR(50)) fails on existing values under strict mode, or silently truncates or clamps them without it; an attribute left out of the new definition (NOT NULL, DEFAULT, COMMENT, charset) is dropped.',
    safeAlternative:
      'Add a new column of the new type, dual-write, backfill and verify the values fit, switch reads, then drop the old column; or check `SELECT MAX(LENGTH(col))` / MIN/MAX first and restate every attribute.',
    examples: {
      bad: 'ALTER TABLE users MODIFY name varchar(50);',
      good: "-- checked: SELECT MAX(CHAR_LENGTH(name)) FROM users; -- 42\nALTER TABLE users MODIFY name varchar(50) NOT NULL DEFAULT '';",
    },
  },
  appliesTo: ['alter-table'],
  check(context) {
    const table = existingTable(context);
    if (!table) return [];
    const hits: RuleHit[] = [];
    for (const action of context.statement.actions) {
      if (action.type !== 'modify-column') continue;
      const column = quoteName(action.column);
      const length = /^(?:var)?char\((\d+)\)/.exec(action.definition.type);
      const probe = length
        ? `SELECT COUNT(*) FROM ${quoteName(table)} WHERE CHAR_LENGTH(${column}) > ${length[1]};`
        : `SELECT MIN(${column}), MAX(${column}) FROM ${quoteName(table)};`;
      hits.push({
        message: `${table}.${action.column} is redefined as ${action.definition.type}${action.definition.notNull ? ' NOT NULL' : ''}: values that do not fit fail the ALTER (strict mode) or are truncated or clamped without error, and attributes not restated are dropped.`,
        table,
        fix: {
          summary: 'Prove the values fit first, restate every attribute.',
          steps: [
            fixStep('Rows that would not fit the new type (expect 0).', probe),
            fixStep(
              'Then the change, with the full definition (see mysql-copy-alter for running it online).',
              `${context.statement.sql};`,
              true,
            ),
          ],
        },
      });
    }
    return hits;
  },
};
