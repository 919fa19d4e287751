import type { EnvironmentStatus, StatusResult } from './status.js';

/** A few lines per environment: counts, then only what needs attention. */
export function renderStatus(result: StatusResult): string {
  const lines = [`${result.migrations} ${result.tool} migration(s) in ${result.directory}`];
  for (const environment of result.environments) lines.push(...renderEnvironment(environment));
  return lines.join('\n');
}

function renderEnvironment(status: EnvironmentStatus): string[] {
  const head = `${status.environment} (${status.url})`;
  if (status.error) return [`${head}: ${status.error.what}`, `  fix: ${status.error.fix}`];
  const { counts } = status;
  const lines = [`${head}: ${counts.applied} applied, ${counts.pending} pending, ${counts.unknown} unknown`];
  const list = (label: string, count: number, items: string[]) => {
    if (count === 0) return;
    const more = count > items.length ? ` … ${count - items.length} more` : '';
    lines.push(`  ${label}: ${items.join(', ')}${more}`);
  };
  list('pending', counts.pending, status.pending);
  list('unknown (not in the project)', counts.unknown, status.unknown);
  list('failed or dirty', counts.failed, status.failed);
  list('edited after being applied', counts.checksumMismatches, status.checksumMismatches);
  list('out of order', counts.outOfOrder, status.outOfOrder);
  if (status.drift && status.drift.operations > 0) {
    const shown = status.drift.first.map((operation) => `${operation.kind} ${operation.object}`);
    list(`drift (${status.drift.operations} change(s) made outside the migrations)`, status.drift.operations, shown);
  } else if (status.drift) lines.push('  no drift');
  for (const note of status.notes) lines.push(`  note: ${note}`);
  return lines;
}

/** True when an environment needs attention before the next migration runs there. */
export function needsAttention(status: EnvironmentStatus): boolean {
  const { counts } = status;
  return Boolean(
    status.error ||
      counts.unknown ||
      counts.failed ||
      counts.checksumMismatches ||
      counts.outOfOrder ||
      (status.drift && status.drift.operations > 0),
  );
}
