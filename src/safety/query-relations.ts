import type { RangeVar } from 'libpg-query';
import { relationKey } from './names.js';

/**
 * The relations a query reads (every FROM/JOIN/subquery relation, as `schema.table` keys), minus the names of its
 * WITH queries. PostgreSQL takes ACCESS SHARE on each when a view is created over the query or a materialized
 * view is refreshed.
 */
export function queryRelations(query: unknown): string[] {
  // The lock map and the session state both ask for a view's query: walk each tree once.
  if (!query || typeof query !== 'object') return [];
  const known = walked.get(query);
  if (known) return [...known];
  const found = readRelations(query);
  walked.set(query, found);
  return [...found];
}

const walked = new WeakMap<object, string[]>();

function readRelations(query: unknown): string[] {
  const ctes = new Set<string>();
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const record = node as Record<string, unknown>;
    // Column references and constants hold no relation: most of an expression tree.
    if (record.ColumnRef !== undefined || record.A_Const !== undefined) return;
    const cte = record.CommonTableExpr as { ctename?: string } | undefined;
    if (cte?.ctename) ctes.add(cte.ctename);
    const range = record.RangeVar as RangeVar | undefined;
    if (range) {
      const key = relationKey(range);
      if (key && !(range.schemaname === undefined && ctes.has(range.relname ?? ''))) found.add(key);
      return;
    }
    for (const value of Object.values(record)) visit(value);
  };
  visit(query);
  return [...found];
}
