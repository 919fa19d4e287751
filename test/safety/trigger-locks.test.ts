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
