import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectGanttMatchesTimeline, expectTemplateFilled } from './migration-plan-expect.js';

/**
 * `db-migration-agent plan` as a user runs it (the built CLI, spawned): the terminal timeline in text, the full
 * Markdown plan, and JSON whose timeline is the one the Markdown's gantt chart draws.
 */

const REPO = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(REPO, 'dist', 'bundle', 'bin.js');
const SQL_PG = path.join(REPO, 'test/fixtures/plan-sql-pg');

function cli(args: string[], input?: string) {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build`);
  const child = spawnSync(process.execPath, [BIN, ...args], {
    cwd: SQL_PG,
    encoding: 'utf8',
    timeout: 240_000,
    ...(input !== undefined ? { input } : {}),
    env: { ...process.env, SHADOW_DATABASE_URL: '' },
  });
  return { code: child.status, out: child.stdout, err: child.stderr };
}

describe('db-migration-agent plan', () => {
  it('prints the plan with a terminal lock timeline, one line per table, bars scaled to --width', () => {
    const { code, out, err } = cli(['plan', '0003', '--width', '30']);
    expect(code, err).toBe(0);
    expect(out).toMatch(/^Migration plan: order status — risk (LOW|MEDIUM)$/m);
    const bars = out.split('\n').filter((line) => /^(orders|users) +│/.test(line));
    expect(bars.map((line) => line.split(' ')[0])).toEqual(['orders', 'users']);
    for (const line of bars) expect(/│([█▓░ ]*)│/.exec(line)?.[1]).toHaveLength(30);
    expect(out).toContain('█ reads+writes blocked  ▓ writes blocked');
    expect(out).toMatch(/Rollback 0003: reversible\S*, derived down \(3 statement\(s\)\), up → down → up passed/);
  }, 240_000);

  it('prints the Markdown plan and the JSON plan; the gantt draws the JSON timeline', () => {
    const markdown = cli(['plan', 'migrations/0003_order_status.up.sql', '--format', 'markdown']);
    expect(markdown.code, markdown.err).toBe(0);
    expectTemplateFilled(markdown.out, { tables: ['orders', 'users'], files: ['migrations/0003_order_status.up.sql'] });
    const json = cli(['plan', '.', '--format', 'json', '--no-rehearse']);
    expect(json.code, json.err).toBe(0);
    const plan = JSON.parse(json.out) as { timeline: { entries: Parameters<typeof expectGanttMatchesTimeline>[1] } };
    expect(plan.timeline.entries.length).toBeGreaterThan(0);
    const again = cli(['plan', '--format', 'markdown', '--no-rehearse']);
    expectGanttMatchesTimeline(again.out, plan.timeline.entries);
  }, 240_000);

  it('plans SQL from standard input on top of the project history', () => {
    const { code, out, err } = cli(['plan', '-'], 'ALTER TABLE users DROP COLUMN name;');
    expect(code, err).toBe(1);
    expect(out).toMatch(/risk HIGH/);
    expect(out).toMatch(/DROP COLUMN users\.name/);
  }, 240_000);

  it('refuses a bad --format with how to fix it', () => {
    const { code, err } = cli(['plan', '--format', 'pdf']);
    expect(code).toBe(2);
    expect(err).toMatch(/--format pdf is not one of text, markdown, json/);
  });
});
