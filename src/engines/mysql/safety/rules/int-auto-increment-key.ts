import type { DdlRule } from '../../../../safety/ddl-check.js';
import type { ColumnDefinition } from '../../../../safety/ddl-model.js';
import type { RuleHit } from '../../../../safety/types.js';
import { fixStep, quoteName } from './shared.js';

/** The largest value of each integer type that can run out, signed and unsigned. */
const LIMITS: Record<string, [signed: string, unsigned: string]> = {
  tinyint: ['127', '255'],
  smallint: ['32,767', '65,535'],
  mediumint: ['8,388,607', '16,777,215'],
  int: ['2,147,483,647', '4,294,967,295'],
  integer: ['2,147,483,647', '4,294,967,295'],
};

function limitOf(definition: ColumnDefinition): string | undefined {
  if (!definition.autoIncrement) return undefined;
  const base = /^(\w+)/.exec(definition.type)?.[1] ?? '';
  const limits = LIMITS[base];
  if (!limits) return undefined;
  return definition.type.includes('unsigned') ? limits[1] : limits[0];
}

export const mysqlIntAutoIncrementKey: DdlRule = {
  meta: {
    id: 'mysql-int-auto-increment-key',
    title: 'AUTO_INCREMENT key narrower than BIGINT',
    category: 'safe',
    defaultSeverity: 'warning',
    engines: ['mysql', 'mariadb'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'An INT AUTO_INCREMENT key stops at 2,147,483,647 (4,294,967,295 unsigned): then every INSERT fails with a duplicate-key error, and widening the column later is a COPY ALTER of what is by then a very large table.',
    safeAlternative: 'Use BIGINT UNSIGNED for AUTO_INCREMENT keys from the start.',
    examples: {
      bad: 'CREATE TABLE events (id int NOT NULL AUTO_INCREMENT PRIMARY KEY);',
      good: 'CREATE TABLE events (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY);',
    },
  },
  appliesTo: ['create-table', 'alter-table'],
  check({ statement }) {
    const table = statement.table ?? '';
    const columns = [
      ...(statement.columns ?? []),
      ...statement.actions.flatMap((action) =>
        action.type === 'add-column' || action.type === 'modify-column'
          ? [
              {
                name: action.type === 'modify-column' ? (action.newName ?? action.column) : action.column,
                definition: action.definition,
              },
            ]
          : [],
      ),
    ];
    const hits: RuleHit[] = [];
    for (const column of columns) {
      const limit = limitOf(column.definition);
      if (!limit) continue;
      hits.push({
        message: `${table}.${column.name} is ${column.definition.type} AUTO_INCREMENT: inserts fail once it reaches ${limit}.`,
        table,
        fix: {
          summary: 'Make it BIGINT UNSIGNED.',
          steps: [
            fixStep(
              'In the same statement, before the table has rows.',
              `${quoteName(column.name)} bigint unsigned NOT NULL AUTO_INCREMENT`,
            ),
          ],
        },
      });
    }
    return hits;
  },
};
