import type { Rule } from '../types.js';
import { baseType, definedColumns, step, typeMods, withColumnTypes } from './ast.js';

export const preferTimestamptz: Rule = {
  meta: {
    id: 'prefer-timestamptz',
    title: 'timestamp without time zone',
    category: 'safe',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'timestamp without time zone stores wall-clock time with no offset, so values written by servers or sessions in different time zones cannot be compared and daylight-saving changes corrupt ordering.',
    safeAlternative: 'Use timestamptz (timestamp with time zone): it stores an absolute instant.',
    examples: {
      bad: 'ALTER TABLE orders ADD COLUMN shipped_at timestamp;',
      good: 'ALTER TABLE orders ADD COLUMN shipped_at timestamptz;',
    },
    peers: { squawk: 'prefer-timestamptz' },
  },
  appliesTo: ['CreateStmt', 'AlterTableStmt'],
  check(context) {
    const naive = definedColumns(context).filter(({ def }) => baseType(def.typeName) === 'timestamp');
    if (naive.length === 0) return [];
    const names = new Set(naive.map(({ def }) => def.colname));
    return [
      {
        message: `${naive.map(({ table, def }) => `${table.display}.${def.colname}`).join(', ')}: timestamp without time zone; use timestamptz.`,
        table: naive[0]?.table.display,
        fix: {
          summary: 'Declare the column(s) as timestamptz.',
          steps: [
            step(
              'The same statement with timestamptz.',
              withColumnTypes(context, (column, def) => {
                if (!names.has(column) || baseType(def.typeName) !== 'timestamp') return undefined;
                const precision = typeMods(def.typeName)[0];
                return precision === undefined ? 'timestamptz' : `timestamptz(${precision})`;
              }),
            ),
          ],
        },
      },
    ];
  },
};
