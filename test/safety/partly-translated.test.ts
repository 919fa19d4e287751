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
