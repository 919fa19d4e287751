import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Migration } from '../../src/model.js';
import { readMigrations } from '../../src/sources/index.js';
import { runCli } from '../helpers/cli.js';
import { railsProject } from '../helpers/rails-project.js';

/**
 * The SQL ActiveRecord's PostgreSQL adapter runs for a migration, per its ActiveRecord::Migration[x.y] version (the
 * compatibility layers of activerecord/lib/active_record/migration/compatibility.rb), as Discourse's migrations
 * (activerecord 6.1) showed it.
 */

const temporary: string[] = [];
afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A migration class of `version` whose `up` is `body`. */
const up = (version: string, body: string[]) => [
  `class M < ActiveRecord::Migration${version}`,
  '  def up',
  ...body.map((line) => `    ${line}`),
  '  end',
  'end',
];

const sqlOf = (migration: Migration | undefined) => migration?.up.map((statement) => statement.sql) ?? [];

let pglite: PGlite | undefined;
afterAll(async () => {
  await pglite?.close();
});

/** A fresh schema on the shared PGlite, the search path set to it. */
async function schema(name: string): Promise<PGlite> {
  pglite ??= new PGlite();
  await pglite.exec(`CREATE SCHEMA ${name}; SET search_path TO ${name}`);
  return pglite;
}

async function run(db: PGlite, statements: string[]): Promise<void> {
  for (const sql of statements) await db.exec(sql);
}

describe('Rails change_column with default: and null:', () => {
  const create = up('[4.2]', ['create_table :users do |t|', '  t.boolean :active', 'end']);
  const change = 'change_column :users, :active, :boolean, default: false, null: false';

  it('Migration[5.1] and older run the type change, change_column_default, then change_column_null with its UPDATE (discourse 20140813175357)', async () => {
    const dir = railsProject(temporary, 'rails-change-column-', {
      '20140101000000_create.rb': create,
      '20140813175357_add_default_to_active.rb': up('[4.2]', [change]),
      '20180101000000_five_one.rb': up('[5.1]', ['change_column :users, :active, :boolean, default: nil, null: true']),
      '20120101000000_rails4.rb': up('', ['change_column :users, :active, :boolean, default: nil, null: false']),
    });
    const result = await readMigrations(dir, { engine: 'postgresql' });
    expect(result.errors).toEqual([]);
    const [rails4, , legacy, fiveOne] = result.migrations;
    expect(sqlOf(legacy)).toEqual([
      'ALTER TABLE "users" ALTER COLUMN "active" TYPE boolean',
      'ALTER TABLE "users" ALTER COLUMN "active" SET DEFAULT FALSE',
      'UPDATE "users" SET "active"=FALSE WHERE "active" IS NULL',
      'ALTER TABLE "users" ALTER COLUMN "active" SET NOT NULL',
    ]);
    // default: nil is DROP DEFAULT; no UPDATE without a default.
    expect(sqlOf(fiveOne)).toEqual([
      'ALTER TABLE "users" ALTER COLUMN "active" TYPE boolean',
      'ALTER TABLE "users" ALTER COLUMN "active" DROP DEFAULT',
      'ALTER TABLE "users" ALTER COLUMN "active" DROP NOT NULL',
    ]);
    // Rails 4 left the default alone when it was nil with null: false (options_include_default?).
    expect(sqlOf(rails4)).toEqual([
      'ALTER TABLE "users" ALTER COLUMN "active" TYPE boolean',
      'ALTER TABLE "users" ALTER COLUMN "active" SET NOT NULL',
    ]);
    // Like Rails, it succeeds on a table with a NULL row, which gets the default.
    const db = await schema('rails_change_column_legacy');
    await run(db, sqlOf(result.migrations[1]));
    await db.exec('INSERT INTO users (active) VALUES (NULL)');
    await run(db, sqlOf(legacy));
    expect((await db.query('SELECT active FROM users')).rows).toEqual([{ active: false }]);
    await db.exec('SET search_path TO public');
  });

  it('Migration[5.2] and later run one ALTER TABLE: type, default, then null', async () => {
    const dir = railsProject(temporary, 'rails-change-column-', {
      '20140101000000_create.rb': create,
      '20190101000000_five_two.rb': up('[5.2]', [change]),
      '20200101000000_six.rb': up('[6.0]', [
        "change_column :users, :active, :string, limit: 5, default: 'yes', null: true, using: 'active::text'",
      ]),
    });
    const result = await readMigrations(dir, { engine: 'postgresql' });
    expect(result.errors).toEqual([]);
    expect(sqlOf(result.migrations[1])).toEqual([
      'ALTER TABLE "users" ALTER COLUMN "active" TYPE boolean, ALTER COLUMN "active" SET DEFAULT FALSE, ALTER COLUMN "active" SET NOT NULL',
    ]);
    expect(sqlOf(result.migrations[2])).toEqual([
      'ALTER TABLE "users" ALTER COLUMN "active" TYPE varchar(5) USING active::text, ALTER COLUMN "active" SET DEFAULT \'yes\', ALTER COLUMN "active" DROP NOT NULL',
    ]);
    const db = await schema('rails_change_column_combined');
    await run(db, sqlOf(result.migrations[0]));
    await db.exec('INSERT INTO users (active) VALUES (TRUE)');
    await run(db, [...sqlOf(result.migrations[1]), ...sqlOf(result.migrations[2])]);
    await db.exec('INSERT INTO users DEFAULT VALUES');
    expect((await db.query('SELECT active FROM users ORDER BY id')).rows).toEqual([
      { active: 'true' },
      { active: 'yes' },
    ]);
    await db.exec('SET search_path TO public');
  });
});

