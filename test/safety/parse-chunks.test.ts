import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { validatePostgres } from '../../src/safety/engine.js';
import type { Rule } from '../../src/safety/types.js';
import { CHUNK_CHARS, chunkBoundaries } from '../../src/sql/chunks.js';
import { parsePostgres } from '../../src/sql/postgres.js';

/** Enough statements to be parsed in several pieces, with constructs a naive `;` split would break. */
function bigSql(): string {
  const parts: string[] = [];
  for (let i = 0; parts.join('\n').length < CHUNK_CHARS * 5; i++) {
    parts.push(`CREATE TABLE t_${i} (id int, note text DEFAULT 'a;b', "we;ird" int);`);
    parts.push(`-- comment with ; inside\nINSERT INTO t_${i} VALUES (1, E'it\\'s; fine', 2); /* block ; comment */`);
    parts.push(`CREATE FUNCTION f_${i}() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END; $body$;`);
    parts.push(`CREATE FUNCTION g_${i}() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; SELECT ${i}; END;`);
    parts.push(`SELECT 'ünïcødé ${i}; 🚀';`);
  }
  return parts.join('\n');
}

describe('parsing large files in pieces', () => {
  const sql = bigSql();

  it('cuts only after top-level semicolons', () => {
    const cuts = chunkBoundaries(sql);
    expect(cuts.length).toBeGreaterThan(3);
    for (const cut of cuts) expect(sql[cut - 1]).toBe(';');
  });

  it('gives the same statements as one whole parse would', async () => {
    const statements = await parsePostgres(sql);
    expect(statements.length % 5).toBe(0);
    expect(statements.filter((s) => s.sql.includes('BEGIN ATOMIC')).every((s) => s.sql.endsWith('END'))).toBe(true);
    for (const statement of statements)
      expect(sql.slice(statement.offset.start, statement.offset.end)).toBe(statement.sql);
    expect(new Set(statements.map((s) => s.locationBase)).size).toBeGreaterThan(3);
    expect(
      chunkBoundaries(sql).every((cut) => !/BEGIN ATOMIC[^;]*;[^E]*$/.test(sql.slice(Math.max(0, cut - 60), cut))),
    ).toBe(true);
  });

  it('locates parse-tree nodes in the whole text through context.locate', async () => {
    const seen: Array<{ expected: string; found: string; line: number }> = [];
    const probe: Rule = {
      meta: {
        id: 'test-locate',
        title: 't',
        category: 'safe',
        defaultSeverity: 'info',
        engines: ['postgresql'],
        locks: [],
        rewritesTable: false,
        scansTable: false,
        breaksOldCode: false,
        why: 't',
        safeAlternative: 't',
        examples: { bad: '', good: '' },
      },
      appliesTo: ['InsertStmt'],
      check(context) {
        const insert = 'InsertStmt' in context.statement.ast ? context.statement.ast.InsertStmt : undefined;
        const location = insert?.relation?.location;
        if (location !== undefined) {
          const { offset, position } = context.locate(location);
          seen.push({
            expected: insert?.relation?.relname ?? '',
            found: context.source.slice(offset, offset + (insert?.relation?.relname?.length ?? 0)),
            line: position.line,
          });
        }
        return [];
      },
    };
    await validatePostgres(sql, { rules: [probe] });
    expect(seen.length).toBeGreaterThan(100);
    for (const each of seen) expect(each.found).toBe(each.expected);
    expect(seen[seen.length - 1]?.line).toBeGreaterThan(1000);
  });

  it('reports a syntax error in a later piece at its true line:column', async () => {
    const broken = `${sql}\nSELECT 1;\nALTER TABLE x ADD COLUMN;\n`;
    const error = (await parsePostgres(broken, 'big.sql').catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    const lines = broken.split('\n');
    expect(error.where).toEqual({ file: 'big.sql', line: lines.length - 1, column: 25 });
  });
});
