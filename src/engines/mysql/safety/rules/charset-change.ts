import type { DdlRule } from '../../../../safety/ddl-check.js';
import type { RuleHit } from '../../../../safety/types.js';
import { describeCosts, statementClauses, statementCost } from '../algorithms.js';
import { targetOf } from '../server-version.js';
import { existingTable, fixStep, quoteName } from './shared.js';

const TABLE_DEFAULT = /^(?:DEFAULT\s+)?(?:CHARACTER\s+SET|CHARSET|COLLATE)\b/i;

export const mysqlCharsetChange: DdlRule = {
  meta: {
    id: 'mysql-charset-change',
    title: 'Character set or collation change of a table',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['mysql', 'mariadb'],
    locks: [],
    rewritesTable: true,
    scansTable: true,
    breaksOldCode: false,
    why: 'CONVERT TO CHARACTER SET rewrites every text column of every row (ALGORITHM=COPY on MySQL and MariaDB), changes how values compare and sort (uniqueness included), and can push index keys past the row format’s limit (a utf8mb4 VARCHAR(255) key is 1,020 bytes, over the 767 of COMPACT). Changing only the table’s DEFAULT CHARACTER SET converts nothing: existing columns keep theirs, only columns added later use it — metadata on MariaDB (INSTANT), an in-place rebuild on MySQL when the encoding differs. See https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html (Table Operations).',
    safeAlternative:
      'Convert large tables with an online schema change tool; check unique keys for values that become equal under the new collation first; to change only what new columns get, say so with DEFAULT CHARACTER SET and convert columns explicitly.',
    examples: {
      bad: 'ALTER TABLE users CONVERT TO CHARACTER SET utf8mb4;',
      good: '-- gh-ost --table=users --alter="CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci" --execute',
    },
  },
  appliesTo: ['alter-table'],
  check(context) {
    const table = existingTable(context);
    if (!table) return [];
    const target = targetOf(context.engineVersion);
    const hits: RuleHit[] = [];
    for (const action of context.statement.actions) {
      if (action.type === 'convert-charset') {
        const cost = describeCosts(statementCost(statementClauses(context.statement, context.session)), target);
        hits.push({
          message: `${action.text} rewrites every text column of ${table} (${cost}); comparisons, sorting and unique keys follow the new collation, and index keys may grow past the row format's limit.`,
          table,
          fix: {
            summary: 'Check what the new collation makes equal, then convert online.',
            steps: [
              fixStep(
                'Text columns and their current character sets.',
                `SELECT COLUMN_NAME, CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table.split('.').pop()}' AND CHARACTER_SET_NAME IS NOT NULL;`,
              ),
            ],
          },
        });
      } else if (action.type === 'table-option' && TABLE_DEFAULT.test(action.text)) {
        hits.push({
          message: `${action.text} changes only the default for columns added later: the existing columns of ${table} keep their character set.`,
          table,
          severity: 'info',
          fix: {
            summary: 'Convert the columns explicitly if that was the intent.',
            steps: [
              fixStep(
                'Every text column, converted (a table copy: run it online on a large table).',
                `ALTER TABLE ${quoteName(table)} CONVERT TO ${action.text.replace(/^DEFAULT\s+/i, '')};`,
                true,
              ),
            ],
          },
        });
      }
    }
    return hits;
  },
};
