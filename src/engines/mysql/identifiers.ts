/** MySQL/MariaDB identifiers as SQL text: `name` → `` `name` ``, with embedded backticks doubled. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}
