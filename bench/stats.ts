import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** Median of a non-empty list. */
export function median(values: number[]): number {
  if (!values.length) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs `action` `runs` times (after `warmup` unmeasured runs) and returns each duration in ms. */
export async function timeRuns(runs: number, action: () => unknown, warmup = 1): Promise<number[]> {
  for (let index = 0; index < warmup; index++) await action();
  const durations: number[] = [];
  for (let index = 0; index < runs; index++) {
    const started = performance.now();
    await action();
    durations.push(performance.now() - started);
  }
  return durations;
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Peak resident memory of a child process in MiB, measured by `/usr/bin/time -v` when it exists.
 * Returns undefined where GNU time is not installed.
 */
export async function peakRssMiB(
  command: string,
  args: string[],
  options: { cwd?: string; input?: string } = {},
): Promise<number | undefined> {
  return (await resourceUse(command, args, options))?.rssMiB;
}

/**
 * Peak resident memory (MiB) and CPU time (user + system, ms) of one run of a child process, by `/usr/bin/time -v`
 * (undefined where GNU time is not installed). CPU time barely changes when other processes share the cores,
 * so it compares tools fairly on a busy machine where wall time does not.
 */
export async function resourceUse(
  command: string,
  args: string[],
  options: { cwd?: string; input?: string } = {},
): Promise<{ rssMiB: number; cpuMs: number } | undefined> {
  if (!existsSync('/usr/bin/time')) return undefined;
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-v', command, ...args], {
      cwd: options.cwd,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', () => {
      const kib = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1];
      const user = /User time \(seconds\): ([\d.]+)/.exec(stderr)?.[1];
      const system = /System time \(seconds\): ([\d.]+)/.exec(stderr)?.[1];
      resolve(
        kib && user && system
          ? { rssMiB: round(Number(kib) / 1024), cpuMs: round((Number(user) + Number(system)) * 1000) }
          : undefined,
      );
    });
    child.stdin.end(options.input ?? '');
  });
}