describe('Rails date and time defaults', () => {
  it('a string default of a date or time column is type-cast as Rails casts it (discourse 20200417183143)', async () => {
    const dir = railsProject(temporary, 'rails-time-defaults-', {
      '20200101000000_create.rb': up('[6.0]', ['create_table :user_badges do |t|', '  t.datetime :granted_at', 'end']),
      '20200417183143_add_created_at_to_badge_user.rb': up('[6.0]', [
        'add_column :user_badges, :created_at, :datetime, null: true',
        "execute 'UPDATE user_badges SET created_at = granted_at WHERE created_at IS NULL'",
        "change_column :user_badges, :created_at, :datetime, null: false, default: 'current_timestamp'",
      ]),
      '20200501000000_more.rb': up('[6.0]', [
        "add_column :user_badges, :seen_on, :date, default: 'today'",
        "add_column :user_badges, :starts_at, :datetime, default: '2020-01-01 10:00:00'",
        "add_column :user_badges, :noon, :time, default: '12:00'",
        "add_column :user_badges, :ends_at, :datetime, default: 'infinity'",
        "add_column :user_badges, :touched_at, :datetime, default: -> { 'CURRENT_TIMESTAMP' }",
        "add_column :user_badges, :label, :string, default: 'now'",
      ]),
      '20200601000000_unreadable.rb': up('[6.0]', ["add_column :user_badges, :due_on, :date, default: 'Jan 1 2020'"]),
    });
    const result = await readMigrations(dir, { engine: 'postgresql' });
    // 'Jan 1 2020' may or may not be read as a date by Rails: reported, not guessed.
    expect(result.errors.map((error) => [error.path, error.error.where?.line, error.error.what])).toEqual([
      [
        'db/migrate/20200601000000_unreadable.rb',
        3,
        expect.stringContaining('Rails casts the default to :date, and the reader cannot tell'),
      ],
    ]);
    const [create, badge, more] = result.migrations;
    // A datetime cast of 'current_timestamp' is nil: SET DEFAULT NULL, which PostgreSQL takes (the string it rejects).
    expect(sqlOf(badge)).toEqual([
      'ALTER TABLE "user_badges" ADD COLUMN "created_at" timestamp(6)',
      'UPDATE user_badges SET created_at = granted_at WHERE created_at IS NULL',
      'ALTER TABLE "user_badges" ALTER COLUMN "created_at" TYPE timestamp(6), ALTER COLUMN "created_at" SET DEFAULT NULL, ALTER COLUMN "created_at" SET NOT NULL',
    ]);
    expect(sqlOf(more)).toEqual([
      'ALTER TABLE "user_badges" ADD COLUMN "seen_on" date DEFAULT NULL',
      'ALTER TABLE "user_badges" ADD COLUMN "starts_at" timestamp(6) DEFAULT \'2020-01-01 10:00:00\'',
      'ALTER TABLE "user_badges" ADD COLUMN "noon" time DEFAULT \'12:00\'',
      'ALTER TABLE "user_badges" ADD COLUMN "ends_at" timestamp(6) DEFAULT \'Infinity\'',
      'ALTER TABLE "user_badges" ADD COLUMN "touched_at" timestamp(6) DEFAULT CURRENT_TIMESTAMP',
      'ALTER TABLE "user_badges" ADD COLUMN "label" character varying DEFAULT \'now\'',
    ]);
    const db = await schema('rails_time_defaults');
    await run(db, [...sqlOf(create), ...sqlOf(badge), ...sqlOf(more)]);
    await db.exec('INSERT INTO user_badges (granted_at, created_at) VALUES (now(), now())');
    const row = await db.query('SELECT seen_on, noon, ends_at, touched_at IS NOT NULL AS touched FROM user_badges');
    expect(row.rows).toEqual([{ seen_on: null, noon: '12:00:00', ends_at: Number.POSITIVE_INFINITY, touched: true }]);
    await db.exec('SET search_path TO public');
  });
});

