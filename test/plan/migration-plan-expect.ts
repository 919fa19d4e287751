import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'vitest';
import { textOf } from '../helpers/mcp.js';

/**
 * Shared checks of a migration plan's Markdown: every section of the seed's plan template present and filled with
 * this migration's facts, and the Mermaid gantt well-formed (parsed by structure, line by line).
 */

export const TEMPLATE_SECTIONS = [
  /^## Migration Plan: \S.+$/m,
  /^### Summary$/m,
  /^### Risk Level: (LOW|MEDIUM|HIGH)$/m,
  /^### Changes$/m,
  /^### Migration Files?$/m,
  /^### Rollback$/m,
  /^### Safety Checklist$/m,
  /^### Deployment Steps$/m,
  /^### Estimated Impact$/m,
];

/** The seed template's placeholder texts: none may survive into a real plan. */
const PLACEHOLDERS = [
  '[descriptive name]',
  '[One sentence',
  '[Show the',
  '[list]',
  '[If multi-phase]',
  '[name]',
  'TODO',
];

/** The body of the `###` section whose heading starts with `heading`, up to the next `###` heading. */
export function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n### ${heading}`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const bodyStart = markdown.indexOf('\n', start + 1);
  const next = markdown.indexOf('\n### ', bodyStart);
  return markdown.slice(bodyStart, next < 0 ? undefined : next).trim();
}

