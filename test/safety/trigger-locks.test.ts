import { describe, expect, it } from 'vitest';
import { MigrationCatalog } from '../../src/safety/catalog.js';
import { statementLocks } from '../../src/safety/locks.js';
import { SessionState } from '../../src/safety/state.js';
import { parsePostgres } from '../../src/sql/postgres.js';

/** The claims of the last statement of `sql`, after the ones before it were read as history. */
async function lastStatementLocks(sql: string) {
  const catalog = new MigrationCatalog();
  const state = new SessionState(catalog, false);
  const statements = await parsePostgres(sql);
  const last = statements.pop();
  for (const statement of statements) state.apply(statement.ast, []);
  return last ? statementLocks(last.ast, catalog, 15, state).map((lock) => `${lock.table} ${lock.mode}`) : [];
}

describe('DROP FUNCTION … CASCADE and the triggers it drops', () => {
  it('claims each table once, however many of the dropped functions its triggers execute (lemmy replaceable-schema)', async () => {
    const locks = await lastStatementLocks(`
CREATE TABLE comment (id int);
CREATE TABLE post (id int);
CREATE FUNCTION comment_count() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE FUNCTION comment_score() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER comment_count AFTER INSERT ON comment FOR EACH ROW EXECUTE FUNCTION comment_count();
CREATE TRIGGER comment_score AFTER UPDATE ON comment FOR EACH ROW EXECUTE FUNCTION comment_score();
CREATE TRIGGER post_count AFTER INSERT ON post FOR EACH ROW EXECUTE FUNCTION comment_count();
DROP FUNCTION comment_count, comment_score CASCADE;`);
    expect(locks).toEqual(['public.comment ACCESS EXCLUSIVE', 'public.post ACCESS EXCLUSIVE']);
  });

  it('claims nothing for a trigger dropped before, or a table renamed since under its old name', async () => {
    const locks = await lastStatementLocks(`
CREATE TABLE comment (id int);
CREATE TABLE post (id int);
CREATE FUNCTION count_rows() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER comment_count AFTER INSERT ON comment FOR EACH ROW EXECUTE FUNCTION count_rows();
CREATE TRIGGER post_count AFTER INSERT ON post FOR EACH ROW EXECUTE FUNCTION count_rows();
DROP TRIGGER comment_count ON comment;
ALTER TABLE post RENAME TO article;
DROP FUNCTION count_rows() CASCADE;`);
    expect(locks).toEqual(['public.article ACCESS EXCLUSIVE']);
  });
});

describe('the statements of a trigger function lock what they touch when the trigger fires', () => {
  const history = `
CREATE TABLE post (id int, title text, score int);
CREATE TABLE site_counts (posts int);
CREATE MATERIALIZED VIEW hot_posts AS SELECT id FROM post;
CREATE FUNCTION count_post() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE site_counts SET posts = posts + 1;
  RETURN NEW;
END $$;
CREATE FUNCTION refresh_hot() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN REFRESH MATERIALIZED VIEW hot_posts; RETURN NULL; END $$;
CREATE TRIGGER post_count AFTER INSERT OR UPDATE OF title ON post FOR EACH ROW EXECUTE FUNCTION count_post();
CREATE TRIGGER post_refresh AFTER DELETE ON post FOR EACH STATEMENT EXECUTE FUNCTION refresh_hot();
`;

  it('claims the tables the function writes, and a materialized view it refreshes (lemmy)', async () => {
    expect(await lastStatementLocks(`${history}INSERT INTO post VALUES (1, 'a', 0);`)).toEqual([
      'public.post ROW EXCLUSIVE',
      'public.site_counts ROW EXCLUSIVE',
    ]);
    expect(await lastStatementLocks(`${history}DELETE FROM post WHERE id = 1;`)).toContain(
      'public.hot_posts ACCESS EXCLUSIVE',
    );
  });

  it('claims nothing for a trigger that does not fire: another event, columns not set, a table left empty', async () => {
    expect(await lastStatementLocks(`${history}UPDATE post SET score = 1;`)).toEqual(['public.post ROW EXCLUSIVE']);
    expect(await lastStatementLocks(`${history}UPDATE post SET title = 'b';`)).toContain(
      'public.site_counts ROW EXCLUSIVE',
    );
    expect(await lastStatementLocks(`${history}BEGIN;\nTRUNCATE post;\nUPDATE post SET title = 'b';`)).not.toContain(
      'public.site_counts ROW EXCLUSIVE',
    );
    // A statement trigger fires even when no row is deleted.
    expect(await lastStatementLocks(`${history}BEGIN;\nTRUNCATE post;\nDELETE FROM post;`)).toContain(
      'public.hot_posts ACCESS EXCLUSIVE',
    );
  });

  it('follows CREATE OR REPLACE FUNCTION and forgets a dropped trigger', async () => {
    const replaced = `${history}CREATE OR REPLACE FUNCTION count_post() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n`;
    expect(await lastStatementLocks(`${replaced}INSERT INTO post VALUES (1, 'a', 0);`)).toEqual([
      'public.post ROW EXCLUSIVE',
    ]);
    expect(
      await lastStatementLocks(`${history}DROP TRIGGER post_refresh ON post;\nDELETE FROM post WHERE id = 1;`),
    ).toEqual(['public.post ROW EXCLUSIVE']);
  });

  it('runs the branch of IF TG_OP = … that the event takes, and any branch it cannot tell', async () => {
    const split = `
CREATE TABLE post (id int, score int);
CREATE TABLE added (n int);
CREATE TABLE removed (n int);
CREATE TABLE touched (n int);
CREATE FUNCTION track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (TG_OP = 'INSERT') THEN
    UPDATE added SET n = n + 1;
  ELSIF TG_OP IN ('DELETE', 'TRUNCATE') AND NEW IS NULL THEN
    UPDATE removed SET n = n + 1;
  ELSE
    IF NEW.score > 10 THEN UPDATE touched SET n = n + 1; END IF;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER post_track AFTER INSERT OR UPDATE OR DELETE ON post FOR EACH ROW EXECUTE FUNCTION track();
`;
    expect(await lastStatementLocks(`${split}INSERT INTO post VALUES (1, 1);`)).toEqual([
      'public.post ROW EXCLUSIVE',
      'public.added ROW EXCLUSIVE',
    ]);
    // NEW IS NULL is not known: the DELETE branch may be skipped, so the ELSE may run too.
    expect(await lastStatementLocks(`${split}DELETE FROM post WHERE id = 1;`)).toEqual([
      'public.post ROW EXCLUSIVE',
      'public.removed ROW EXCLUSIVE',
      'public.touched ROW EXCLUSIVE',
    ]);
    expect(await lastStatementLocks(`${split}UPDATE post SET score = 2;`)).toEqual([
      'public.post ROW EXCLUSIVE',
      'public.touched ROW EXCLUSIVE',
    ]);
  });
});
