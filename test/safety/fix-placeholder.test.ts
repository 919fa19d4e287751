import { afterAll, describe, expect, it } from 'vitest';
import { validatePostgres } from '../../src/safety/engine.js';
import { findValuePlaceholder, valuePlaceholder } from '../../src/safety/fix-placeholder.js';
import { releaseWarmPglite } from '../../src/shadow/pglite.js';
import { rehearseMigration } from '../../src/shadow/rehearse.js';
import { migrationFromSql } from '../../src/shadow/statements.js';

/**
 * The backfill of a new NOT NULL column needs a value only the author knows: the fix names it by a placeholder
 * (never `SET col = DEFAULT`, which writes NULL), and the tool refuses to run a statement that still holds it.
 */

afterAll(() => releaseWarmPglite());

describe('value placeholders in fixes', () => {
  it('the NOT NULL backfill asks for the value instead of writing DEFAULT', async () => {
    const report = await validatePostgres('ALTER TABLE users ADD COLUMN "Locale" text NOT NULL;');
    const steps = report.findings.find((finding) => finding.ruleId === 'add-column-not-null-without-default')?.fix
      ?.steps;
    const backfill = steps?.find((step) => step.sql.includes('UPDATE'));
    expect(backfill?.sql).toContain('SET "Locale" = :new_value_for_Locale');
    expect(backfill?.description).toContain('replace :new_value_for_Locale with the value');
    expect(steps?.some((step) => /=\s*DEFAULT\b/i.test(step.sql))).toBe(false);
  });

  it('names the column in an identifier-safe way and finds it in SQL, not in a cast', () => {
    expect(valuePlaceholder('display name')).toBe(':new_value_for_display_name');
    expect(findValuePlaceholder('UPDATE t SET a = :new_value_for_a;')).toEqual({
      placeholder: ':new_value_for_a',
      offset: 17,
    });
    expect(findValuePlaceholder("SELECT 'x'::new_value_for_type")).toBeUndefined();
    expect(findValuePlaceholder('UPDATE t SET a = 1;')).toBeUndefined();
  });

  it('rehearse_migration refuses a fix pasted with its placeholder, at its line and column, before running it', async () => {
    const added = await validatePostgres('ALTER TABLE users ADD COLUMN locale text NOT NULL;');
    const fix = added.findings.find((finding) => finding.ruleId === 'add-column-not-null-without-default')?.fix;
    const up = (fix?.steps ?? []).map((step) => step.sql).join('\n');
    const migration = await migrationFromSql({ id: 'm', path: 'migrations/0002_locale.sql', up, engine: 'postgresql' });
    const report = await rehearseMigration({
      engine: 'postgresql',
      migration,
      baseline: { kind: 'dump', sql: 'CREATE TABLE users (id bigint PRIMARY KEY, name text);', file: 'schema.sql' },
      rowsPerTable: 50,
    });
    expect(report.outcome).toBe('failed');
    const line = up.split('\n').findIndex((text) => text.includes(':new_value_for_locale')) + 1;
    const column = (up.split('\n')[line - 1]?.indexOf(':new_value_for_locale') ?? 0) + 1;
    expect(report.failure).toMatchObject({ phase: 'up', location: `migrations/0002_locale.sql:${line}:${column}` });
    expect(report.failure?.message).toMatch(/^:new_value_for_locale is a placeholder from a validate_safety fix/);
    expect(report.failure?.message).toContain('Replace it with the value existing rows should get');
  });
});