describe('Rails add_index options', () => {
  it('order: and opclass: are written after each column, and an expression index is named after its words (discourse)', async () => {
    const dir = railsProject(temporary, 'rails-index-order-', {
      '20120101000000_create.rb': up('[4.2]', [
        'create_table :email_logs do |t|',
        '  t.integer :user_id',
        '  t.datetime :created_at',
        '  t.string :name',
        'end',
      ]),
      '20121011155904_indexes.rb': up('[4.2]', [
        'add_index :email_logs, :created_at, order: { created_at: :desc }',
        'add_index :email_logs, [:user_id, :created_at], order: { created_at: :desc }',
        "add_index :email_logs, :user_id, order: 'desc nulls last', name: 'logs_user_desc'",
        'add_index :email_logs, [:user_id, :name], order: :desc, name: :logs_both_desc',
        "add_index :email_logs, :name, opclass: :text_pattern_ops, order: { name: :desc }, name: 'logs_name_pattern'",
        "add_index :email_logs, 'lower(name)', unique: true",
        "remove_index :email_logs, 'lower(name)'",
      ]),
    });
    const result = await readMigrations(dir, { engine: 'postgresql' });
    expect(result.errors).toEqual([]);
    expect(sqlOf(result.migrations[1])).toEqual([
      'CREATE INDEX "index_email_logs_on_created_at" ON "email_logs" ("created_at" DESC)',
      'CREATE INDEX "index_email_logs_on_user_id_and_created_at" ON "email_logs" ("user_id", "created_at" DESC)',
      'CREATE INDEX "logs_user_desc" ON "email_logs" ("user_id" DESC NULLS LAST)',
      'CREATE INDEX "logs_both_desc" ON "email_logs" ("user_id" DESC, "name" DESC)',
      'CREATE INDEX "logs_name_pattern" ON "email_logs" ("name" text_pattern_ops DESC)',
      'CREATE UNIQUE INDEX "index_email_logs_on_lower_name" ON "email_logs" (lower(name))',
      'DROP INDEX "index_email_logs_on_lower_name"',
    ]);
    const db = await schema('rails_index_order');
    await run(db, [...sqlOf(result.migrations[0]), ...sqlOf(result.migrations[1])]);
    const definition = await db.query<{ def: string }>(
      "SELECT pg_get_indexdef('index_email_logs_on_user_id_and_created_at'::regclass) AS def",
    );
    expect(definition.rows[0]?.def).toContain('(user_id, created_at DESC)');
    await db.exec('SET search_path TO public');
  });
});

describe('Rails string interpolation', () => {
  it('#{name} of a literal of the file is written in; any other interpolation is reported, never passed on as SQL (discourse 20140904055702)', async () => {
    const dir = railsProject(temporary, 'rails-interpolation-', {
      '20140101000000_create.rb': up('[4.2]', [
        'create_table :post_actions do |t|',
        '  t.integer :user_id',
        '  t.integer :post_action_type_id',
        'end',
      ]),
      '20140904055702_correct_post_action_index.rb': [
        'class CorrectPostActionIndex < ActiveRecord::Migration[4.2]',
        "  TABLE ||= 'post_actions'",
        '  def up',
        '    flag_ids = "3,4,7,8"',
        '    x = execute "DELETE FROM #{TABLE} WHERE post_action_type_id IN (#{flag_ids})"',
        '    add_index :post_actions, :user_id, name: "idx_unique_flags", unique: true,',
        '      where: "post_action_type_id IN (#{flag_ids})"',
        '    ids = DB.query_single("SELECT id FROM post_action_types").join(",")',
        '    add_index :post_actions, :user_id, name: "idx_flags", where: "post_action_type_id IN (#{ids})"',
        '    add_index :post_actions, :post_action_type_id, name: "idx_#{ids}"',
        '    say "done with #{ids}"',
        '    batch = 0',
        '    batch += 1',
        '    execute "UPDATE post_actions SET user_id = #{batch}"',
        "    sql = 'DELETE FROM post_actions WHERE user_id IS NULL'",
        '    execute sql',
        '  end',
        'end',
      ],
      '20201109170951_migrate_github_user_infos.rb': up('[6.0]', [
        'maintain_ids = DB.query_single("SELECT count(*) FROM post_actions")[0] == 0',
        'execute <<~SQL',
        '  INSERT INTO post_actions (user_id',
        '    #{", id" if maintain_ids}',
        '  ) SELECT 1 #{", 2" if maintain_ids}',
        'SQL',
      ]),
    });
    const result = await readMigrations(dir, { engine: 'postgresql' });
    expect(result.errors.map((error) => [error.path.slice(11, 25), error.error.where?.line, error.error.what])).toEqual(
      [
        ['20140904055702', 8, expect.stringContaining('this call is not translated: ids = DB.query_single')],
        ['20140904055702', 9, expect.stringContaining('#{ids} interpolates a value that is not a literal of the file')],
        ['20140904055702', 10, expect.stringContaining('#{ids} interpolates a value')],
        // Assigned twice: not a literal.
        ['20140904055702', 13, expect.stringContaining('this call is not translated: batch += 1')],
        ['20140904055702', 14, expect.stringContaining('#{batch} interpolates a value')],
        ['20201109170951', 3, expect.stringContaining('this call is not translated: maintain_ids =')],
        // The interpolated `if` is inside the heredoc: the execute is reported, not read as a guarded call.
        ['20201109170951', 4, expect.stringContaining('#{", id" if maintain_ids} interpolates a value')],
      ],
    );
    expect(sqlOf(result.migrations[1])).toEqual([
      'DELETE FROM post_actions WHERE post_action_type_id IN (3,4,7,8)',
      'CREATE UNIQUE INDEX "idx_unique_flags" ON "post_actions" ("user_id") WHERE post_action_type_id IN (3,4,7,8)',
      'DELETE FROM post_actions WHERE user_id IS NULL',
    ]);
    expect(result.migrations[2]?.notes.join('\n')).not.toContain('depends on the database');
    const db = await schema('rails_interpolation');
    await run(db, [...sqlOf(result.migrations[0]), ...sqlOf(result.migrations[1])]);
    await db.exec('SET search_path TO public');
  });

  it("check of one file goes on when an earlier migration's SQL does not parse: a note, and the history is partial", async () => {
    const dir = railsProject(temporary, 'rails-history-syntax-', {
      '20140101000000_create.rb': up('[4.2]', ['create_table :users do |t|', '  t.string :name', 'end']),
      '20140201000000_broken.rb': up('[4.2]', ['execute "UPDATE users SET name = {oops}"']),
      '20140301000000_later.rb': up('[4.2]', ['remove_column :users, :name']),
    });
    const { code, out, err } = await runCli(['check', 'db/migrate/20140301000000_later.rb', '--format', 'json'], {
      cwd: dir,
    });
    expect(err).toBe('');
    expect(code).toBe(1);
    const report = JSON.parse(out) as {
      notes: string[];
      files: Array<{ file: string; findings: Array<{ ruleId: string }> }>;
    };
    expect(report.notes).toContainEqual(
      expect.stringMatching(
        /^db\/migrate\/20140201000000_broken\.rb \(earlier migration\) could not be read: PostgreSQL syntax error: /,
      ),
    );
    expect(report.files.map((file) => file.file)).toEqual(['db/migrate/20140301000000_later.rb']);
    expect(report.files[0]?.findings.map((finding) => finding.ruleId)).toContain('drop-column');
  });
});

