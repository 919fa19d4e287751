import type { Rule } from '../types.js';
import { createTableOf, nodeAs } from './ast.js';

export const duplicateColumn: Rule = {
  meta: {
    id: 'duplicate-column',
    title: 'The same column twice in CREATE TABLE or UPDATE … SET',
    category: 'safe',
    defaultSeverity: 'error',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'PostgreSQL rejects a table with two columns of the same name, and an UPDATE that assigns one column twice ("multiple assignments to same column"), so the migration fails halfway.',
    safeAlternative: 'Keep one definition or assignment per column.',
    examples: { bad: 'CREATE TABLE a (id bigint, id bigint);', good: 'CREATE TABLE a (id bigint);' },
    peers: { squawk: 'ban-duplicate-column-assignments' },
  },
  appliesTo: ['CreateStmt', 'UpdateStmt'],
  check(context) {
    const names: string[] = [];
    const created = createTableOf(context);
    if (created) for (const def of created.columns) if (def.colname) names.push(def.colname);
    const update = nodeAs(context.statement.ast, 'UpdateStmt');
    for (const target of update?.targetList ?? []) {
      const name = nodeAs(target, 'ResTarget')?.name;
      if (name) names.push(name);
    }
    const duplicates = [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
    if (duplicates.length === 0) return [];
    return [
      {
        message: `Column${duplicates.length > 1 ? 's' : ''} ${duplicates.join(', ')} appear${duplicates.length > 1 ? '' : 's'} twice; PostgreSQL rejects the statement.`,
        ...(created ? { table: created.table.display } : {}),
      },
    ];
  },
};
