import type { Rule } from '../types.js';
import { baseType, definedColumns, step, typeMods, withColumnTypes } from './ast.js';

export const banCharType: Rule = {
  meta: {
    id: 'ban-char-type',
    title: 'char(n) column',
    category: 'safe',
    defaultSeverity: 'info',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'char(n) pads values with spaces, compares ignoring trailing spaces and is no faster than text; its semantics surprise application code and ORMs.',
    safeAlternative: 'Use text (with a length CHECK if needed).',
    examples: {
      bad: 'CREATE TABLE countries (code char(2) PRIMARY KEY);',
      good: 'CREATE TABLE countries (code text PRIMARY KEY CHECK (char_length(code) = 2));',
    },
    peers: { squawk: 'ban-char-field' },
  },
  appliesTo: ['CreateStmt', 'AlterTableStmt'],
  check(context) {
    const fixed = definedColumns(context).filter(({ def }) => baseType(def.typeName) === 'bpchar');
    if (fixed.length === 0) return [];
    const names = new Set(fixed.map(({ def }) => def.colname));
    return [
      {
        message: `${fixed.map(({ table, def }) => `${table.display}.${def.colname} char(${typeMods(def.typeName)[0] ?? 1})`).join(', ')}: char pads with spaces; use text.`,
        table: fixed[0]?.table.display,
        fix: {
          summary: 'Use text.',
          steps: [
            step(
              'The same statement with text.',
              withColumnTypes(context, (column, def) =>
                names.has(column) && baseType(def.typeName) === 'bpchar' ? 'text' : undefined,
              ),
            ),
          ],
        },
      },
    ];
  },
};