describe("Discourse's migration helpers", () => {
  it('DB.exec of a literal runs it; SafeMigrate runs nothing; begin … ensure is read through; update "SQL" runs it; ColumnDropper.execute_drop drops (discourse)', async () => {
    const dir = railsProject(temporary, 'rails-discourse-helpers-', {
      '20180101000000_create.rb': up('[5.1]', [
        'create_table :search_logs do |t|',
        '  t.inet :ip_address, null: false',
        '  t.integer :trust_level',
        '  t.string :old_a',
        '  t.string :old_b',
        'end',
      ]),
      '20180521184439_allow_null_ip_search_log.rb': [
        'class AllowNullIpSearchLog < ActiveRecord::Migration[5.1]',
        '  def up',
        '    begin',
        '      Migration::SafeMigrate.disable!',
        '      change_column :search_logs, :ip_address, :inet, null: true',
        '    ensure',
        '      Migration::SafeMigrate.enable!',
        '    end',
        '    DB.exec(<<~SQL)',
        '      UPDATE search_logs SET trust_level = 0 WHERE trust_level IS NULL',
        '    SQL',
        '    rows = DB.exec "DELETE FROM search_logs WHERE trust_level > 4"',
        '    DB.exec("UPDATE search_logs SET trust_level = :level", level: 1)',
        '    update "UPDATE search_logs set trust_level = 1"',
        '    Migration::ColumnDropper.execute_drop(:search_logs, [:old_a, :old_b])',
        '    DROPPED.each do |table, columns|',
        '      Migration::ColumnDropper.execute_drop(table, columns)',
        '    end',
        '  end',
        '  def down',
        '  end',
        'end',
      ],
      '20191211170000_add_hashed_api_key.rb': [
        'class AddHashedApiKey < ActiveRecord::Migration[6.0]',
        '  def up',
        '    begin',
        '      batch = DB.query "SELECT id FROM search_logs LIMIT 10"',
        '    end until batch.length < 10',
        '    begin',
        '      execute "UPDATE search_logs SET trust_level = 2"',
        '    rescue PG::Error',
        '      execute "UPDATE search_logs SET trust_level = 3"',
        '    end',
        '  end',
        '  def down',
        '    raise ActiveRecord::IrreversibleMigration',
        '  end',
        'end',
      ],
    });
    const result = await readMigrations(dir, { engine: 'postgresql' });
    expect(result.errors.map((error) => [error.path.slice(11, 25), error.error.where?.line, error.error.what])).toEqual(
      [
        ['20180521184439', 13, expect.stringContaining('DB.exec with parameters')],
        ['20180521184439', 16, expect.stringContaining('this call is not translated: DROPPED.each')],
        ['20191211170000', 3, expect.stringContaining('a begin … end loop runs its body an unknown number of times')],
      ],
    );
    const [, helpers, api] = result.migrations;
    expect(sqlOf(helpers)).toEqual([
      'ALTER TABLE "search_logs" ALTER COLUMN "ip_address" TYPE inet',
      'ALTER TABLE "search_logs" ALTER COLUMN "ip_address" DROP NOT NULL',
      'UPDATE search_logs SET trust_level = 0 WHERE trust_level IS NULL',
      'DELETE FROM search_logs WHERE trust_level > 4',
      'UPDATE search_logs set trust_level = 1',
      'DROP FUNCTION IF EXISTS discourse_functions.raise_search_logs_old_a_readonly() CASCADE',
      'DROP FUNCTION IF EXISTS raise_search_logs_old_a_readonly() CASCADE',
      'ALTER TABLE search_logs DROP COLUMN IF EXISTS old_a',
      'DROP FUNCTION IF EXISTS discourse_functions.raise_search_logs_old_b_readonly() CASCADE',
      'DROP FUNCTION IF EXISTS raise_search_logs_old_b_readonly() CASCADE',
      'ALTER TABLE search_logs DROP COLUMN IF EXISTS old_b',
    ]);
    // The loop's `end until` closes it: the rest of up and def down are read (def down raises: irreversible).
    expect(sqlOf(api)).toEqual(['UPDATE search_logs SET trust_level = 2']);
    expect(api?.notes).toContain('down raises (line 13): irreversible by design.');
    expect(api?.notes).toContainEqual(expect.stringContaining('Line 6: begin … rescue is read as if nothing raises'));
    const db = await schema('rails_discourse_helpers');
    await run(db, [...sqlOf(result.migrations[0]), ...sqlOf(helpers), ...sqlOf(api)]);
    await db.exec('SET search_path TO public');
  });
});

