import { type ErrorLocation, UserError } from '../errors.js';

/** How long a stopped call's work may take to notice it was stopped and report what it was doing. */
const SETTLE_MS = 500;

async function settledWithin(work: Promise<unknown>, ms: number, otherwise: unknown): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<unknown>((resolve) => {
    timer = setTimeout(() => resolve(otherwise), ms);
  });
  try {
    return await Promise.race([
      work.then(
        () => otherwise,
        (error: unknown) => error,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The time limit of a long call (a rehearsal: reading the migrations, the shadow, up → down → up) combined with
 * the caller's cancellation. `run` returns as soon as either fires, after `onStop` has stopped what runs (ended
 * PGlite's worker, cancelled the server query, dropped the shadow); `explain` turns the resulting error into one
 * that says which of the two stopped the call and after how long, really measured.
 */
export class TimeLimit {
  readonly signal: AbortSignal;
  private readonly started = performance.now();

  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private armedAt = 0;
  private remainingMs: number;

  constructor(
    readonly timeoutMs: number,
    cancel?: AbortSignal,
  ) {
    // Not AbortSignal.timeout/any: Node 20 may collect a timeout signal only `any` refers to, and it never fires.
    this.signal = this.controller.signal;
    this.remainingMs = timeoutMs;
    this.arm();
    if (cancel?.aborted) this.controller.abort(cancel.reason);
    cancel?.addEventListener('abort', () => this.controller.abort(cancel.reason), { once: true });
    this.signal.addEventListener('abort', () => clearTimeout(this.timer), { once: true });
  }

  /** Runs `wait` with the clock stopped: a human answering a consent question is not the work's time. */
  async excluding<T>(wait: () => Promise<T>): Promise<T> {
    clearTimeout(this.timer);
    this.remainingMs -= performance.now() - this.armedAt;
    try {
      return await wait();
    } finally {
      if (!this.signal.aborted) this.arm();
    }
  }

  private arm(): void {
    this.armedAt = performance.now();
    this.timer = setTimeout(
      () => this.controller.abort(new DOMException(`timed out after ${this.timeoutMs} ms`, 'TimeoutError')),
      Math.max(0, this.remainingMs),
    );
    // The work keeps the process alive, not the limit.
    this.timer.unref();
  }

  get elapsedMs(): number {
    return Math.round(performance.now() - this.started);
  }

  get timedOut(): boolean {
    return this.signal.aborted && (this.signal.reason as { name?: string } | undefined)?.name === 'TimeoutError';
  }

  /** Runs `work` until it ends or the limit fires; then `onStop` runs before the abort error is thrown. */
  async run<T>(work: () => Promise<T>, onStop: () => Promise<void>): Promise<T> {
    this.signal.throwIfAborted();
    const running = work();
    running.catch(() => undefined);
    let stopping: Promise<void> | undefined;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        stopping = onStop().catch(() => undefined);
        reject(this.signal.reason);
      };
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    try {
      return await Promise.race([running, aborted]);
    } catch (error) {
      if (!this.signal.aborted) throw error;
      await stopping;
      // What the work itself reports once stopped says what was running (the sandbox names its file).
      throw await settledWithin(running, SETTLE_MS, error);
    } finally {
      if (onAbort) this.signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * The error to report for `error`: when the limit or a cancellation stopped the call, one that says so with the
   * elapsed time (and what was running, from the original error's wording and location); otherwise `error`.
   */
  explain(error: unknown, call: 'rehearsal', cleanup: string): unknown {
    if (!this.signal.aborted) return error;
    const where: ErrorLocation | undefined = error instanceof UserError ? error.where : undefined;
    const during = error instanceof UserError && error.code === 'cancelled' ? ` ${error.what}` : '';
    if (this.timedOut) {
      return new UserError(
        `${call}-timeout`,
        `The ${call} was stopped by its time limit (timeoutMs ${this.timeoutMs}) after ${this.elapsedMs} ms; ${cleanup}.${during}`,
        'Raise timeoutMs (CLI --timeout <seconds>), lower rowsPerTable (--synthetic-rows), or rehearse a smaller migration.',
        where,
      );
    }
    return new UserError(
      `${call}-cancelled`,
      `The ${call} was cancelled after ${this.elapsedMs} ms; ${cleanup}.${during}`,
      'Run it again when ready.',
      where,
    );
  }
}
