import type { Rule } from '../types.js';
import { baseType, definedColumns, fitName, ident, step, typeMods, unqualified, withColumnTypes } from './ast.js';

export const preferTextOverVarchar: Rule = {
  meta: {
    id: 'prefer-text-over-varchar',
    title: 'varchar(n) column',
    category: 'safe',
    defaultSeverity: 'info',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'varchar(n) is stored exactly like text; the limit only adds a check, and lowering it later scans the table under ACCESS EXCLUSIVE. A CHECK on length can be changed with NOT VALID + VALIDATE instead.',
    safeAlternative: 'Use text, with CHECK (char_length(col) <= n) when a limit is a real rule.',
    examples: {
      bad: 'CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255));',
      good: 'CREATE TABLE users (id bigint PRIMARY KEY, email text CHECK (char_length(email) <= 255));',
    },
    peers: { squawk: 'prefer-text-field' },
  },
  appliesTo: ['CreateStmt', 'AlterTableStmt'],
  check(context) {
    const limited = definedColumns(context).filter(
      ({ def }) => baseType(def.typeName) === 'varchar' && typeMods(def.typeName).length > 0,
    );
    if (limited.length === 0) return [];
    const limits = new Map(limited.map(({ def }) => [def.colname ?? '', typeMods(def.typeName)[0] ?? 0]));
    const first = limited[0];
    const bare = first ? unqualified(first.table.key) : '';
    const rewritten = withColumnTypes(context, (column, def) => {
      const limit = limits.get(column);
      if (limit === undefined || baseType(def.typeName) !== 'varchar') return undefined;
      return `text CONSTRAINT ${ident(fitName(`${bare}_${column}_length`))} CHECK (char_length(${ident(column)}) <= ${limit})`;
    });
    const created = /^\s*CREATE/i.test(context.statement.sql);
    const checks = limited.map(({ table, def }) => {
      const column = def.colname ?? '';
      const name = ident(fitName(`${bare}_${column}_length`));
      return step(
        `Add the length rule for ${column} without a scan, then validate it.`,
        `ALTER TABLE ${table.display} ADD CONSTRAINT ${name} CHECK (char_length(${ident(column)}) <= ${limits.get(column)}) NOT VALID;\nALTER TABLE ${table.display} VALIDATE CONSTRAINT ${name};`,
      );
    });
    return [
      {
        message: `${limited.map(({ table, def }) => `${table.display}.${def.colname} varchar(${typeMods(def.typeName)[0]})`).join(', ')}: text with a length CHECK is as fast and easier to change later.`,
        table: first?.table.display,
        fix: {
          summary: 'Use text plus a CHECK on its length.',
          steps: created
            ? [step('The same statement with text and a length CHECK.', rewritten)]
            : [
                step(
                  'The same statement with text (varchar → text is binary-compatible: no rewrite).',
                  withColumnTypes(context, (column) => (limits.has(column) ? 'text' : undefined)),
                ),
                ...checks,
              ],
        },
      },
    ];
  },
};
