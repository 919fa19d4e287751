import type { DdlRule } from '../../../../safety/ddl-check.js';
import type { ColumnDefinition } from '../../../../safety/ddl-model.js';
import type { RuleHit } from '../../../../safety/types.js';
import { clauseCost } from '../algorithms.js';
import { existingTable, fixStep, quoteName } from './shared.js';

/** Attributes the old definition had and the new one leaves out (MODIFY restates the whole column). */
function dropped(before: ColumnDefinition, after: ColumnDefinition): string[] {
  const lost: string[] = [];
  if (before.notNull && !after.notNull) lost.push('NOT NULL');
  if (before.hasDefault && !after.hasDefault) lost.push(`DEFAULT ${before.defaultText ?? ''}`.trim());
  if (before.autoIncrement && !after.autoIncrement) lost.push('AUTO_INCREMENT');
  return lost;
}

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
    why: 'MODIFY and CHANGE restate the whole column: a narrower type or a sign change (INT → INT UNSIGNED, VARCHAR(255) → VARCHAR(50)) fails on existing values under strict mode, or silently truncates or clamps them without it; an attribute left out of the new definition (NOT NULL, DEFAULT, COMMENT, charset) is dropped. Both copy the table (verified on MariaDB: ALGORITHM=INPLACE is refused).',
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
      // ENUM/SET member changes are mysql-enum-set-change's.
      if (action.type !== 'modify-column' || action.definition.members) continue;
      const before = context.session.columns.column(table, action.column);
      const column = quoteName(action.column);
      const length = /^(?:var)?char\((\d+)\)/.exec(action.definition.type);
      const probe = length
        ? `SELECT COUNT(*) FROM ${quoteName(table)} WHERE CHAR_LENGTH(${column}) > ${length[1]};`
        : `SELECT MIN(${column}), MAX(${column}) FROM ${quoteName(table)};`;
      let message: string;
      if (before) {
        const risk = clauseCost(action, context.statement, context.session.settings, context.session.columns)?.dataRisk;
        const lost = dropped(before, action.definition);
        if (!risk && lost.length === 0) continue;
        const parts = [
          ...(risk ? [risk] : []),
          ...(lost.length > 0 ? [`the new definition drops ${lost.join(', ')}`] : []),
        ];
        message = `${table}.${action.column} goes from ${before.type} to ${action.definition.type}: ${parts.join('; ')}.`;
      } else {
        message = `${table}.${action.column} is redefined as ${action.definition.type}${action.definition.notNull ? ' NOT NULL' : ''}: values that do not fit fail the ALTER (strict mode) or are truncated or clamped without error, and attributes not restated are dropped.`;
      }
      hits.push({
        message,
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
