import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/generate/changes.js';
import { generateMigration } from '../../src/generate/generate.js';
import { mysqlAvailable } from '../helpers/databases.js';
import { applyDown, applyUp, makeProject, openTarget, removeProject, shadowUrlOf } from './helpers.js';

/**
 * MySQL/MariaDB online DDL: ALGORITHM=INSTANT / ALGORITHM=INPLACE, LOCK=NONE are asked for only when the target
 * server's version is known (the caller's serverVersion or detect_setup); unknown, the result says so instead of
 * guessing. Either way the migrations apply on the MariaDB server, and lock_wait_timeout is the session's own
 * again once they ran.
 */

const mysql = await mysqlAvailable();

const CHANGES: Change[] = [
  { op: 'add_column', table: 'people', column: { name: 'nickname', type: 'varchar(50)' } },
  { op: 'add_index', table: 'people', columns: ['nickname'] },
];

describe.skipIf(!mysql.available)('MySQL online DDL clauses on the MariaDB server', () => {
  it.each([
    ['mariadb 10.11', true],
    [undefined, false],
  ])('serverVersion %s', { timeout: 120_000 }, async (serverVersion, online) => {
    const db = await openTarget('mariadb');
    if (!db) return;
    const root = makeProject({
      'migrations/001_create_people.sql': 'CREATE TABLE people (id integer PRIMARY KEY, name varchar(100));\n',
      'migrations/down/001_create_people.sql': 'DROP TABLE people;\n',
    });
    try {
      const result = await generateMigration({
        root,
        changes: CHANGES,
        engine: 'mysql',
        shadowUrl: shadowUrlOf('mariadb')!,
        rowsPerTable: 10,
        ...(serverVersion ? { serverVersion } : {}),
      });
      expect(result.rehearsal.map((item) => item.outcome)).toEqual(result.drafts.map(() => 'passed'));
      const up = result.drafts.flatMap((draft) => draft.up);
      const versionNote = result.notes.filter((note) => /serverVersion/.test(note));
      if (online) {
        expect(up).toContain('ALTER TABLE `people` ADD COLUMN IF NOT EXISTS `nickname` varchar(50), ALGORITHM=INSTANT');
        expect(up).toContain(
          'ALTER TABLE `people` ADD INDEX IF NOT EXISTS `people_nickname_idx` (`nickname`), ALGORITHM=INPLACE, LOCK=NONE',
        );
        expect(versionNote).toEqual([]);
      } else {
        expect(up.join('\n')).not.toMatch(/ALGORITHM|LOCK=/);
        expect(versionNote).toHaveLength(1);
        expect(versionNote[0]).toMatch(
          /^Target server version unknown: no ALGORITHM=INSTANT or ALGORITHM=INPLACE, LOCK=NONE was asked for.* Pass serverVersion \(the shadow runs mariadb 10\.11\.\d+\)/,
        );
      }
      expect(up.at(-1)).toBe('SET SESSION lock_wait_timeout = DEFAULT');

      await applyUp(db, root, 'migrations', 'mysql', 0, 1);
      await db.exec("INSERT INTO people (id, name) VALUES (1, 'a'), (2, 'b')");
      const [global] = await db.query<{ value: number }>('SELECT @@GLOBAL.lock_wait_timeout AS value');
      await applyUp(db, root, 'migrations', 'mysql', 1);
      const [session] = await db.query<{ value: number }>('SELECT @@SESSION.lock_wait_timeout AS value');
      expect(Number(session?.value)).toBe(Number(global?.value));
      const people = (await db.introspect()).tables.find((table) => table.name === 'people');
      expect(people?.indexes.map((index) => index.name)).toContain('people_nickname_idx');
      await applyDown(db, root, 'migrations', 'mysql', result.drafts.length);
      expect((await db.query('SELECT id FROM people')).length).toBe(2);
    } finally {
      await db.close();
      removeProject(root);
    }
  });
});
