import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DetectResult } from '../../src/project/types.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const EXPECTED = fileURLToPath(new URL('./expected/', import.meta.url));

/** The parts of a DetectResult that do not depend on the machine: no absolute root, no timing. */
export function stable(result: DetectResult): Omit<DetectResult, 'root' | 'stats'> & {
  stats: Omit<DetectResult['stats'], 'elapsedMs'>;
} {
  const { root: _root, stats, ...rest } = result;
  const { elapsedMs: _elapsed, ...kept } = stats;
  return { ...rest, stats: kept };
}

/** A throw-away project folder built from a {relative path: content} map; removed by the returned function. */
export function tempProject(files: Record<string, string>): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'dma-detect-'));
  for (const [relative, content] of Object.entries(files)) {
    const absolute = path.join(dir, relative);
    mkdirSync(path.dirname(absolute), { recursive: true });
    writeFileSync(absolute, content);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
