import type { DdlRule } from '../../../../safety/ddl-check.js';
import type { RuleHit } from '../../../../safety/types.js';
import { clauseCost, describeCosts, statementCost } from '../algorithms.js';
import { targetOf } from '../server-version.js';
import { existingTable, fixStep, quoteName } from './shared.js';

const sqlString = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

export const mysqlEnumSetChange: DdlRule = {
  meta: {
    id: 'mysql-enum-set-change',
    title: 'ENUM/SET members reordered, inserted or removed',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['mysql', 'mariadb'],
    locks: [],
    rewritesTable: true,
    scansTable: true,
    breaksOldCode: true,
    why: 'Appending members at the end of an ENUM or SET is a metadata change (INSTANT; INPLACE on MySQL 5.7) as long as the storage size stays (ENUM up to 255 members, SET up to 8, 16, 24, 32 or 64). Reordering, inserting before the last member, removing one or crossing a size boundary copies the table under LOCK=SHARED, and rows holding a removed member make the ALTER fail (strict mode) or become empty. See https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html (Column Operations).',
    safeAlternative:
      'Only append new members at the end; to retire a member, first update the rows that hold it and stop code writing it, then remove it in a later migration (a table copy: run it online).',
    examples: {
      bad: "-- status was enum('new','paid','shipped')\nALTER TABLE orders MODIFY status enum('new','cancelled','paid','shipped');",
      good: "-- status was enum('new','paid','shipped')\nALTER TABLE orders MODIFY status enum('new','paid','shipped','cancelled');",
    },
  },
  appliesTo: ['alter-table'],
  check(context) {
    const table = existingTable(context);
    if (!table) return [];
    const target = targetOf(context.engineVersion);
    const hits: RuleHit[] = [];
    for (const action of context.statement.actions) {
      if (action.type !== 'modify-column' || !action.definition.members) continue;
      const before = context.session.columns.column(table, action.column);
      const members = action.definition.members;
      const column = quoteName(action.column);
      if (!before?.members) {
        hits.push({
          message: `${table}.${action.column} gets the members (${members.map(sqlString).join(', ')}): INSTANT only if that is the current list with members appended at the end; its current definition is not in the migrations checked.`,
          table,
          fix: {
            summary: 'Compare with the current list first.',
            steps: [
              fixStep(
                'The current definition: the new list must start with exactly these members, in this order.',
                `SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${sqlString(table.split('.').pop() ?? table)} AND COLUMN_NAME = ${sqlString(action.column)};`,
              ),
              fixStep(
                'Rows holding a value the new list lacks (expect none).',
                `SELECT ${column}, COUNT(*) FROM ${quoteName(table)} WHERE ${column} NOT IN (${members.map(sqlString).join(', ')}) GROUP BY ${column};`,
              ),
            ],
          },
        });
        continue;
      }
      const cost = clauseCost(action, context.statement, context.session.settings, context.session.columns);
      if (!cost || target.lines.every((line) => cost.byServer[line].algorithm !== 'COPY')) continue;
      const removed = before.members.filter((member) => !members.includes(member));
      const grows = before.members.every((member, at) => members[at] === member);
      const pin =
        target.lines.length === 1 && target.lines[0] === 'MySQL 5.7'
          ? 'ALGORITHM=INPLACE, LOCK=NONE'
          : 'ALGORITHM=INSTANT';
      const appendedOrder = [...before.members, ...members.filter((member) => !before.members?.includes(member))];
      hits.push({
        message: `${table}.${action.column}: ${cost.caveat ?? 'the members change'} — ${describeCosts(statementCost([cost]), target)}.${cost.dataRisk ? ` ${cost.dataRisk[0]?.toUpperCase()}${cost.dataRisk.slice(1)}.` : ''}`,
        table,
        ...(removed.length > 0 ? { severity: 'error' as const } : {}),
        fix: grows
          ? {
              summary: 'The storage size grows: the copy cannot be avoided; run it online (see mysql-copy-alter).',
              steps: [],
            }
          : removed.length > 0
            ? {
                summary: 'Move the rows off the removed members first; remove them in a later migration.',
                steps: [
                  fixStep(
                    'Rows that hold a removed member (decide their new value).',
                    `SELECT ${column}, COUNT(*) FROM ${quoteName(table)} WHERE ${column} IN (${removed.map(sqlString).join(', ')}) GROUP BY ${column};`,
                  ),
                  fixStep(
                    'Then, with no such rows left and no code writing them, the removal (a table copy: online or in a window).',
                    `${context.statement.sql.replace(/\s*;?\s*$/, '')};`,
                    true,
                  ),
                ],
              }
            : {
                summary: 'Append the new members at the end instead.',
                steps: [
                  fixStep(
                    'Same members, old order kept, new ones last: a metadata change.',
                    `ALTER TABLE ${quoteName(table)} MODIFY ${column} ${before.type.split('(')[0]}(${appendedOrder.map(sqlString).join(',')})${action.definition.notNull ? ' NOT NULL' : ''}, ${pin};`,
                  ),
                ],
              },
      });
    }
    return hits;
  },
};
