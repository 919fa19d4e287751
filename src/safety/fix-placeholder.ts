/**
 * A value only the migration's author knows (what existing rows of a new NOT NULL column should hold) is written
 * in a fix as a named placeholder, `:new_value_for_locale`, never as a guess: `SET locale = DEFAULT` would write
 * NULL. The placeholder is not valid SQL, and the tool refuses to run a statement that still holds one.
 */

const PREFIX = 'new_value_for_';
const PLACEHOLDER = /(?<![:\w]):new_value_for_[A-Za-z0-9_$]*/;

/** The placeholder for the value of `column`: `:new_value_for_<column>` (non-identifier characters as `_`). */
export function valuePlaceholder(column: string): string {
  return `:${PREFIX}${column.replace(/[^A-Za-z0-9_$]/g, '_')}`;
}

/** The first fix placeholder in the SQL and its character offset, when it holds one. */
export function findValuePlaceholder(sql: string): { placeholder: string; offset: number } | undefined {
  if (!sql.includes(`:${PREFIX}`)) return undefined;
  const match = PLACEHOLDER.exec(sql);
  return match ? { placeholder: match[0], offset: match.index } : undefined;
}

/** Why a statement holding `placeholder` is not run, and what to do instead. */
export function placeholderRefusal(placeholder: string): string {
  return `${placeholder} is a placeholder from a validate_safety fix, not a value: the statement was not run. Replace it with the value existing rows should get (a constant or an expression of other columns), then run it again.`;
}
