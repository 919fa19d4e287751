import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ProgressStream, progressLine } from '../src/cli/progress.js';
import { tempProject } from './project/helpers.js';

/**
 * The CLI's progress line (rehearse, generate, rollback, plan, diff): drawn in place on a terminal's stderr,
 * redrawn every second with the elapsed time, erased at the end; nothing at all when stderr is not a terminal.
 */
const BIN = path.resolve(import.meta.dirname, '../dist/bundle/bin.js');

function fakeTerminal(isTTY: boolean, columns = 60): ProgressStream & { written: string[] } {
  const written: string[] = [];
  return { isTTY, columns, written, write: (text: string) => written.push(text) };
}

describe('the progress line', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('draws one line in place, with the step, a bar and the seconds elapsed, and erases it at the end', () => {
    let now = 0;
    const stream = fakeTerminal(true, 60);
    const line = progressLine(stream, () => now);
    line.update(1, 4, 'up: statement 1/3');
    now = 3_400;
    line.update(2, 4, 'up: statement 2/3');
    line.done();
    expect(stream.written).toEqual([
      `\r${'[#####...............] up: statement 1/3 · 0 s'.padEnd(59)}`,
      `\r${'[##########..........] up: statement 2/3 · 3 s'.padEnd(59)}`,
      `\r${' '.repeat(59)}\r`,
    ]);
  });

  it('keeps counting the seconds while one step runs long, and cuts the line to the terminal width', () => {
    vi.useFakeTimers();
    let now = 0;
    const stream = fakeTerminal(true, 30);
    const line = progressLine(stream, () => now);
    line.update(0, undefined, 'synthetic rows: 200000 per table');
    now = 2_000;
    vi.advanceTimersByTime(2_000);
    expect(stream.written.at(-1)).toBe(`\r${'synthetic rows: 200000 per table · 2 s'.slice(0, 29)}`);
    line.done();
    const count = stream.written.length;
    vi.advanceTimersByTime(5_000);
    expect(stream.written).toHaveLength(count);
  });

  it('writes nothing when the stream is not a terminal', () => {
    const stream = fakeTerminal(false);
    const line = progressLine(stream, () => 0);
    line.update(1, 2, 'up: statement 1/1');
    line.done();
    expect(stream.written).toEqual([]);
  });
});

describe.skipIf(!existsSync(BIN))('the built CLI', () => {
  it('rehearse with stderr not a terminal prints no progress: stderr stays empty, stdout is the report', async () => {
    const project = tempProject({ 'add.sql': 'CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN name text;\n' });
    try {
      const run = await spawnCli(['rehearse', 'add.sql', '--baseline', 'none'], project.dir);
      expect(run.code).toBe(0);
      expect(run.err).toBe('');
      expect(run.out).toMatch(/^Rehearsal PASSED/);
    } finally {
      project.cleanup();
    }
  }, 60_000);

  it('Ctrl-C (SIGINT) cancels a rehearsal stuck in a statement: the shadow is dropped and the exit is prompt', async () => {
    const project = tempProject({
      'loop.sql': 'DO $$ DECLARE i bigint := 0; BEGIN WHILE i < 100000000000 LOOP i := i + 1; END LOOP; END $$;\n',
    });
    try {
      const run = spawnCli(['rehearse', 'loop.sql', '--baseline', 'none'], project.dir, 3_000);
      const result = await run;
      expect(result.code).toBe(2);
      expect(result.err).toMatch(/The rehearsal was cancelled after \d+ ms/);
      // Generous: without cancellation the statement runs for many minutes.
      expect(result.afterSignalMs).toBeLessThan(10_000);
    } finally {
      project.cleanup();
    }
  }, 60_000);
});

async function spawnCli(
  args: string[],
  cwd: string,
  interruptAfterMs?: number,
): Promise<{ code: number | null; out: string; err: string; afterSignalMs: number }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr.on('data', (chunk) => {
    err += chunk;
  });
  let signalledAt = 0;
  const timer =
    interruptAfterMs === undefined
      ? undefined
      : setTimeout(() => {
          signalledAt = performance.now();
          child.kill('SIGINT');
        }, interruptAfterMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { code, out, err, afterSignalMs: signalledAt ? performance.now() - signalledAt : 0 };
}
