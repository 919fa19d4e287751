import { describe, expect, it } from 'vitest';
import { isSystemOrToolRelation } from '../../src/safety/system-relations.js';
import { FORMAT_READERS } from '../../src/sources/registry.js';

/** Too common a name for a project's own table to be taken for TypeORM's history. */
const GENERIC_NAMES = new Set(['migrations']);

describe('relations no migration creates', () => {
  it("knows the history and lock tables of every format it reads, so a reference to one is not 'unknown'", () => {
    const tables = FORMAT_READERS.flatMap((reader) => {
      const bookkeeping = reader.bookkeeping;
      if (!bookkeeping) return [];
      const schema = bookkeeping.postgresSchema ?? 'public';
      return [bookkeeping.table, ...bookkeeping.ownTables]
        .filter((table) => !GENERIC_NAMES.has(table))
        .map((table) => `${schema}.${table.toLowerCase()}`);
    });
    expect(tables.length).toBeGreaterThan(15);
    expect(tables.filter((key) => !isSystemOrToolRelation(key))).toEqual([]);
  });

  it("PostgreSQL's catalogs, in any schema path, and nothing of the project's own", () => {
    expect(isSystemOrToolRelation('public.pg_index')).toBe(true);
    expect(isSystemOrToolRelation('information_schema.tables')).toBe(true);
    expect(isSystemOrToolRelation('public.__diesel_schema_migrations')).toBe(true);
    expect(isSystemOrToolRelation('public.migrations')).toBe(false);
    expect(isSystemOrToolRelation('public.users')).toBe(false);
    expect(isSystemOrToolRelation('app.schema_history')).toBe(false);
  });
});
