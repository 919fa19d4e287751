import { hasBody, sqlHeader } from './sql-write-common.js';

/**
 * The body of a section in the comment-marked formats (goose, sql-migrate): statements with a body of their own
 * go between the tool's StatementBegin/End markers so its `;` splitter keeps them whole.
 */
export function markedSection(statements: string[], begin: string, end: string): string {
  return statements
    .map((statement) => (hasBody(statement) ? `${begin}\n${statement.trim()};\n${end}` : `${statement.trim()};`))
    .join('\n');
}

/** Up marker line, header comments, up statements, a blank line, down marker line, down statements. */
export function annotatedFile(
  draft: Parameters<typeof sqlHeader>[0],
  markers: { up: string; down: string },
  section: (statements: string[]) => string,
  before = '',
): string {
  return `${before}${markers.up}\n${sqlHeader(draft)}${section(draft.up)}\n\n${markers.down}\n${section(draft.down)}\n`;
}
