import { namesOf } from '../names.js';
import type { Rule } from '../types.js';
import { fitName, ident, namesText, nodeAs, step } from './ast.js';

export const createEnum: Rule = {
  meta: {
    id: 'create-enum',
    title: 'CREATE TYPE … AS ENUM',
    category: 'safe',
    defaultSeverity: 'info',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'Enum values can be added but never removed, and before PostgreSQL 12 not even added inside a transaction; a value that goes away later needs a new type and a table rewrite.',
    safeAlternative:
      'Use text with a CHECK (col IN (…)) constraint, or a lookup table with a foreign key, when the set of values may change.',
    examples: {
      bad: "CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');",
      good: "CREATE TABLE order_statuses (name text PRIMARY KEY);\nINSERT INTO order_statuses VALUES ('new'), ('paid'), ('shipped');",
    },
    peers: { eugene: 'W13' },
  },
  appliesTo: ['CreateEnumStmt'],
  check(context) {
    const create = nodeAs(context.statement.ast, 'CreateEnumStmt');
    if (!create) return [];
    const type = namesText(create.typeName);
    const names = namesOf(create.typeName);
    const bare = names[names.length - 1] ?? type;
    const values = namesOf(create.vals);
    const table = ident(fitName(`${bare}_values`));
    return [
      {
        message: `Enum ${type}: values can never be removed or reordered cheaply; a lookup table stays flexible.`,
        fix: {
          summary: 'A lookup table referenced by a foreign key.',
          steps: [
            step(
              'Create the lookup table with the same values.',
              `CREATE TABLE ${table} (name text PRIMARY KEY);${values.length > 0 ? `\nINSERT INTO ${table} (name) VALUES ${values.map((value) => `('${value.replaceAll("'", "''")}')`).join(', ')};` : ''}`,
            ),
          ],
        },
      },
    ];
  },
};