describe('Rails column types written as SQL', () => {
  it('change_column with a type string Rails does not know writes it as it is (discourse 20180716072125)', async () => {
    const dir = railsProject(temporary, 'rails-written-type-', {
      '20180101000000_create.rb': up('[5.1]', ['create_table :email_logs do |t|', '  t.string :bounce_key', 'end']),
      '20180716072125_alter_bounce_key_on_email_logs.rb': up('[5.1]', [
        "change_column :email_logs, :bounce_key, 'uuid USING bounce_key::uuid'",
        "add_column :email_logs, :codes, 'varchar(3)[]'",
      ]),
    });
    const result = await readMigrations(dir, { engine: 'postgresql' });
    expect(result.errors).toEqual([]);
    expect(sqlOf(result.migrations[1])).toEqual([
      'ALTER TABLE "email_logs" ALTER COLUMN "bounce_key" TYPE uuid USING bounce_key::uuid',
      'ALTER TABLE "email_logs" ADD COLUMN "codes" varchar(3)[]',
    ]);
    const db = await schema('rails_written_type');
    await run(db, sqlOf(result.migrations[0]));
    await db.exec("INSERT INTO email_logs (bounce_key) VALUES ('8b1f3c1e-8d2a-4c55-9a55-7a1a0c8e1f00')");
    await run(db, sqlOf(result.migrations[1]));
    await db.exec('SET search_path TO public');
  });
});

