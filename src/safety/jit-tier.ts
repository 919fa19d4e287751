import { setFlagsFromString } from 'node:v8';

/**
 * `check` is a short process: V8's optimizing compiler (TurboFan) mostly compiles code the process no longer runs
 * by the time it is ready, on threads that take the second core from the check. Measured whole-process on the
 * bench shapes (CPU time user+sys): a 342-folder history 0.79 → 0.62 s, a 5,000-statement file 0.88 → 0.65 s,
 * 1.1 MB of SQL about even; but a 50,000-statement file (3.8 MB) 3.1 → 4.7 s. So the CLI starts without it, and
 * the check turns it back on when the SQL it is given is large, before any of the hot work has run.
 */

/** From this much SQL (characters, every input and history file together) the optimizing compiler pays. */
export const OPTIMIZE_FROM_CHARS = 1_000_000;

let lowered = false;

/** For a one-shot CLI command: run JavaScript on the baseline tiers only, until told the work is large. */
export function startWithoutOptimizingCompiler(): void {
  setFlagsFromString('--no-opt');
  lowered = true;
}

/** Turns the optimizing compiler back on when the SQL to check is large (no effect where it was never off). */
export function optimizeForInput(chars: number): void {
  if (!lowered || chars < OPTIMIZE_FROM_CHARS) return;
  setFlagsFromString('--opt');
  lowered = false;
}
