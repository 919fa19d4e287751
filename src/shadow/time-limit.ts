import { type ErrorLocation, UserError } from '../errors.js';

/**
 * The time limit of a long call (a rehearsal: reading the migrations, the shadow, up → down → up) combined with
 * the caller's cancellation. `run` returns as soon as either fires, after `onStop` has stopped what runs (ended
 * PGlite's worker, cancelled the server query, dropped the shadow); `explain` turns the resulting error into one
 * that says which of the two stopped the call and after how long, really measured.
 */
export class TimeLimit {
  readonly signal: AbortSignal;
  private readonly started = performance.now();

  constructor(
    readonly timeoutMs: number,
    cancel?: AbortSignal,
  ) {
    const timeout = AbortSignal.timeout(timeoutMs);
    this.signal = cancel ? AbortSignal.any([cancel, timeout]) : timeout;
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
      if (this.signal.aborted) await stopping;
      throw error;
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
