import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ToolName } from '../../src/project/types.js';
import { parsePlan } from '../../src/sources/formats/sqitch-plan.js';
import { readMigrations } from '../../src/sources/index.js';
import { draftsFor } from './sql-drafts.js';
import {
  fixtureCopy,
  removeTemporaryProjects,
  statementsOf,
  temporaryProject,
  writeDraft,
} from './sql-writers-helpers.js';

afterAll(removeTemporaryProjects);

const START = Date.UTC(2026, 11, 6, 9, 5, 7);
const [createTables, addColumn, concurrentIndex] = draftsFor('postgresql');
const addColumnDraft = () => addColumn!;

/** Writes the transactional create-tables draft, then the non-transactional index draft a second later. */
async function generate(tool: ToolName, fixture: string) {
  const root = await fixtureCopy(fixture);
  const first = writeDraft(root, tool, createTables!, new Date(START));
  const second = writeDraft(root, tool, concurrentIndex!, new Date(START + 1000));
  const text = (relative: string) => readFileSync(path.join(root, relative), 'utf8');
  const firstLine = (relative: string) => text(relative).split('\n')[0];
  return { root, first, second, text, firstLine };
}

const paths = (files: { path: string }[]) => files.map((file) => file.path);

describe('generated SQL migrations look like the fixture project’s own', () => {
  it('golang-migrate: next number at the same width, .up/.down pair, BEGIN/COMMIT only where the project wraps', async () => {
    const wrapped = await generate('golang-migrate', 'detect-golang-migrate');
    expect(paths(wrapped.first)).toEqual([
      'db/migrations/000003_add_gen_orders_table.up.sql',
      'db/migrations/000003_add_gen_orders_table.down.sql',
    ]);
    // The project's newest file opens with BEGIN; a transactional migration does the same.
    expect(wrapped.firstLine('db/migrations/000002_add_invoice_status.up.sql')).toBe('BEGIN;');
    expect(wrapped.firstLine(wrapped.first[0]!.path)).toBe('BEGIN;');
    expect(wrapped.text(wrapped.second[0]!.path)).not.toMatch(/^BEGIN;/m);
    expect(wrapped.text(wrapped.second[0]!.path)).toMatch(/^-- golang-migrate has no no-transaction marker/);

    const bare = await generate('golang-migrate', 'sources-golang-migrate');
    expect(paths(bare.first)).toEqual([
      'migrations/11_add_gen_orders_table.up.sql',
      'migrations/11_add_gen_orders_table.down.sql',
    ]);
    expect(bare.text(bare.first[0]!.path)).not.toMatch(/^BEGIN;/m);
  });

  it('dbmate: timestamp names, the same marker lines as the project’s transactional and transaction:false files', async () => {
    const { first, second, firstLine } = await generate('dbmate', 'detect-dbmate');
    expect(paths(first)).toEqual(['db/migrations/20261206090507_add_gen_orders_table.sql']);
    expect(paths(second)).toEqual(['db/migrations/20261206090508_index_gen_orders_total.sql']);
    expect(firstLine(first[0]!.path)).toBe(firstLine('db/migrations/20240601100000_create_teams.sql'));
    expect(firstLine(second[0]!.path)).toBe(firstLine('db/migrations/20240602100000_index_team_name.sql'));
  });

  it('goose: five-digit sequence, Up first, NO TRANSACTION on top like the project’s', async () => {
    const { first, second, firstLine } = await generate('goose', 'detect-goose');
    expect(paths(first)).toEqual(['sql/schema/00003_add_gen_orders_table.sql']);
    expect(paths(second)).toEqual(['sql/schema/00004_index_gen_orders_total.sql']);
    expect(firstLine(first[0]!.path)).toBe(firstLine('sql/schema/00001_create_notes.sql'));
    expect(firstLine(second[0]!.path)).toBe(firstLine('sql/schema/00002_add_note_title.sql'));
  });

  it('sql-migrate: next number, `-- +migrate Up` / `Up notransaction` as the project writes them', async () => {
    const { first, second, firstLine } = await generate('sql-migrate', 'detect-sql-migrate');
    expect(paths(first)).toEqual(['migrations/3_add_gen_orders_table.sql']);
    expect(firstLine(first[0]!.path)).toBe(firstLine('migrations/1_create_contacts.sql'));
    expect(firstLine(second[0]!.path)).toBe(firstLine('migrations/2_add_contact_email.sql'));
  });

  it('Flyway: V<next>__ and U<next>__ after the highest version, script .conf for the concurrent build', async () => {
    const { first, second, text } = await generate('flyway', 'detect-flyway');
    const dir = 'src/main/resources/db/migration';
    expect(paths(first)).toEqual([`${dir}/V3__add_gen_orders_table.sql`, `${dir}/U3__add_gen_orders_table.sql`]);
    expect(paths(second)).toEqual([
      `${dir}/V4__index_gen_orders_total.sql`,
      `${dir}/U4__index_gen_orders_total.sql`,
      `${dir}/V4__index_gen_orders_total.sql.conf`,
      `${dir}/U4__index_gen_orders_total.sql.conf`,
    ]);
    expect(text(`${dir}/V4__index_gen_orders_total.sql.conf`)).toBe('executeInTransaction=false\n');
  });

  it('Diesel: a YYYY-MM-DD-HHMMSS_<name> folder (not the setup migration’s zeros), metadata.toml as the project has it', async () => {
    const { first, second, text } = await generate('diesel', 'detect-diesel');
    expect(paths(first)).toEqual([
      'migrations/2026-12-06-090507_add_gen_orders_table/up.sql',
      'migrations/2026-12-06-090507_add_gen_orders_table/down.sql',
    ]);
    const metadata = 'migrations/2026-12-06-090508_index_gen_orders_total/metadata.toml';
    expect(paths(second)).toContain(metadata);
    const fixtureMetadata = path.resolve(
      import.meta.dirname,
      '../fixtures/sources-diesel/migrations/2024-01-03-000000_posts_index/metadata.toml',
    );
    expect(text(metadata)).toBe(readFileSync(fixtureMetadata, 'utf8'));
  });

  it('sqlx: timestamp .up/.down pair, `-- no-transaction` as the very first line; simple files where the project writes them', async () => {
    const { root, first, second, text, firstLine } = await generate('sqlx', 'detect-sqlx');
    expect(paths(first)).toEqual([
      'migrations/20261206090507_add_gen_orders_table.up.sql',
      'migrations/20261206090507_add_gen_orders_table.down.sql',
    ]);
    expect(paths(second)).toEqual([
      'migrations/20261206090508_index_gen_orders_total.up.sql',
      'migrations/20261206090508_index_gen_orders_total.down.sql',
    ]);
    expect(text(first[0]!.path)).not.toContain('no-transaction');
    expect(firstLine(second[0]!.path)).toBe('-- no-transaction');
    expect(firstLine(second[1]!.path)).toBe('-- no-transaction');
    const read = await readMigrations(root, { engine: 'postgresql' });
    expect(read.migrations.slice(-2).map((migration) => [migration.name, migration.transactional])).toEqual([
      ['add gen orders table', true],
      ['index gen orders total', false],
    ]);

    const simple = await fixtureCopy('detect-sqlx');
    writeFileSync(path.join(simple, 'migrations/20240103000000_seed.sql'), "INSERT INTO notes (body) VALUES ('hi');\n");
    const files = writeDraft(simple, 'sqlx', concurrentIndex!, new Date(START));
    expect(paths(files)).toEqual(['migrations/20261206090507_index_gen_orders_total.sql']);
    const written = readFileSync(path.join(simple, files[0]!.path), 'utf8');
    expect(written.split('\n')[0]).toBe('-- no-transaction');
    expect(written).toContain('-- Down (for review; a simple sqlx migration cannot be reverted');
    const back = await readMigrations(simple, { engine: 'postgresql' });
    expect(back.migrations.at(-1)).toMatchObject({ path: files[0]!.path, transactional: false });
    expect(back.migrations.at(-1)?.down).toBeUndefined();
  });

  it('Sqitch: deploy/revert/verify headed like the templates, the plan line requiring the previous change', async () => {
    const { first, second, text, firstLine } = await generate('sqitch', 'sources-sqitch');
    expect(paths(first)).toEqual([
      'deploy/add_gen_orders_table.sql',
      'revert/add_gen_orders_table.sql',
      'verify/add_gen_orders_table.sql',
      'sqitch.plan',
    ]);
    expect(firstLine('deploy/add_gen_orders_table.sql')).toBe(
      firstLine('deploy/users.sql').replace('users', 'add_gen_orders_table'),
    );
    expect(firstLine('revert/add_gen_orders_table.sql')).toBe(
      firstLine('revert/users.sql').replace('users', 'add_gen_orders_table'),
    );
    expect(text('deploy/add_gen_orders_table.sql')).toMatch(/\nBEGIN;\n[\s\S]*\nCOMMIT;\n$/);
    expect(text('deploy/index_gen_orders_total.sql')).not.toMatch(/^BEGIN;/m);
    expect(text('verify/add_gen_orders_table.sql')).toContain('SELECT id, customer_id FROM gen_orders WHERE FALSE;');
    expect(second.find((file) => file.path === 'sqitch.plan')?.edit).toBe(true);
    const plan = text('sqitch.plan');
    const { changes, errors } = parsePlan(plan, 'sqitch.plan');
    expect(errors).toEqual([]);
    expect(changes.slice(-2).map((change) => [change.name, change.requires])).toEqual([
      ['add_gen_orders_table', ['users']],
      ['index_gen_orders_total', ['add_gen_orders_table']],
    ]);
    expect(plan).toContain(
      'add_gen_orders_table [users] 2026-12-06T09:05:07Z Ada Lovelace <ada@example.com> # add gen orders table\n',
    );
  });

  it('Liquibase: a formatted-SQL changelog numbered after the last include, its include entry in the master', async () => {
    const { first, text, firstLine } = await generate('liquibase', 'sources-liquibase');
    const dir = 'src/main/resources/db/changelog';
    expect(paths(first)).toEqual([`${dir}/changes/005-add_gen_orders_table.sql`, `${dir}/db.changelog-master.xml`]);
    expect(firstLine(`${dir}/changes/005-add_gen_orders_table.sql`)).toBe(firstLine(`${dir}/changes/003-reports.sql`));
    // The author of the newest changeSet signs the new one.
    expect(text(`${dir}/changes/005-add_gen_orders_table.sql`)).toContain('--changeset linus:add_gen_orders_table\n');
    expect(text(`${dir}/changes/006-index_gen_orders_total.sql`)).toContain(
      '--changeset linus:index_gen_orders_total runInTransaction:false\n',
    );
    expect(text(`${dir}/db.changelog-master.xml`)).toContain(
      [
        '  <include file="changes/004-audit.json" relativeToChangelogFile="true"/>',
        '  <include file="changes/005-add_gen_orders_table.sql" relativeToChangelogFile="true"/>',
        '  <include file="changes/006-index_gen_orders_total.sql" relativeToChangelogFile="true"/>',
        '</databaseChangeLog>',
      ].join('\n'),
    );
  });

  it('multi-dialect: the engine’s dialect as the folder spells it, .autocommit like the project’s concurrent build', async () => {
    const { first, second } = await generate('multi-dialect-sql', 'sources-multi-dialect');
    expect(paths(first)).toEqual([
      'migrations/20261206090507_add_gen_orders_table.postgres.up.sql',
      'migrations/20261206090507_add_gen_orders_table.postgres.down.sql',
    ]);
    expect(paths(second)).toEqual([
      'migrations/20261206090508_index_gen_orders_total.postgres.autocommit.up.sql',
      'migrations/20261206090508_index_gen_orders_total.postgres.autocommit.down.sql',
    ]);
  });

  it('Atlas: timestamp name, the txmode header like the project’s, atlas.sum listing every file', async () => {
    const { first, second, text } = await generate('atlas', 'sources-atlas');
    expect(paths(first)).toEqual(['migrations/20261206090507_add_gen_orders_table.sql', 'migrations/atlas.sum']);
    const header = (relative: string) => text(relative).split('\n').slice(0, 2);
    expect(header(second[0]!.path)).toEqual(header('migrations/20240102000000_email_index.sql'));
    const sum = text('migrations/atlas.sum').split('\n');
    expect(sum[0]).toMatch(/^h1:[A-Za-z0-9+/]{43}=$/);
    expect(sum.slice(1, -1).map((line) => line.split(' ')[0])).toEqual([
      '20240101000000_init.sql',
      '20240102000000_email_index.sql',
      '20240103000000_touch.sql',
      '20261206090507_add_gen_orders_table.sql',
      '20261206090508_index_gen_orders_total.sql',
    ]);
  });
});

