/**
 * Text from the caller (applicationChange) and SQL from the planner put into migration files: a line break in a
 * sentence must not end its comment, and a statement whose last line is a `--` comment must not swallow its `;`.
 */

/** Every line of `text` behind `marker` (`-- `, `# `). */
export function commentLines(marker: string, text: string): string[] {
  return text.split(/\r?\n|\r|\u2028|\u2029/).map((line) => `${marker}${line}`.trimEnd());
}

/** The statement with its terminating `;`, on a line of its own when the last line ends in a `--` comment. */
export function terminated(statement: string): string {
  const sql = statement.trim();
  const lastLine = sql.slice(sql.lastIndexOf('\n') + 1);
  return /--/.test(lastLine.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"/g, '')) ? `${sql}\n;` : `${sql};`;
}
