import type { CoveredStatement } from '../types.js';

/** How many line groups and tables a merged finding names before it counts the rest. */
const LISTED = 12;

/**
 * The lines of the covered statements, runs of consecutive statements written as one range:
 * "lines 3, 5–14 and 20" (5–14: every statement from line 5 to the one at line 14).
 */
export function coveredLines(entries: readonly CoveredStatement[]): string {
  const covered = distinctStatements(entries);
  const runs: string[] = [];
  let start = covered[0];
  let previous = start;
  const close = () => {
    if (!start || !previous) return;
    // Statements one source line made (a Rails change_table block, a knex call) are that line.
    const run = start.line === previous.line ? String(start.line) : `${start.line}–${previous.line}`;
    if (runs.at(-1) !== run) runs.push(run);
  };
  for (const statement of covered.slice(1)) {
    if (previous && statement.index === previous.index + 1) {
      previous = statement;
      continue;
    }
    close();
    start = statement;
    previous = statement;
  }
  close();
  const shown = runs.slice(0, LISTED);
  const rest = runs.length - shown.length;
  const label = runs.length === 1 && !runs[0]?.includes('–') ? 'line' : 'lines';
  if (rest > 0) return `${label} ${shown.join(', ')} and ${rest} more`;
  return shown.length > 1 ? `${label} ${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}` : `${label} ${shown[0]}`;
}

/** The distinct tables the covered statements lock, the first few by name: "users, orders and 3 more". */
export function coveredTables(covered: readonly CoveredStatement[], conjunction = 'and'): string {
  const tables = [...new Set(covered.flatMap((statement) => (statement.table ? [statement.table] : [])))];
  const shown = tables.slice(0, LISTED);
  const rest = tables.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} ${conjunction} ${shown.at(-1)}` : (shown[0] ?? '');
}

/** "this statement (line 3)" or "these 12 statements (lines 3, 5–14)". */
export function coveredStatements(entries: readonly CoveredStatement[]): string {
  const covered = distinctStatements(entries);
  return covered.length === 1
    ? `this statement (${coveredLines(covered)})`
    : `these ${covered.length} statements (${coveredLines(covered)})`;
}

/** One entry per statement: a statement that locks several tables is covered once for each. */
export function distinctStatements(covered: readonly CoveredStatement[]): CoveredStatement[] {
  return covered.filter((statement, at) => covered[at - 1]?.index !== statement.index);
}