export function expectTemplateFilled(markdown: string, facts: { tables: string[]; files: string[] }): void {
  for (const pattern of TEMPLATE_SECTIONS) expect(markdown, String(pattern)).toMatch(pattern);
  for (const placeholder of PLACEHOLDERS) expect(markdown).not.toContain(placeholder);
  expect(section(markdown, 'Summary').length).toBeGreaterThan(20);
  const changes = section(markdown, 'Changes')
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| Action'));
  expect(changes.length).toBeGreaterThan(0);
  for (const table of facts.tables) expect(changes.join('\n')).toContain(`| ${table} |`);
  const files = section(markdown, 'Migration File');
  for (const file of facts.files) expect(files).toContain(file);
  expect(files).toMatch(/```sql\n\S/);
  const rollback = section(markdown, 'Rollback');
  expect(rollback).toMatch(/```(sql|bash)\n\S/);
  expect(rollback).toMatch(/Point of no return/);
  // The seed's rollback template inside it: automatic rollback, manual steps with the integrity checks.
  expect(rollback).toMatch(/^Automatic rollback \(.+\):$/m);
  expect(rollback).toMatch(/^Manual rollback, when the automatic one fails:\n\n1\. \S/m);
  expect(rollback).toMatch(/^Verify afterwards:\n\n```sql\n-- \S/m);
  const checklist = section(markdown, 'Safety Checklist').split('\n');
  expect(checklist).toHaveLength(6);
  for (const item of checklist) expect(item).toMatch(/^- \[( |x)\] .+ — \S.{5,}/);
  const steps = section(markdown, 'Deployment Steps');
  expect(steps).toMatch(/^1\. \*\*staging\*\*/m);
  expect(steps).toMatch(/\*\*production\*\* — Back up the affected tables/);
  expect(steps).toMatch(/\*\*production\*\* — Monitor/);
  expect(steps).toMatch(/\*\*follow-up\*\*/);
  expect(steps.indexOf('**staging**')).toBeLessThan(steps.indexOf('**production**'));
  const impact = section(markdown, 'Estimated Impact');
  expect(impact).toMatch(/^- \*\*Downtime\*\*: \S/m);
  expect(impact).toMatch(/^- \*\*Lock duration\*\*: \S/m);
  const affected = /^- \*\*Affected tables\*\*: (.+)$/m.exec(impact)?.[1] ?? '';
  for (const table of facts.tables) expect(affected).toContain(table);
}

export interface GanttTask {
  section: string;
  name: string;
  tags: string[];
  id: string;
  start: number;
  end: number;
}

/** Parses a gantt block by structure; fails the test on any line that is not gantt syntax. */
export function parseGantt(block: string): { title: string; tasks: GanttTask[] } {
  const lines = block.split('\n');
  expect(lines[0]).toBe('gantt');
  let title = '';
  let current = '';
  const tasks: GanttTask[] = [];
  const ids = new Set<string>();
  for (const raw of lines.slice(1)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('title ')) title = line.slice(6);
    else if (line === 'dateFormat x') continue;
    else if (/^axisFormat \S/.test(line)) continue;
    else if (line.startsWith('section ')) current = line.slice(8);
    else {
      const match = /^([^:;#]+?) :((?:(?:crit|active|done|milestone), )*)([A-Za-z][\w-]*), (\d+), (\d+)$/.exec(line);
      expect(match, `not a gantt task line: ${line}`).not.toBeNull();
      if (!match) continue;
      const [, name = '', tagText = '', id = '', start = '0', end = '0'] = match;
      expect(ids.has(id), `duplicate task id ${id}`).toBe(false);
      ids.add(id);
      expect(current, 'task outside a section').not.toBe('');
      const task = { section: current, name, tags: tagText.split(', ').filter(Boolean), id, start: +start, end: +end };
      expect(task.end).toBeGreaterThanOrEqual(task.start);
      tasks.push(task);
    }
  }
  expect(lines).toContain('  dateFormat x');
  return { title, tasks };
}

/** The ```mermaid blocks of a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((match) => match[1] ?? '');
}

export interface TimelineEntryLike {
  phase: string;
  migration: string;
  statement: number;
  table: string;
  startMs: number;
  durationMs: number;
  source: string;
  rehearsedMs?: number;
}

/** The up gantt has one task per lock of each statement, at the timeline's start and duration (ms, ±1). */
export function expectGanttMatchesTimeline(markdown: string, entries: TimelineEntryLike[]): GanttTask[] {
  const up = mermaidBlocks(markdown)
    .map(parseGantt)
    .find((gantt) => gantt.title.startsWith('Locks while the migration runs'));
  expect(up).toBeDefined();
  const tasks = (up?.tasks ?? []).filter((task) => task.section !== 'lock_timeout');
  // The chart has one section per table (tables in order of their first lock), each table's locks in order.
  const inOrder = entries.filter((entry) => entry.phase === 'up');
  const tables = [...new Set(inOrder.map((entry) => entry.table))];
  const upEntries = tables.flatMap((table) => inOrder.filter((entry) => entry.table === table));
  expect(tasks).toHaveLength(upEntries.length);
  for (const [index, entry] of upEntries.entries()) {
    const task = tasks[index];
    expect(task?.section).toBe(entry.table);
    expect(task?.name).toContain(`${entry.migration} stmt ${entry.statement} `);
    expect(Math.abs((task?.start ?? -1) - entry.startMs)).toBeLessThanOrEqual(1);
    expect(Math.abs((task?.end ?? -1) - (task?.start ?? 0) - Math.max(1, entry.durationMs))).toBeLessThanOrEqual(1);
  }
  expect(up?.tasks.some((task) => task.section === 'lock_timeout' && task.tags.includes('milestone'))).toBe(true);
  return tasks;
}

/** A plan rehearses on a loaded 2-core machine: give it longer than the SDK's default one-minute request timeout. */
export async function callPlan(client: Client, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name: 'migration_plan', arguments: args }, undefined, {
    timeout: 240_000,
  })) as CallToolResult;
}

/** migration_plan through MCP: its structured result, its text, and the Markdown resource it points to. */
export async function planOverMcp<Plan extends { markdown: { uri: string; chars: number } }>(
  client: Client,
  args: Record<string, unknown>,
): Promise<{ plan: Plan; text: string; markdown: string }> {
  const result = await callPlan(client, args);
  expect(result.isError, textOf(result)).toBeFalsy();
  const structured = result.structuredContent as unknown as Plan;
  const read = await client.readResource({ uri: structured.markdown.uri });
  const content = read.contents[0];
  const markdown = content && 'text' in content ? String(content.text) : '';
  expect(markdown.length).toBe(structured.markdown.chars);
  return { plan: structured, text: textOf(result), markdown };
}
