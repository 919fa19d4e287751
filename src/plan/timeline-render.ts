import type { Blocked, LockTimeline, TimelineEntry, TimelinePhase } from './migration-plan-types.js';

/**
 * Two drawings of the lock timeline: a Mermaid gantt chart for Markdown (GitHub renders it in a PR comment; with
 * `dateFormat x` start and end are milliseconds) and a compact terminal chart, one line per table.
 */

/** Characters Mermaid reads as syntax inside a task name. */
const MERMAID_SYNTAX = /[:;#`"]/g;

export function formatMs(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** The gantt block (without the ``` fence): one section per table, one task per lock a statement takes. */
export function renderGantt(timeline: LockTimeline, phase: TimelinePhase): string {
  const entries = timeline.entries.filter((entry) => entry.phase === phase);
  const end = Math.max(timeline.lockTimeoutMs, ...entries.map((entry) => entry.startMs + entry.durationMs));
  const lines = [
    'gantt',
    `  title ${phase === 'up' ? 'Locks while the migration runs' : 'Locks while the rollback runs'} (lock_timeout ${formatMs(timeline.lockTimeoutMs)})`,
    '  dateFormat x',
    `  axisFormat ${end < 60_000 ? '%S.%L s' : '%M:%S'}`,
  ];
  let id = 0;
  for (const [table, tableEntries] of byTable(entries)) {
    lines.push(`  section ${clean(table)}`);
    for (const entry of tableEntries) {
      id++;
      const tag = entry.exceedsLockTimeout ? 'crit, ' : entry.blocks === 'schema changes' ? 'done, ' : 'active, ';
      const start = Math.round(entry.startMs);
      // A bar needs some width to be seen; the exact duration stays in the task's name.
      const finish = start + Math.max(1, Math.round(entry.durationMs));
      lines.push(
        `    ${clean(`${entry.migration} stmt ${entry.statement} ${entry.mode} blocks ${entry.blocks} ${formatMs(entry.durationMs)}`)} :${tag}lock${id}, ${start}, ${finish}`,
      );
    }
  }
  lines.push('  section lock_timeout');
  lines.push(
    `    ${clean(`lock_timeout ${formatMs(timeline.lockTimeoutMs)}`)} :milestone, timeout, ${timeline.lockTimeoutMs}, ${timeline.lockTimeoutMs}`,
  );
  return lines.join('\n');
}

const SHADE: Record<Blocked, string> = { 'reads and writes': '█', writes: '▓', 'schema changes': '░' };
const RANK: Record<Blocked, number> = { 'reads and writes': 3, writes: 2, 'schema changes': 1 };

/** One line per table: bars scaled to `width` columns over the phase, the longest hold and its mode, and a legend. */
export function renderTerminalTimeline(timeline: LockTimeline, phase: TimelinePhase = 'up', width = 40): string {
  const entries = timeline.entries.filter((entry) => entry.phase === phase);
  if (entries.length === 0) return `Lock timeline (${phase}): no lock on an existing table observed.`;
  const span = Math.max(1, ...entries.map((entry) => entry.startMs + entry.durationMs));
  const tables = byTable(entries);
  const nameWidth = Math.min(24, Math.max(...[...tables.keys()].map((table) => table.length)));
  const lines = [`Lock timeline (${phase}), 0 → ${formatMs(span)}; lock_timeout ${formatMs(timeline.lockTimeoutMs)}`];
  for (const [table, tableEntries] of tables) {
    const cells: (Blocked | undefined)[] = Array.from({ length: width });
    for (const entry of tableEntries) {
      const from = Math.min(width - 1, Math.floor((entry.startMs / span) * width));
      const to = Math.max(from + 1, Math.ceil(((entry.startMs + entry.durationMs) / span) * width));
      for (let cell = from; cell < Math.min(to, width); cell++) {
        const current = cells[cell];
        if (!current || RANK[entry.blocks] > RANK[current]) cells[cell] = entry.blocks;
      }
    }
    // The line names the hold that hurts most: one over lock_timeout, the strongest block, the longest of those.
    const weight = (entry: TimelineEntry) => [entry.exceedsLockTimeout ? 1 : 0, RANK[entry.blocks], entry.durationMs];
    const longest = tableEntries.reduce((best, entry) => {
      const [a, b] = [weight(entry), weight(best)];
      const index = a.findIndex((value, position) => value !== b[position]);
      return index >= 0 && (a[index] ?? 0) > (b[index] ?? 0) ? entry : best;
    });
    const bar = cells.map((cell) => (cell ? SHADE[cell] : ' ')).join('');
    const warn = tableEntries.some((entry) => entry.exceedsLockTimeout) ? ' ⚠ over lock_timeout' : '';
    lines.push(
      `${table.slice(0, nameWidth).padEnd(nameWidth)} │${bar}│ ${formatMs(longest.durationMs)} ${longest.mode} (#${longest.statement}${longest.source === 'estimated' ? ', estimated' : ''})${warn}`,
    );
  }
  lines.push(`${' '.repeat(nameWidth)}  █ reads+writes blocked  ▓ writes blocked  ░ only schema changes blocked`);
  return lines.join('\n');
}

function byTable(entries: TimelineEntry[]): Map<string, TimelineEntry[]> {
  const tables = new Map<string, TimelineEntry[]>();
  for (const entry of entries) tables.set(entry.table, [...(tables.get(entry.table) ?? []), entry]);
  return tables;
}

function clean(text: string): string {
  return text.replace(MERMAID_SYNTAX, ' ').replace(/\s+/g, ' ').trim();
}
