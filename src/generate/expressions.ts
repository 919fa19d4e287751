/** SQL expressions of the schema model (CHECKs, partial-index predicates, index definitions) following a rename. */

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `expression` with every reference to column `from` (bare, double-quoted or backquoted) naming `to` instead. */
export function renameInExpression(expression: string, from: string, to: string): string {
  const pattern = new RegExp(`(^|[^\\w$.'"\`])(["\`]?)${escapeRegExp(from)}\\2(?![\\w$])`, 'g');
  return expression.replace(pattern, (_match, before: string, quote: string) => `${before}${quote}${to}${quote}`);
}
