import type { Rule, RuleHit } from '../types.js';
import { definedColumns, step, typeText, withColumnTypes } from './ast.js';

export const preferJsonb: Rule = {
  meta: {
    id: 'prefer-jsonb',
    title: 'json column instead of jsonb',
    category: 'safe',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'json stores the raw text: it has no equality operator (so DISTINCT, GROUP BY and UNION on it fail), cannot be indexed with GIN, and is re-parsed on every access; jsonb has none of these problems.',
    safeAlternative: 'Use jsonb.',
    examples: {
      bad: 'ALTER TABLE events ADD COLUMN payload json;',
      good: 'ALTER TABLE events ADD COLUMN payload jsonb;',
    },
    peers: { strong_migrations: 'add_column_json', eugene: 'E3' },
  },
  appliesTo: ['CreateStmt', 'AlterTableStmt'],
  check(context) {
    const json = definedColumns(context).filter(({ def }) => typeText(def.typeName).replace(/\[\]$/, '') === 'json');
    if (json.length === 0) return [];
    const names = new Set(json.map(({ def }) => def.colname));
    const table = json[0]?.table;
    const hits: RuleHit[] = [
      {
        message: `${json.map(({ table: t, def }) => `${t.display}.${def.colname}`).join(', ')} ${json.length > 1 ? 'use' : 'uses'} json: no equality operator, no GIN index; use jsonb.`,
        table: table?.display,
        fix: {
          summary: 'Declare the column(s) as jsonb.',
          steps: [
            step(
              'The same statement with jsonb.',
              withColumnTypes(context, (column, def) =>
                names.has(column) && typeText(def.typeName).replace(/\[\]$/, '') === 'json'
                  ? typeText(def.typeName).endsWith('[]')
                    ? 'jsonb[]'
                    : 'jsonb'
                  : undefined,
              ),
            ),
          ],
        },
      },
    ];
    return hits;
  },
};