describe('Rails rename_table and rename_column rename indexes and sequences', () => {
  const migrations = {
    '20120101000000_create_actions.rb': up('[5.1]', [
      'create_table :actions do |t|',
      '  t.integer :user_id',
      '  t.integer :acting_user_id',
      '  t.integer :action_type',
      '  t.string :name',
      '  t.index :user_id',
      'end',
      'add_index :actions, [:user_id, :action_type]',
      "add_index :actions, :acting_user_id, name: 'actions_by_actor'",
      "add_index :actions, 'lower(name)'",
      'create_table :links, id: false do |t|',
      '  t.integer :action_id',
      'end',
      'add_index :links, :action_id',
      "execute 'CREATE TABLE legacy (id serial PRIMARY KEY, code text)'",
      "execute 'CREATE INDEX index_legacy_on_code ON legacy (code)'",
      "execute 'ALTER TABLE legacy ADD CONSTRAINT legacy_code UNIQUE (code)'",
    ]),
    '20120810064839_rename_actions_to_user_actions.rb': [
      'class RenameActionsToUserActions < ActiveRecord::Migration[5.1]',
      '  def change',
      '    rename_table :actions, :user_actions',
      '    rename_column :user_actions, :user_id, :owner_id',
      '    rename_table :links, :action_links',
      '    rename_table :legacy, :old_legacy',
      '    rename_table :from_schema_rb, :elsewhere',
      '  end',
      'end',
    ],
  };

  it('as Rails finds them in the database: the primary key index, the default-named sequence and indexes (discourse 20120810064839)', async () => {
    const dir = railsProject(temporary, 'rails-renames-', migrations);
    const result = await readMigrations(dir, { engine: 'postgresql' });
    expect(result.errors).toEqual([]);
    const rename = result.migrations[1];
    expect(sqlOf(rename)).toEqual([
      'ALTER TABLE "actions" RENAME TO "user_actions"',
      'ALTER INDEX "actions_pkey" RENAME TO "user_actions_pkey"',
      'ALTER SEQUENCE "actions_id_seq" RENAME TO "user_actions_id_seq"',
      'ALTER INDEX "index_actions_on_user_id" RENAME TO "index_user_actions_on_user_id"',
      'ALTER INDEX "index_actions_on_user_id_and_action_type" RENAME TO "index_user_actions_on_user_id_and_action_type"',
      'ALTER TABLE "user_actions" RENAME COLUMN "user_id" TO "owner_id"',
      'ALTER INDEX "index_user_actions_on_user_id" RENAME TO "index_user_actions_on_owner_id"',
      'ALTER INDEX "index_user_actions_on_user_id_and_action_type" RENAME TO "index_user_actions_on_owner_id_and_action_type"',
      // No primary key: only the index.
      'ALTER TABLE "links" RENAME TO "action_links"',
      'ALTER INDEX "index_links_on_action_id" RENAME TO "index_action_links_on_action_id"',
      'ALTER TABLE "legacy" RENAME TO "old_legacy"',
      'ALTER TABLE "from_schema_rb" RENAME TO "elsewhere"',
    ]);
    // The reader does not guess what it cannot know: it says so.
    expect(rename?.notes).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          "Line 6: rename_table also renames legacy's primary key index, its id sequence (when it has the default name) and its indexes with Rails' default names; the reader does not know legacy's (ALTER TABLE legacy ADD CONSTRAINT",
        ),
        expect.stringContaining("the reader does not know from_schema_rb's (no migration it read creates the table)"),
      ]),
    );
    // Checking the one file: the earlier migrations are read for what they create.
    const one = await readMigrations(dir, {
      engine: 'postgresql',
      path: 'db/migrate/20120810064839_rename_actions_to_user_actions.rb',
    });
    expect(one.migrations.map(sqlOf)).toEqual([sqlOf(rename)]);
    // Up, then the derived down, run on PostgreSQL; each rename finds its index.
    const db = await schema('rails_renames');
    await run(db, sqlOf(result.migrations[0]));
    await db.exec('CREATE TABLE from_schema_rb (id integer)');
    const indexes = async () =>
      (
        await db.query<{ name: string }>(
          "SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'rails_renames' ORDER BY 1",
        )
      ).rows.map((row) => row.name);
    const before = await indexes();
    await run(db, sqlOf(rename));
    expect(await indexes()).toEqual([
      'actions_by_actor',
      'index_action_links_on_action_id',
      'index_actions_on_lower_name',
      'index_legacy_on_code',
      'index_user_actions_on_owner_id',
      'index_user_actions_on_owner_id_and_action_type',
      'legacy_code',
      'legacy_pkey',
      'user_actions_pkey',
    ]);
    expect(
      (await db.query("SELECT sequencename FROM pg_sequences WHERE schemaname = 'rails_renames' ORDER BY 1")).rows,
    ).toEqual([{ sequencename: 'legacy_id_seq' }, { sequencename: 'user_actions_id_seq' }]);
    await run(db, rename?.down?.map((statement) => statement.sql) ?? []);
    expect(await indexes()).toEqual(before);
    await db.exec('SET search_path TO public');
  });
});

describe('Rails change_table: each call sees the calls before it', () => {
  it('a rename_column after remove_index renames no dropped index, a second rename finds the index the first renamed (mastodon 20170112154826)', async () => {
    const dir = railsProject(temporary, 'rails-change-table-order-', {
      '20160101000000_create_settings.rb': up('[4.2]', [
        'create_table :settings do |t|',
        '  t.string :var, null: false',
        '  t.integer :target_id, null: false',
        "  t.string :target_type, null: false, default: ''",
        'end',
        'add_index :settings, [:target_type, :target_id, :var], unique: true',
        'add_index :settings, [:target_type, :target_id]',
      ]),
      '20170112154826_migrate_settings.rb': up('[4.2]', [
        'change_table(:settings, bulk: true) do |t|',
        '  t.remove_index [:target_type, :target_id, :var]',
        '  t.rename :target_id, :thing_id',
        '  t.rename :target_type, :thing_type',
        '  t.change :thing_id, :integer, null: true, default: nil',
        '  t.index [:thing_type, :thing_id, :var], unique: true',
        'end',
      ]),
    });
    const result = await readMigrations(dir, { engine: 'postgresql' });
    expect(result.errors).toEqual([]);
    expect(sqlOf(result.migrations[1])).toEqual([
      'DROP INDEX "index_settings_on_target_type_and_target_id_and_var"',
      'ALTER TABLE "settings" RENAME COLUMN "target_id" TO "thing_id"',
      'ALTER INDEX "index_settings_on_target_type_and_target_id" RENAME TO "index_settings_on_target_type_and_thing_id"',
      'ALTER TABLE "settings" RENAME COLUMN "target_type" TO "thing_type"',
      'ALTER INDEX "index_settings_on_target_type_and_thing_id" RENAME TO "index_settings_on_thing_type_and_thing_id"',
      'ALTER TABLE "settings" ALTER COLUMN "thing_id" TYPE integer, ALTER COLUMN "thing_id" DROP DEFAULT, ALTER COLUMN "thing_id" DROP NOT NULL',
      'CREATE UNIQUE INDEX "index_settings_on_thing_type_and_thing_id_and_var" ON "settings" ("thing_type", "thing_id", "var")',
    ]);
    const db = await schema('rails_change_table_order');
    await run(db, sqlOf(result.migrations[0]));
    await run(db, sqlOf(result.migrations[1]));
    expect(
      (
        await db.query<{ name: string }>(
          "SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'rails_change_table_order' ORDER BY 1",
        )
      ).rows.map((row) => row.name),
    ).toEqual([
      'index_settings_on_thing_type_and_thing_id',
      'index_settings_on_thing_type_and_thing_id_and_var',
      'settings_pkey',
    ]);
    await db.exec('SET search_path TO public');
  });
});

