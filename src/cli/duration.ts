import { UserError } from '../errors.js';

/**
 * Durations on the command line, read the same way by every command: a bare number counts seconds, a unit says
 * otherwise (`--timeout 90`, `--timeout 1.5m`, `--timeout 500ms`). A bare number too large to be meant as seconds
 * is refused rather than guessed at: `--timeout 120000` is an old milliseconds habit, not 33 hours.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, sec: 1_000, m: 60_000, min: 60_000 };

export const DURATION_HELP = 'a bare number counts seconds; or add a unit: 30s, 500ms, 2m';

export interface DurationLimits {
  /** The unit of a bare number (default seconds). */
  bare?: 's' | 'ms';
  minMs?: number;
  maxMs: number;
}

/** Milliseconds for a duration option's value. */
export function parseDuration(option: string, value: string, limits: DurationLimits): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min)?$/i.exec(value.trim().replace(/_/g, ''));
  if (!match) {
    throw new UserError(
      'usage',
      `${option} ${value} is not a duration.`,
      `Write ${option} 30 (seconds) or give a unit: ${option} 30s, ${option} 500ms, ${option} 2m.`,
    );
  }
  const unit = (match[2] ?? limits.bare ?? 's').toLowerCase();
  const ms = Math.round(Number(match[1]) * (UNIT_MS[unit] ?? 1_000));
  if (ms > limits.maxMs) {
    const bareSeconds = match[2] === undefined && (limits.bare ?? 's') === 's';
    throw new UserError(
      'usage',
      bareSeconds
        ? `${option} ${value} means ${value} seconds (${describe(ms)}), more than the ${describe(limits.maxMs)} allowed: a bare number counts seconds.`
        : `${option} ${value} is more than the ${describe(limits.maxMs)} allowed.`,
      bareSeconds
        ? `For milliseconds write ${option} ${match[1]}ms; for seconds, at most ${option} ${limits.maxMs / 1_000}.`
        : `Use at most ${option} ${limits.maxMs / 1_000}s.`,
    );
  }
  if (ms < (limits.minMs ?? 1)) {
    throw new UserError(
      'usage',
      `${option} ${value} is shorter than the ${describe(limits.minMs ?? 1)} minimum.`,
      `Use at least ${describe(limits.minMs ?? 1)}.`,
    );
  }
  return ms;
}

function describe(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 120_000) return `${ms / 1_000} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}
