import { describe, expect, it } from 'vitest';
import { type ValidateOptions, validatePostgres } from '../../../src/safety/engine.js';
import type { ColumnInfo, Finding, Severity } from '../../../src/safety/types.js';
import { parsePostgres } from '../../../src/sql/postgres.js';

/** Expected fix step: its SQL matches `sql`, and where given, the transaction/migration flags. */
export interface StepExpectation {
  sql: RegExp;
  outsideTransaction?: boolean;
  separateMigration?: boolean;
}

export interface BadCase {
  sql: string;
  options?: ValidateOptions;
  /** Each expectation must be met by some step of the finding's fix. */
  fix?: Array<RegExp | StepExpectation>;
  severity?: Severity;
  /** The finding's message matches this. */
  message?: RegExp;
  /** Number of findings of the rule (default: at least one). */
  count?: number;
  /** The finding has no fix (only where no exact SQL can be right). */
  noFix?: boolean;
  /** The fix uses syntax newer than the PostgreSQL 18 grammar of the parser (e.g. REPACK, PostgreSQL 19). */
  fixNewerThanParser?: boolean;
}

export interface GoodCase {
  sql: string;
  options?: ValidateOptions;
}

/** Options describing tables that exist before the migration (so they are not "new"). */
export function existing(
  tables: Record<string, Array<[string, string, boolean?]> | undefined>,
  extra: ValidateOptions = {},
): ValidateOptions {
  return {
    ...extra,
    catalog: {
      snapshot: {
        tables: Object.entries(tables).map(([name, columns]) => ({
          name,
          ...(columns
            ? {
                columns: columns.map(
                  ([column, type, notNull]): ColumnInfo => ({
                    name: column,
                    type,
                    notNull: notNull ?? false,
                    hasDefault: false,
                  }),
                ),
              }
            : {}),
        })),
      },
    },
  };
}

export async function findingsOf(ruleId: string, sql: string, options: ValidateOptions = {}): Promise<Finding[]> {
  const report = await validatePostgres(sql, options);
  return report.findings.filter((finding) => finding.ruleId === ruleId);
}

function title(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 90 ? `${flat.slice(0, 87)}…` : flat;
}

/** The rule's table of failing and passing cases, run through the real engine (validatePostgres). */
export function ruleCases(ruleId: string, cases: { bad: BadCase[]; good: GoodCase[] }): void {
  describe(ruleId, () => {
    cases.bad.forEach((bad, index) => {
      it(`flags #${index + 1}: ${title(bad.sql)}`, async () => {
        const found = await findingsOf(ruleId, bad.sql, bad.options);
        if (bad.count !== undefined) expect(found).toHaveLength(bad.count);
        else expect(found.length).toBeGreaterThan(0);
        for (const finding of found) {
          if (bad.severity) expect(finding.severity).toBe(bad.severity);
          if (bad.message) expect(finding.message).toMatch(bad.message);
          if (bad.noFix) {
            expect(finding.fix).toBeUndefined();
            continue;
          }
          expect(finding.fix?.steps.length ?? 0).toBeGreaterThan(0);
          // Every fix step is SQL PostgreSQL's grammar accepts.
          if (!bad.fixNewerThanParser) {
            for (const step of finding.fix?.steps ?? []) await expect(parsePostgres(step.sql)).resolves.toBeDefined();
          }
        }
        const steps = found.flatMap((finding) => finding.fix?.steps ?? []);
        for (const expectation of bad.fix ?? []) {
          const wanted = expectation instanceof RegExp ? { sql: expectation } : expectation;
          const match = steps.find(
            (step) =>
              wanted.sql.test(step.sql) &&
              (wanted.outsideTransaction === undefined || step.outsideTransaction === wanted.outsideTransaction) &&
              (wanted.separateMigration === undefined || step.separateMigration === wanted.separateMigration),
          );
          expect(
            match,
            `no fix step matching ${wanted.sql} in:\n${steps.map((step) => step.sql).join('\n---\n')}`,
          ).toBeDefined();
        }
      });
    });
    cases.good.forEach((good, index) => {
      it(`passes #${index + 1}: ${title(good.sql)}`, async () => {
        expect(await findingsOf(ruleId, good.sql, good.options)).toEqual([]);
      });
    });
  });
}
