import type { ProjectCodeConsent } from '../src/sources/types.js';
import type { ToolContext } from './define.js';

/**
 * The consent every tool that may load project code uses. `executeProjectCode` given: that answer. Not given:
 * when (and only when) the migrations found are code, the human is asked once for this call through MCP
 * elicitation; a client that cannot ask, a decline or a cancel means no. Without consent, code migrations are
 * listed but not run, and the answer says to pass `executeProjectCode: true`.
 */
export function projectCodeConsent(
  given: boolean | undefined,
  context: ToolContext,
  what = "This project's migrations are code (JavaScript/TypeScript or Python). Turning them into SQL runs that code",
): ProjectCodeConsent {
  if (given !== undefined) return given;
  return () =>
    context.confirm({
      message: `${what} — JavaScript/TypeScript in a sandbox (a separate process that can read the project and nothing else: no network, no file writes, no processes, no credentials), Python with a scrubbed environment only. Run it for this request?`,
      label: 'Run the migration code',
      description: 'Yes: run it for this one request. No: list the migrations without their SQL.',
    });
}
