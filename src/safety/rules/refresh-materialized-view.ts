import type { Rule } from '../types.js';
import { isExistingTable, nodeAs, relationOf, severityForSize, sizeNote, step } from './ast.js';

export const refreshMaterializedView: Rule = {
  meta: {
    id: 'refresh-materialized-view',
    title: 'REFRESH MATERIALIZED VIEW without CONCURRENTLY',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'materialized view', blocks: 'reads and writes' }],
    rewritesTable: true,
    scansTable: true,
    breaksOldCode: false,
    why: "A plain REFRESH runs the view's whole query and swaps in the new rows while holding ACCESS EXCLUSIVE on the materialized view: every read of it waits until the query has finished.",
    safeAlternative:
      'REFRESH MATERIALIZED VIEW CONCURRENTLY takes EXCLUSIVE, so reads go on during the refresh; it needs a populated view with a unique index (no WHERE) on columns that identify each row.',
    examples: {
      bad: 'REFRESH MATERIALIZED VIEW order_totals;',
      good: 'REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;',
    },
  },
  appliesTo: ['RefreshMatViewStmt'],
  check(context) {
    const refresh = nodeAs(context.statement.ast, 'RefreshMatViewStmt');
    const view = relationOf(refresh?.relation);
    // WITH NO DATA empties the view without running its query; CONCURRENTLY lets reads go on.
    if (!refresh || !view || refresh.concurrent || refresh.skipData || !isExistingTable(context, view.key)) return [];
    const unique = context.catalog.indexes(view.key).find((index) => index.unique && index.partial !== true);
    return [
      {
        message: `REFRESH MATERIALIZED VIEW ${view.display}${sizeNote(context, view.key)} blocks every read of it until the view's query has run.`,
        table: view.display,
        severity: severityForSize(context, view.key),
        fix: {
          summary: unique
            ? `Refresh concurrently: ${unique.name.slice(unique.name.indexOf('.') + 1)} is the unique index it needs.`
            : 'Refresh concurrently, after creating a unique index (no WHERE) on columns that identify each row of the view.',
          steps: [
            step(
              'Refresh without blocking reads of the view.',
              `REFRESH MATERIALIZED VIEW CONCURRENTLY ${view.display};`,
            ),
          ],
        },
      },
    ];
  },
};
