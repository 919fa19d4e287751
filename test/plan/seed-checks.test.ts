import { describe, expect, it } from 'vitest';
import { rulesFromChecks } from '../../src/plan/seed/checks.js';

const rules = (...expressions: string[]) =>
  Object.fromEntries(rulesFromChecks(expressions.map((expression, index) => ({ name: `c${index}`, expression }))));

describe('CHECK forms the seed generator honours up front', () => {
  it('reads PostgreSQL as pg_get_constraintdef prints it (casts, ANY (ARRAY[…]), wrapped terms)', () => {
    expect(
      rules(
        "((tier = ANY (ARRAY['free'::text, 'pro'::text, 'enterprise'::text])))",
        '(((age >= 18) AND (age <= 120)))',
        '((price > (0)::numeric))',
        '((length((code)::text) >= 4))',
        '(((quantity > 0) AND (quantity <= 50)))',
      ),
    ).toEqual({
      tier: { allowed: ['free', 'pro', 'enterprise'] },
      age: { min: 18, minExclusive: false, max: 120, maxExclusive: false },
      price: { min: 0, minExclusive: true },
      code: { minLength: 4 },
      quantity: { min: 0, minExclusive: true, max: 50, maxExclusive: false },
    });
  });

  it('reads MySQL / MariaDB (backquotes, lower-case between, json_valid) and SQLite (as written)', () => {
    expect(
      rules(
        '`quantity` between 1 and 50',
        'json_valid(`metadata`)',
        "status IN ('draft', 'published', 'it''s')",
        '0 <= discount AND discount < 1',
        'char_length(title) <= 80',
      ),
    ).toEqual({
      quantity: { min: 1, minExclusive: false, max: 50, maxExclusive: false },
      metadata: { json: true },
      status: { allowed: ['draft', 'published', "it's"] },
      discount: { min: 0, minExclusive: false, max: 1, maxExclusive: true },
      title: { maxLength: 80 },
    });
  });

  it('leaves what it cannot read to the shadow (NOT IN, expressions across columns, OR)', () => {
    expect(
      rules("status NOT IN ('x')", 'ends_at > starts_at', "kind = 'a' OR kind = 'b'", 'reading % 1000 = 7'),
    ).toEqual({});
  });
});