describe('Rails connection.execute', () => {
  it('runs its SQL as execute does, bare or on ActiveRecord::Base; a model connection stays untranslated (mastodon 20241212152158, 20170920024819)', async () => {
    const dir = railsProject(temporary, 'rails-connection-execute-', {
      '20241212152158_add_not_null_to_account_alias_columns.rb': up('[7.2]', [
        'connection.execute(<<~SQL.squish)',
        '  DELETE FROM account_aliases',
        '  WHERE account_id IS NULL',
        'SQL',
        "ActiveRecord::Base.connection.execute('ALTER TABLE statuses ALTER COLUMN id DROP DEFAULT')",
        "Account.connection.execute('DELETE FROM accounts')",
      ]),
    });
    const result = await readMigrations(dir, { engine: 'postgresql' });
    expect(sqlOf(result.migrations[0])).toEqual([
      'DELETE FROM account_aliases WHERE account_id IS NULL',
      'ALTER TABLE statuses ALTER COLUMN id DROP DEFAULT',
    ]);
    expect(result.errors.map((error) => [error.error.where?.line, error.error.what])).toEqual([
      [8, "this call is not translated: Account.connection.execute('DELETE FROM accounts')"],
    ]);
  });
});

describe('Rails Scenic views', () => {
  it('create_view and drop_view run the db/views definition of their version; a view made in the migration is new (mastodon 20201206004238, 20260728145403)', async () => {
    const dir = railsProject(temporary, 'rails-scenic-', {
      '20200101000000_create_accounts.rb': up('[5.2]', ['create_table :accounts do |t|', '  t.string :domain', 'end']),
      '20201206004238_create_instances.rb': [
        'class CreateInstances < ActiveRecord::Migration[5.2]',
        '  def change',
        '    create_view :instances, materialized: true',
        '    safety_assured { add_index :instances, :domain, unique: true }',
        '    create_view :domains',
        '  end',
        'end',
      ],
      '20260728145403_update_instances_to_version_2.rb': up('[8.0]', [
        'create_view :tmp_instances,',
        '            sql_definition: Scenic::Definition.new(:instances, 2).to_sql,',
        '            materialized: { no_data: true }',
        'drop_view :instances, materialized: true',
        'drop_view :domains, revert_to_version: 1',
        'create_view :instances, version: 3',
      ]),
    });
    mkdirSync(path.join(dir, 'db/views'));
    writeFileSync(
      path.join(dir, 'db/views/instances_v01.sql'),
      'SELECT domain, count(*) AS accounts_count\nFROM accounts\nGROUP BY domain;\n',
    );
    writeFileSync(path.join(dir, 'db/views/instances_v02.sql'), 'SELECT DISTINCT domain FROM accounts\n');
    writeFileSync(path.join(dir, 'db/views/domains_v01.sql'), 'SELECT domain FROM accounts');
    const result = await readMigrations(dir, { engine: 'postgresql' });
    const [, create, update] = result.migrations;
    expect(sqlOf(create)).toEqual([
      'CREATE MATERIALIZED VIEW "instances" AS\nSELECT domain, count(*) AS accounts_count\nFROM accounts\nGROUP BY domain',
      'CREATE UNIQUE INDEX "index_instances_on_domain" ON "instances" ("domain")',
      'CREATE VIEW "domains" AS\nSELECT domain FROM accounts',
    ]);
    expect(create?.down?.map((statement) => statement.sql)).toEqual([
      'DROP VIEW "domains"',
      'DROP INDEX "index_instances_on_domain"',
      'DROP MATERIALIZED VIEW "instances"',
    ]);
    expect(sqlOf(update)).toEqual([
      'CREATE MATERIALIZED VIEW "tmp_instances" AS\nSELECT DISTINCT domain FROM accounts\nWITH NO DATA',
      'DROP MATERIALIZED VIEW "instances"',
      'DROP VIEW "domains"',
    ]);
    expect(result.errors.map((error) => [error.error.where?.line, error.error.what])).toEqual([
      [8, 'db/views/instances_v03.sql is not found: create_view :instances, version: 3'],
    ]);
    const db = await schema('rails_scenic');
    await run(db, sqlOf(result.migrations[0]));
    await run(db, sqlOf(create));
    await run(db, create?.down?.map((statement) => statement.sql) ?? []);
    await run(db, sqlOf(create));
    await run(db, sqlOf(update));
    await db.exec('SET search_path TO public');
    // The index on the view created just before it blocks no one.
    const check = await runCli(['check', 'db/migrate/20201206004238_create_instances.rb', '--format', 'json'], {
      cwd: dir,
    });
    const report = JSON.parse(check.out) as { files: Array<{ findings: Array<{ ruleId: string }> }> };
    expect(report.files.flatMap((file) => file.findings.map((finding) => finding.ruleId))).not.toContain(
      'require-concurrent-index-creation',
    );
  });
});

