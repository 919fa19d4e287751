import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { capStructured, capText } from '../../src/results/cap.js';
import { TRIM_PLANS } from '../../src/results/plans.js';

const finding = (severity: string, index: number) => ({ ruleId: `r${index}`, severity, message: 'm'.repeat(80) });

describe('capStructured', () => {
  it('shares the room by rank across files: errors, then warnings, never an info before a warning; in order', () => {
    const file = (offset: number) => ({
      findings: Array.from({ length: 60 }, (_, index) =>
        finding(index % 3 === 0 ? 'error' : index % 3 === 1 ? 'warning' : 'info', offset + index),
      ),
    });
    const answer = { risk: 'HIGH', files: [file(0), file(100)] };
    const cut = capStructured(answer, 6_000, TRIM_PLANS.validate_safety ?? []);
    expect(JSON.stringify(cut.value).length).toBeLessThanOrEqual(6_000);
    const files = cut.value.files as Array<{ findings: Array<{ ruleId: string; severity: string }> }>;
    const kept = files.flatMap((each) => each.findings);
    const count = (severity: string) => kept.filter((each) => each.severity === severity).length;
    // 40 errors fit with room to spare: all kept, then warnings, never an info while a warning is left out.
    expect(count('error')).toBe(40);
    expect(count('warning')).toBeGreaterThan(0);
    expect(count('warning')).toBeLessThan(40);
    expect(count('info')).toBe(0);
    for (const each of files) {
      const order = each.findings.map((item) => Number(item.ruleId.slice(1)));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    expect(cut.arrays).toEqual([
      { path: 'files.0.findings', kept: files[0]?.findings.length, of: 60 },
      { path: 'files.1.findings', kept: files[1]?.findings.length, of: 60 },
    ]);
    expect(cut.value.risk).toBe('HIGH');
    expect(answer.files[0]?.findings).toHaveLength(60);
  });

  it('cuts what no plan names from the tail of the largest array, then long strings; the schema still holds', () => {
    const schema = z.object({ rows: z.array(z.object({ id: z.number(), text: z.string() })), note: z.string() });
    const answer = {
      rows: Array.from({ length: 500 }, (_, id) => ({ id, text: `row ${id}` })),
      note: 'n'.repeat(50_000),
    };
    const cut = capStructured(answer, 4_000, []);
    expect(JSON.stringify(cut.value).length).toBeLessThanOrEqual(4_000);
    expect(schema.safeParse(cut.value).success).toBe(true);
    const rows = cut.value.rows as Array<{ id: number }>;
    expect(rows.map((row) => row.id)).toEqual(rows.map((_, index) => index));
    expect(cut.arrays).toEqual([{ path: 'rows', kept: rows.length, of: 500 }]);
    expect(cut.cutStrings).toBe(1);
    expect(cut.value.note).toMatch(/^n+… \[\d+ more characters\]$/);
  });

  it('leaves an answer within budget as it is', () => {
    const answer = { a: [1, 2, 3] };
    expect(capStructured(answer, 1_000, []).value).toBe(answer);
  });
});

describe('capText', () => {
  it('cuts at a line end and says where the whole result is', () => {
    const text = Array.from({ length: 200 }, (_, index) => `line ${index} ${'-'.repeat(40)}`).join('\n');
    const cut = capText(text, 1_000, 'db-migration-agent://results/abc');
    expect(cut.length).toBeLessThanOrEqual(1_000);
    expect(cut).toMatch(
      /line \d+ -+\n… \d+ more characters of this summary left out; the whole result: db-migration-agent:\/\/results\/abc$/,
    );
  });
});

describe('capStructured with a large part no plan names', () => {
  it('cuts that part to half the budget first, so the ranked arrays keep their most important items', () => {
    const answer = {
      steps: Array.from({ length: 40 }, (_, id) => ({
        id,
        error: id === 37 ? 'failed here' : undefined,
        sql: 's'.repeat(200),
      })),
      baseline: {
        tables: [] as string[],
        log: Array.from({ length: 400 }, (_, index) => `replayed migration ${index}`),
      },
    };
    const plan = [{ path: 'steps', rank: (item: unknown) => ((item as { error?: string }).error ? 0 : 4) }];
    const cut = capStructured(answer, 6_000, plan);
    expect(cut.chars).toBeLessThanOrEqual(6_000);
    const steps = cut.value.steps as Array<{ id: number }>;
    expect(steps.map((step) => step.id)).toContain(37);
    expect(steps.length).toBeGreaterThan(5);
    const log = (cut.value.baseline as { log: string[] }).log;
    expect(log.length).toBeLessThan(400);
    expect(cut.arrays).toEqual(
      expect.arrayContaining([
        { path: 'baseline.log', kept: log.length, of: 400 },
        { path: 'steps', kept: steps.length, of: 40 },
      ]),
    );
  });
});
