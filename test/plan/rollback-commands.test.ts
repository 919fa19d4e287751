import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATION_FORMATS, type Migration } from '../../src/model.js';
import { RESET_COMMANDS, rollbackCommand } from '../../src/plan/rollback-commands.js';
import { readMigrations } from '../../src/sources/index.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

function migration(format: Migration['format'], id: string, file: string): Migration {
  return { id, name: id, path: file, format, up: [], transactional: true, notes: [] };
}

describe('rollback commands', () => {
  it('never offers a command that resets or drops the whole database, for any format', () => {
    // The guard itself must recognise what it forbids, or the assertion below would pass on anything.
    for (const reset of [
      'npx prisma migrate reset',
      'npx drizzle-kit drop',
      'bin/rails db:reset',
      'flyway -locations=filesystem:sql clean',
      'npx sequelize-cli db:migrate:undo:all',
    ])
      expect(reset).toMatch(RESET_COMMANDS);
    for (const format of MIGRATION_FORMATS) {
      const first = migration(format, '1', `migrations/1_first/${format}.sql`);
      const second = migration(format, '2', `migrations/2_second/${format}.sql`);
      for (const [target, all] of [
        [second, [first, second]],
        [first, [first, second]],
      ] as const) {
        const plan = rollbackCommand({
          migration: target,
          all: [...all],
          directory: 'migrations',
          engine: 'postgresql',
          downFile: 'migrations/down.sql',
        });
        expect(plan.source, format).toMatch(/convention/);
        expect(`${plan.command ?? ''}\n${plan.notes.join('\n')}`, format).not.toMatch(RESET_COMMANDS);
        if (plan.command === undefined) expect(plan.runsDown, format).toBe(false);
      }
    }
  });

  it('gives the tools that keep no downs the down SQL and the step that marks the migration rolled back', () => {
    const prisma = migration('prisma', '20240102000000', 'prisma/migrations/20240102000000_add_posts/migration.sql');
    const plan = rollbackCommand({
      migration: prisma,
      all: [prisma],
      directory: 'prisma/migrations',
      engine: 'postgresql',
      downFile: 'prisma/migrations/20240102000000_add_posts/down.sql',
    });
    expect(plan.command).toContain('npx prisma db execute --file prisma/migrations/20240102000000_add_posts/down.sql');
    expect(plan.command).toContain('npx prisma migrate resolve --rolled-back 20240102000000_add_posts');
    expect(plan.runsDown).toBe(false);
    const drizzle = migration('drizzle', '0001', 'drizzle/0001_brave_posts.sql');
    const forget = rollbackCommand({
      migration: drizzle,
      all: [drizzle],
      directory: 'drizzle',
      engine: 'postgresql',
      downFile: 'drizzle/down.sql',
    });
    expect(forget.command).toBeUndefined();
    expect(forget.notes[0]).toContain('drizzle.__drizzle_migrations');
    expect(forget.notes[0]).toContain('drizzle/meta/_journal.json');
  });

  it('targets the migration itself when later ones exist, and says they roll back too', () => {
    const ids = ['1', '2', '10'];
    const all = ids.map((id) => migration('golang-migrate', id, `migrations/${id}_x.up.sql`));
    const middle = rollbackCommand({
      migration: all[1] as Migration,
      all,
      directory: 'migrations',
      engine: 'postgresql',
      downFile: '',
    });
    expect(middle.command).toBe('migrate -path migrations -database "$DATABASE_URL" goto 1');
    expect(middle.notes[0]).toContain('1 later migration(s)');
    const newest = rollbackCommand({
      migration: all[2] as Migration,
      all,
      directory: 'migrations',
      engine: 'postgresql',
      downFile: '',
    });
    expect(newest.command).toBe('migrate -path migrations -database "$DATABASE_URL" down 1');
  });

  it('prefers the package script only for the newest migration', () => {
    const all = ['1', '2'].map((id) => migration('knex', id, `migrations/${id}_x.js`));
    const script = {
      command: 'npm run db:rollback',
      source: 'package.json scripts.db:rollback: knex migrate:rollback',
    };
    const context = { all, directory: 'migrations', engine: 'postgresql' as const, downFile: '', script };
    expect(rollbackCommand({ ...context, migration: all[1] as Migration }).command).toBe('npm run db:rollback');
    expect(rollbackCommand({ ...context, migration: all[0] as Migration }).command).toBe(
      'npx knex migrate:down --name 1_x.js',
    );
  });

  it('never offers a package script that resets the database, even when it is named like a rollback', () => {
    const prisma = migration('prisma', '20240102000000', 'prisma/migrations/20240102000000_add_posts/migration.sql');
    const plan = rollbackCommand({
      migration: prisma,
      all: [prisma],
      directory: 'prisma/migrations',
      engine: 'postgresql',
      downFile: 'prisma/migrations/20240102000000_add_posts/down.sql',
      script: {
        command: 'npm run db:rollback',
        source: 'package.json scripts.db:rollback: prisma migrate reset --force',
      },
    });
    expect(plan.command).not.toContain('npm run db:rollback');
    expect(plan.command).toContain('prisma migrate resolve --rolled-back');
    expect(plan.notes.at(-1)).toContain('resets the database: it is no rollback and is not offered');
  });

  it('reads Django and Alembic histories statically (no project code) for the previous migration to go back to', async () => {
    const django = await readMigrations(path.join(FIXTURES, 'sources-django'), { executeProjectCode: false });
    const second = django.migrations.find((item) => item.id === 'accounts.0002_account_email') as Migration;
    const toPrevious = rollbackCommand({
      migration: second,
      all: django.migrations,
      directory: django.directory,
      engine: 'postgresql',
      downFile: '',
    });
    expect(toPrevious.command).toBe('python manage.py migrate accounts 0001_initial');
    const first = django.migrations.find((item) => item.id === 'shop.0001_initial') as Migration;
    expect(
      rollbackCommand({ migration: first, all: django.migrations, directory: '.', engine: 'postgresql', downFile: '' })
        .command,
    ).toBe('python manage.py migrate shop zero');

    const alembic = await readMigrations(path.join(FIXTURES, 'sources-alembic'), { executeProjectCode: false });
    const [base, next] = alembic.migrations;
    const context = {
      all: alembic.migrations,
      directory: alembic.directory,
      engine: 'postgresql' as const,
      downFile: '',
    };
    expect(rollbackCommand({ ...context, migration: alembic.migrations.at(-1) as Migration }).command).toBe(
      'alembic downgrade -1',
    );
    expect(rollbackCommand({ ...context, migration: next as Migration }).command).toBe(`alembic downgrade ${base?.id}`);
  });
});
