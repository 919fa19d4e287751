import { describe, expect, it } from 'vitest';
import { prismaStyle } from '../../src/sources/formats/prisma-style.js';
import { loadPostgresParser } from '../../src/sql/postgres.js';

describe("Prisma's style for the planner's SQL", () => {
  it('quotes names and spells types as Prisma does', async () => {
    await loadPostgresParser();
    expect(prismaStyle('CREATE INDEX CONCURRENTLY users_email_idx ON users (email)')).toBe(
      'CREATE INDEX CONCURRENTLY "users_email_idx" ON "users"("email")',
    );
    expect(prismaStyle('ALTER TABLE "posts" ADD COLUMN "views" int4')).toBe(
      'ALTER TABLE "posts" ADD COLUMN "views" INTEGER',
    );
  });

  it('keeps types of several words and casts as they are (never a quoted "varying" or "zone")', async () => {
    await loadPostgresParser();
    const statement =
      `CREATE TABLE "comments" ("status" character varying(20) DEFAULT 'pending'::character varying NOT NULL, ` +
      `"at" timestamp(3) with time zone, "t" timestamp without time zone DEFAULT now(), "d" double precision)`;
    const styled = prismaStyle(statement);
    expect(styled).not.toMatch(/"(varying|zone|without|precision|time|with)"/);
    expect(styled).toContain(`'pending'::character varying NOT NULL`);
  });

  it('leaves a statement as written when restyling would change what it means', async () => {
    await loadPostgresParser();
    // An unquoted column name before its type: the token-level pass cannot tell the type from a name.
    const statement = 'CREATE TABLE t (d double precision, w text)';
    const styled = prismaStyle(statement);
    const { parseSync } = await loadPostgresParser();
    expect(() => parseSync(styled)).not.toThrow();
    expect(styled === statement || !/"double"|"precision"/.test(styled)).toBe(true);
  });
});
