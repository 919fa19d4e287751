import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInside, relativeToRoot } from '../../src/root.js';

/** The answer from path.relative alone (what isInside falls back on for unnormalised paths). */
function insideByRelative(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (relative.split(path.sep)[0] !== '..' && !path.isAbsolute(relative));
}

const ROOTS = ['/', '/work/app', '/work/app/', '/work/./app', '/work//app', '/work/x/../app'];
const CANDIDATES = [
  '/',
  '/work',
  '/work/app',
  '/work/app/',
  '/work/apple',
  '/work/app/migrations/001_init.sql',
  '/work/app/../other/file.sql',
  '/work/app/./db/x.sql',
  '/work/app//db/x.sql',
  '/work/app/..hidden/x.sql',
  '/work/app/a/../../app/b.sql',
];

describe('isInside and relativeToRoot', () => {
  it('answer as path.relative does for plain and unnormalised paths alike', () => {
    for (const root of ROOTS) {
      for (const candidate of CANDIDATES) {
        expect(isInside(root, candidate), `${root} ⊇ ${candidate}`).toBe(insideByRelative(root, candidate));
        expect(relativeToRoot(root, candidate), `${candidate} from ${root}`).toBe(
          path.relative(root, candidate).split(path.sep).join('/'),
        );
      }
    }
  });

  it('a part named ..hidden is inside the root; a sibling folder named like the root is not', () => {
    expect(isInside('/work/app', '/work/app/..hidden/x.sql')).toBe(true);
    expect(isInside('/work/app', '/work/apple/x.sql')).toBe(false);
    expect(relativeToRoot('/work/app', '/work/apple/x.sql')).toBe('../apple/x.sql');
  });
});
