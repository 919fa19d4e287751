import type { CliIO } from './command.js';

/**
 * What a long CLI command (rehearse, generate, rollback, plan, diff) shows while it works: one line on stderr,
 * redrawn in place with the step and the seconds elapsed (also while one long statement runs), and erased when
 * the command ends. Only on a terminal: piped or in CI, stderr and stdout stay exactly as they were. Ctrl-C
 * cancels the work (the shadow is dropped) instead of killing the process mid-way.
 */
export interface CliProgress {
  /** Pass as the engine's onProgress. */
  update(progress: number, total: number | undefined, message: string): void;
  /** Aborted on Ctrl-C (SIGINT). */
  signal: AbortSignal;
}

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** Runs `work` with a progress line and Ctrl-C cancellation; the line is erased before `work`'s output. */
export async function withProgress<T>(io: CliIO, work: (progress: CliProgress) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  const line = progressLine(io.stderr as ProgressStream);
  try {
    return await work({ update: line.update, signal: controller.signal });
  } finally {
    line.done();
    process.removeListener('SIGINT', onSignal);
  }
}

/** The in-place progress line on `stream`; nothing at all when it is not a terminal. */
export function progressLine(stream: ProgressStream, now: () => number = () => performance.now()) {
  const started = now();
  let last: { progress: number; total: number | undefined; message: string } | undefined;
  let ticker: NodeJS.Timeout | undefined;
  const draw = () => {
    if (!last) return;
    const width = (stream.columns ?? 80) - 1;
    const seconds = `${Math.floor((now() - started) / 1_000)} s`;
    const bar =
      last.total && last.total > 0
        ? `[${'#'.repeat(Math.round((Math.min(last.progress, last.total) / last.total) * 20)).padEnd(20, '.')}] `
        : '';
    const text = `${bar}${last.message} · ${seconds}`;
    stream.write(`\r${text.slice(0, width).padEnd(width)}`);
  };
  return {
    update(progress: number, total: number | undefined, message: string) {
      if (!stream.isTTY) return;
      last = { progress, total, message };
      draw();
      // Redrawn every second: the elapsed time moves while one statement runs for long.
      ticker ??= setInterval(draw, 1_000);
      ticker.unref();
    },
    done() {
      clearInterval(ticker);
      ticker = undefined;
      if (last) stream.write(`\r${' '.repeat((stream.columns ?? 80) - 1)}\r`);
      last = undefined;
    },
  };
}
