import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { validatePostgres } from '../../src/safety/engine.js';
import type { Rule } from '../../src/safety/types.js';
import { CHUNK_CHARS, chunkBoundaries, PIECES_ABOVE_CHARS } from '../../src/sql/chunks.js';
import { parsePostgres, parsePostgresBatches } from '../../src/sql/postgres.js';

/** Enough statements to be parsed in several pieces, with constructs a naive `;` split would break. */
function bigSql(): string {
  const parts: string[] = [];
  for (let i = 0; parts.join('\n').length < PIECES_ABOVE_CHARS + CHUNK_CHARS * 4; i++) {
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

/** Filler statements up to just before `at` characters, then `tail`. */
function withStatementAt(at: number, tail: string): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length + 40 < at; i++) {
    const part = `SELECT ${i} AS filler_${i};\n`;
    parts.push(part);
    length += part.length;
  }
  parts.push(`${'-'.repeat(Math.max(2, at - length - 10))}\n`);
  return `${parts.join('')}${tail}\n${parts.join('')}`;
}

// `END` of a CASE inside a BEGIN ATOMIC body looks like the body's end to the chunker, so it may cut there;
// the parser then rejects that piece and it is parsed together with the next one.
const ATOMIC_WITH_CASE =
  'CREATE FUNCTION pick() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END;';

describe('parsing in pieces', () => {
  it('joins pieces cut inside a BEGIN ATOMIC body, at the first cut and at later ones', async () => {
    for (const at of [CHUNK_CHARS - 30, CHUNK_CHARS * 3 - 30]) {
      const first = withStatementAt(at, ATOMIC_WITH_CASE);
      // Long enough to be parsed in pieces at all.
      const sql = `${first}${first}${'SELECT 0;\n'.repeat(PIECES_ABOVE_CHARS / 10)}`;
      const insideBody = chunkBoundaries(sql).filter((cut) => sql.slice(cut - 11, cut) === 'THEN 1 END;');
      expect(insideBody.length).toBeGreaterThan(0);
      const statements = await parsePostgres(sql);
      const functions = statements.filter((statement) => statement.sql.startsWith('CREATE FUNCTION'));
      expect(functions.map((statement) => statement.sql)).toEqual([
        ATOMIC_WITH_CASE.slice(0, -1),
        ATOMIC_WITH_CASE.slice(0, -1),
      ]);
      for (const statement of statements)
        expect(sql.slice(statement.offset.start, statement.offset.end)).toBe(statement.sql);
    }
  });

  it('reports a syntax error in the first piece at its line:column', async () => {
    const sql = `SELECT 1;\nSELEC 2;\n${bigSql()}`;
    const error = (await parsePostgres(sql, 'first.sql').catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.where).toEqual({ file: 'first.sql', line: 2, column: 1 });
  });

  it('stops parsing when the consumer stops, and serves the next parse', async () => {
    const sql = bigSql();
    const batches = await parsePostgresBatches(sql);
    for await (const batch of batches) {
      expect(batch.length).toBeGreaterThan(0);
      break;
    }
    expect((await parsePostgres(sql)).length % 5).toBe(0);
  });

  it('gives the event loop a turn between pieces', async () => {
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    try {
      let batches = 0;
      for await (const _batch of await parsePostgresBatches(bigSql())) batches++;
      expect(batches).toBeGreaterThan(3);
      expect(turns).toBeGreaterThan(0);
    } finally {
      clearInterval(timer);
    }
  });

  it('serves overlapping parses, each in its own order', async () => {
    const a = bigSql();
    const b = withStatementAt(PIECES_ABOVE_CHARS + CHUNK_CHARS * 2, 'SELECT 42;');
    const [left, right] = await Promise.all([parsePostgres(a), parsePostgres(b)]);
    for (const statement of left) expect(a.slice(statement.offset.start, statement.offset.end)).toBe(statement.sql);
    for (const statement of right) expect(b.slice(statement.offset.start, statement.offset.end)).toBe(statement.sql);
    expect(right.some((statement) => statement.sql === 'SELECT 42')).toBe(true);
  });
});