describe('Rails helper methods of the migration class', () => {
  it('a bare call runs the method body, yield runs the block given, a rescue part is read as not raised (mastodon 20231018192110, 20211213040746)', async () => {
    const dir = railsProject(temporary, 'rails-helpers-', {
      '20231018192110_add_index_to_webauthn_credentials.rb': [
        'class AddIndexToWebauthnCredentials < ActiveRecord::Migration[7.0]',
        '  disable_ddl_transaction!',
        '',
        '  def up',
        '    add_index_to_table',
        '  rescue ActiveRecord::RecordNotUnique',
        '    remove_index_from_table',
        '  end',
        '',
        '  def down',
        '    around_accounts do',
        '      remove_index_from_table',
        '    end',
        '  end',
        '',
        '  private',
        '',
        '  def around_accounts',
        "    execute 'LOCK accounts'",
        '    yield',
        "    execute 'SELECT 1'",
        '  end',
        '',
        '  def add_index_to_table',
        '    add_index :webauthn_credentials, [:user_id, :nickname], unique: true, algorithm: :concurrently',
        '  end',
        '',
        '  def remove_index_from_table',
        '    remove_index :webauthn_credentials, [:user_id, :nickname]',
        '    remove_index_from_table',
        '  end',
        'end',
      ],
    });
    const result = await readMigrations(dir, { engine: 'postgresql' });
    const [migration] = result.migrations;
    expect(sqlOf(migration)).toEqual([
      'CREATE UNIQUE INDEX CONCURRENTLY "index_webauthn_credentials_on_user_id_and_nickname" ON "webauthn_credentials" ("user_id", "nickname")',
    ]);
    expect(migration?.down?.map((statement) => statement.sql)).toEqual([
      'LOCK accounts',
      'DROP INDEX "index_webauthn_credentials_on_user_id_and_nickname"',
      'SELECT 1',
    ]);
    // A method that calls itself is read once: the inner call is not translated, and says so.
    expect(result.errors.map((error) => [error.error.where?.line, error.error.what])).toEqual([
      [30, 'this call is not translated: remove_index_from_table'],
    ]);
    expect(migration?.notes).toEqual(
      expect.arrayContaining([
        'Line 5: add_index_to_table is read from its definition (line 24).',
        expect.stringContaining('rescue is read as if nothing raises'),
      ]),
    );
  });
});

describe('Rails tables and keys as the migration version makes them', () => {
  it('Migration[4.2] references have no index unless asked, create_join_table shares a prefix once, add_column :primary_key is a serial key (discourse)', async () => {
    const dir = railsProject(temporary, 'rails-legacy-keys-', {
      '20120101000000_create.rb': up('[4.2]', [
        'create_table :archetype_options do |t|',
        '  t.references :archetype, null: false',
        'end',
        'add_index :archetype_options, :archetype_id',
        'add_reference :archetype_options, :user',
        'add_reference :archetype_options, :topic, index: true',
        'create_table :post_action_types, id: false do |t|',
        '  t.string :name_key',
        'end',
        'add_column :post_action_types, :id, :primary_key',
      ]),
      '20160905085445_create_join_table_web_hooks.rb': up('[5.1]', [
        'create_table :web_hooks do |t|',
        '  t.references :archetype_option',
        'end',
        'create_join_table :web_hooks, :web_hook_event_types',
        'create_table :shared_drafts, id: false do |t|',
        '  t.integer :topic_id',
        'end',
        'add_column :shared_drafts, :id, :primary_key',
      ]),
    });
    const result = await readMigrations(dir, { engine: 'postgresql' });
    expect(result.errors).toEqual([]);
    const [legacy, current] = result.migrations.map(sqlOf);
    expect(legacy?.filter((sql) => sql.startsWith('CREATE INDEX'))).toEqual([
      'CREATE INDEX "index_archetype_options_on_archetype_id" ON "archetype_options" ("archetype_id")',
      'CREATE INDEX "index_archetype_options_on_topic_id" ON "archetype_options" ("topic_id")',
    ]);
    expect(legacy).toContain('ALTER TABLE "post_action_types" ADD COLUMN "id" serial PRIMARY KEY');
    // From 5.0 a reference has its index.
    expect(current).toContain(
      'CREATE INDEX "index_web_hooks_on_archetype_option_id" ON "web_hooks" ("archetype_option_id")',
    );
    expect(current).toContainEqual(expect.stringMatching(/^CREATE TABLE "web_hook_event_types_hooks" \(/));
    expect(current).toContain('ALTER TABLE "shared_drafts" ADD COLUMN "id" bigserial PRIMARY KEY');
    const db = await schema('rails_legacy_keys');
    await run(db, [...(legacy ?? []), ...(current ?? [])]);
    await db.exec("INSERT INTO post_action_types (name_key) VALUES ('like')");
    expect((await db.query('SELECT id FROM post_action_types')).rows).toEqual([{ id: 1 }]);
    await db.exec('SET search_path TO public');
  });
});