describe('SQL writers in less common layouts, and what they refuse', () => {
  async function project(files: Record<string, string>): Promise<string> {
    const root = await temporaryProject('layout');
    for (const [relative, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
      writeFileSync(path.join(root, relative), text);
    }
    return root;
  }

  it('Liquibase: a formatted-SQL master gets the changeSet appended; a YAML master gets an include entry', async () => {
    const sqlMaster = await project({
      'db/changelog.sql':
        '--liquibase formatted sql\n\n--changeset ann:1\nCREATE TABLE a (id int);\n--rollback DROP TABLE a;\n',
    });
    const appended = writeDraft(sqlMaster, 'liquibase', createTables!, new Date(START));
    expect(appended.map((file) => [file.path, file.edit])).toEqual([['db/changelog.sql', true]]);
    const sqlRead = await readMigrations(sqlMaster, { engine: 'postgresql' });
    expect(
      sqlRead.migrations.map((migration) => [migration.name, migration.up.length, migration.down?.length]),
    ).toEqual([
      ['ann:1', 1, 1],
      ['ann:add_gen_orders_table', 3, 2],
    ]);

    const yamlMaster = await project({
      'db/changelog/db.changelog-master.yaml':
        'databaseChangeLog:\n  - include:\n      file: db/changelog/001-init.sql\n',
      'db/changelog/001-init.sql':
        '--liquibase formatted sql\n\n--changeset ann:1\nCREATE TABLE a (id int);\n--rollback DROP TABLE a;\n',
    });
    const included = writeDraft(yamlMaster, 'liquibase', concurrentIndex!, new Date(START));
    expect(included.map((file) => file.path)).toEqual([
      'db/changelog/002-index_gen_orders_total.sql',
      'db/changelog/db.changelog-master.yaml',
    ]);
    expect(readFileSync(path.join(yamlMaster, 'db/changelog/db.changelog-master.yaml'), 'utf8')).toBe(
      'databaseChangeLog:\n  - include:\n      file: db/changelog/001-init.sql\n  - include:\n      file: db/changelog/002-index_gen_orders_total.sql\n',
    );
    const yamlRead = await readMigrations(yamlMaster, { engine: 'postgresql' });
    expect(yamlRead.errors).toEqual([]);
    expect(yamlRead.migrations.map((migration) => [migration.name, migration.transactional])).toEqual([
      ['ann:1', true],
      ['ann:index_gen_orders_total', false],
    ]);
  });

  it('Liquibase: a JSON master gets an include object after its last one', async () => {
    const root = await project({
      'changelog/db.changelog-master.json':
        '{\n  "databaseChangeLog": [\n    { "include": { "file": "changelog/001-init.sql" } }\n  ]\n}\n',
      'changelog/001-init.sql':
        '--liquibase formatted sql\n\n--changeset ann:1\nCREATE TABLE a (id int);\n--rollback DROP TABLE a;\n',
    });
    writeDraft(root, 'liquibase', createTables!, new Date(START));
    expect(readFileSync(path.join(root, 'changelog/db.changelog-master.json'), 'utf8')).toBe(
      '{\n  "databaseChangeLog": [\n    { "include": { "file": "changelog/001-init.sql" } },\n    { "include": { "file": "changelog/002-add_gen_orders_table.sql" } }\n  ]\n}\n',
    );
    const read = await readMigrations(root, { engine: 'postgresql' });
    expect(read.errors).toEqual([]);
    expect(read.migrations.map((migration) => migration.name)).toEqual(['ann:1', 'ann:add_gen_orders_table']);
  });

  it('numbers after goose Go migrations, keeps Flyway timestamp versions, follows sqitch.conf script folders', async () => {
    const goose = await project({
      'go.mod': 'module example.com/app\n',
      'migrations/00001_create_a.sql': '-- +goose Up\nCREATE TABLE a (id int);\n\n-- +goose Down\nDROP TABLE a;\n',
      'migrations/00002_backfill_a.go': 'package migrations\n',
    });
    expect(paths(writeDraft(goose, 'goose', createTables!, new Date(START)))).toEqual([
      'migrations/00003_add_gen_orders_table.sql',
    ]);

    const flyway = await project({ 'db/migration/V20240101120000__init.sql': 'CREATE TABLE a (id int);\n' });
    expect(paths(writeDraft(flyway, 'flyway', createTables!, new Date(START)))).toEqual([
      'db/migration/V20261206090507__add_gen_orders_table.sql',
      'db/migration/U20261206090507__add_gen_orders_table.sql',
    ]);

    const sqitch = await project({
      'db/sqitch.conf': '[core]\n\tengine = pg\n\tdeploy_dir = scripts/deploy\n\trevert_dir = scripts/revert\n',
      'db/sqitch.plan': '%syntax-version=1.0.0\n%project=app\n\na 2024-01-01T10:00:00Z Ann <ann@example.com> # A.\n',
      'db/deploy/.keep': '',
      'db/scripts/deploy/a.sql': 'CREATE TABLE a (id int);\n',
      'db/scripts/revert/a.sql': 'DROP TABLE a;\n',
    });
    expect(paths(writeDraft(sqitch, 'sqitch', addColumnDraft(), new Date(START)))).toEqual([
      'db/scripts/deploy/add_gen_orders_note.sql',
      'db/scripts/revert/add_gen_orders_note.sql',
      'db/verify/add_gen_orders_note.sql',
      'db/sqitch.plan',
    ]);
    const read = await readMigrations(sqitch, { engine: 'postgresql' });
    expect(read.migrations.map((migration) => [migration.id, statementsOf(migration.down ?? [])])).toEqual([
      ['a', ['DROP TABLE a']],
      ['add_gen_orders_note', ['ALTER TABLE gen_orders DROP COLUMN note']],
    ]);
  });

  it('refuses to overwrite an existing migration and to add a second Sqitch change of the same name', async () => {
    const dbmate = await fixtureCopy('detect-dbmate');
    writeDraft(dbmate, 'dbmate', createTables!, new Date(START));
    expect(() => writeDraft(dbmate, 'dbmate', createTables!, new Date(START))).toThrow(/already exists/);

    const sqitch = await fixtureCopy('sources-sqitch');
    writeDraft(sqitch, 'sqitch', createTables!, new Date(START));
    expect(() => writeDraft(sqitch, 'sqitch', createTables!, new Date(START + 1000))).toThrow(/sqitch rework/);
  });
});
