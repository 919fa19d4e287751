import type { FindingOrigin } from './run.js';
import type { Finding } from './types.js';

/** The source line of a statement compiled from code (knex, TypeORM …), when there is one. */
export function originOf(finding: Finding): FindingOrigin | undefined {
  return (finding as Finding & { origin?: FindingOrigin }).origin;
}

/** Where to point an editor: the `.ts` line for compiled SQL, else the SQL position. */
export function sourceLocation(
  finding: Finding,
  file: string | undefined,
): { file: string; line: number; column: number } {
  const origin = originOf(finding);
  if (origin) return { file: origin.file, line: origin.line, column: origin.column ?? 1 };
  return { file: finding.file ?? file ?? '<input>', ...finding.span.start };
}
