import { describe, expect, it } from 'vitest';
import { globToRegExp } from '../src/glob.js';

describe('the one glob matcher', () => {
  const matches = (glob: string, file: string) => globToRegExp(glob).test(file);

  it('keeps * and ? within a segment and lets ** cross them (also zero segments)', () => {
    expect(matches('db/*.sql', 'db/a.sql')).toBe(true);
    expect(matches('db/*.sql', 'db/x/a.sql')).toBe(false);
    expect(matches('db/**/*.sql', 'db/a.sql')).toBe(true);
    expect(matches('db/**/*.sql', 'db/x/y/a.sql')).toBe(true);
    expect(matches('m/00?.sql', 'm/001.sql')).toBe(true);
  });

  it('reads workspace patterns: trailing ** and /, leading ./, and not a suffix match', () => {
    expect(matches('packages/**', 'packages/api')).toBe(true);
    expect(matches('packages/**', 'packages/group/api')).toBe(true);
    expect(matches('./apps/*/', 'apps/web')).toBe(true);
    expect(matches('**/db', 'services/db')).toBe(true);
    expect(matches('**/db', 'services/mydb')).toBe(false);
  });

  it('supports {a,b} and [abc] / [!abc], and escapes everything else', () => {
    expect(matches('m/{001,002}_*.sql', 'm/002_x.sql')).toBe(true);
    expect(matches('m/00[12].sql', 'm/003.sql')).toBe(false);
    expect(matches('m/00[!12].sql', 'm/003.sql')).toBe(true);
    expect(matches('a+b.sql', 'a+b.sql')).toBe(true);
    expect(matches('a.sql', 'aXsql')).toBe(false);
  });
});
