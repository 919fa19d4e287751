import { describe, expect, it } from 'vitest';
import { loadMigrationInputs } from '../../src/safety/migration-inputs.js';
import { checkSqlInputs } from '../../src/safety/run.js';
import { tempProject } from '../helpers/temp-project.js';

/**
 * A Rails or Ecto migration with a call that cannot be translated statically: the call is an error at its line,
 * and the migration's other calls are still checked (Discourse: 169 files were left out whole, hiding 17
 * remove_column and 4 drop_table calls).
 */

const project = tempProject('dma-partly-');
project.write('Gemfile', "gem 'rails'\ngem 'pg'\n");
project.write(
  'db/migrate/20200101000000_create_users.rb',
  'class CreateUsers < ActiveRecord::Migration[6.0]\n  def change\n    create_table :users do |t|\n      t.string :name\n      t.boolean :moderator\n    end\n  end\nend\n',
);
project.write(
  'db/migrate/20200102000000_drop_moderator.rb',
  'class DropModerator < ActiveRecord::Migration[6.0]\n  def up\n    User.where(moderator: true).update_all(name: "mod")\n    remove_column :users, :moderator\n  end\n\n  def down\n    add_column :users, :moderator, :boolean\n  end\nend\n',
);

describe('a migration with a call left untranslated', () => {
  it('reports the call at its line and checks the calls that were translated', async () => {
    const loaded = await loadMigrationInputs(project.root, ['db/migrate']);
    expect(loaded.errors.map((error) => [error.code, error.where?.file, error.where?.line])).toEqual([
      ['untranslated-call', 'db/migrate/20200102000000_drop_moderator.rb', 3],
    ]);
    const input = loaded.inputs.find((each) => each.file === 'db/migrate/20200102000000_drop_moderator.rb');
    // What the untranslated call changed is not known: checked as after an unread migration.
    expect(input?.afterUnread).toBe(true);
    const result = await checkSqlInputs(loaded.inputs, { root: project.root });
    const report = result.files.find((file) => file.file === 'db/migrate/20200102000000_drop_moderator.rb');
    expect(report?.findings.map((finding) => finding.ruleId)).toContain('drop-column');
  });
});

/**
 * MikroORM (Medusa's InitialSetup): SQL added in an `if`/`else` that tests a query's result runs or not by the
 * database; read as if every branch ran, it drew 15 false unknown-table errors (ALTERs of the table the other
 * branch creates). Each branch is an error once, a helper handed `this` is one too, and the rest is checked.
 */
const medusa = tempProject('dma-branches-');
medusa.write(
  'package.json',
  '{ "dependencies": { "@mikro-orm/migrations": "5.9.7", "@mikro-orm/postgresql": "5.9.7" } }',
);
const SETUP = 'src/migrations/InitialSetup20240227075933.ts';
medusa.write(
  SETUP,
  `import { Migration } from '@mikro-orm/migrations';

export class InitialSetup20240226130829 extends Migration {
  async up(): Promise<void> {
    const storeTables = await this.execute("select * from information_schema.tables where table_name = 'store'");
    if (storeTables.length > 0) {
      this.addSql('alter table "store" alter column "id" type text;');
      this.addSql('alter table "store" drop column "swap_link_template";');
    } else {
      this.addSql('create table if not exists "store" ("id" text not null primary key, "name" text not null);');
    }
    this.addSql('alter table "store" drop column if exists "name";');
  }
}
`,
);
const HELPER = 'src/migrations/Migration20240301000000.ts';
medusa.write(
  HELPER,
  `import { Migration } from '@mikro-orm/migrations';

export class Migration20240301000000 extends Migration {
  async up(): Promise<void> {
    await addCurrencies.call(this);
  }
}

async function addCurrencies(this: Migration) {
  this.addSql('create table "store_currency" ("id" text primary key, "store_id" text references "store" ("id"));');
}
`,
);

const BUILT = 'src/migrations/Migration20240401000000.ts';
medusa.write(
  BUILT,
  `import { generatePostgresAlterColummnIfExistStatement } from '@medusajs/framework/utils';
import { Migration } from '@mikro-orm/migrations';

export class Migration20240401000000 extends Migration {
  async up(): Promise<void> {
    this.addSql(generatePostgresAlterColummnIfExistStatement('store', ['name'], 'DROP NOT NULL'));
    this.addSql('alter table if exists "store_currency" drop column if exists "store_id";');
  }
}
`,
);

describe('MikroORM SQL in a branch taken at run time, or in a helper handed `this`', () => {
  it('reports each branch once and the helper call, and checks the statements that always run', async () => {
    const loaded = await loadMigrationInputs(medusa.root, ['src/migrations']);
    expect(loaded.errors.map((error) => [error.code, error.where?.file, error.where?.line])).toEqual([
      ['sql-conditional', SETUP, 6],
      ['sql-conditional', SETUP, 6],
      ['sql-not-static', HELPER, 5],
      ['sql-not-static', BUILT, 6],
    ]);
    expect(loaded.errors[0]?.what).toContain('lines 7–8 runs only when `storeTables.length > 0`');
    const result = await checkSqlInputs(loaded.inputs, { root: medusa.root });
    const findings = result.files.flatMap((file) =>
      file.findings.map((finding) => [finding.ruleId, finding.origin?.line]),
    );
    expect(findings.filter(([rule]) => rule === 'unknown-table')).toEqual([]);
    // The DROP COLUMN after the branches always runs, and the one beside a call whose SQL is built at run time
    // (Medusa's region, tax, user setups): both are checked.
    expect(findings).toContainEqual(['drop-column', 12]);
    const built = result.files.find((file) => file.file === BUILT);
    expect(built?.findings.map((finding) => [finding.ruleId, finding.origin?.line])).toContainEqual(['drop-column', 7]);
  });

  it('checked alone, a later migration names the setup as read only in part, not as unread', async () => {
    const loaded = await loadMigrationInputs(medusa.root, [HELPER]);
    expect(loaded.notes).toContainEqual(
      expect.stringMatching(new RegExp(`^${SETUP} \\(earlier migration\\) was read only in part: `)),
    );
    expect(loaded.history.map((earlier) => earlier.file)).toEqual([SETUP]);
  });
});
