import path from 'node:path';
import type { Engine, Migration, MigrationFormat } from '../model.js';

/**
 * The command that rolls one migration back with the project's own tool. A rollback never resets the database:
 * tools that keep no downs (Prisma, Drizzle) get the exact down SQL plus the step that marks the migration as
 * rolled back in the tool's history, and a tool that cannot undo (Flyway Community) gets the manual route.
 */

export interface RollbackCommand {
  /** What to run; absent when the tool has no rollback (the manual steps are then the way). */
  command?: string;
  /** `package.json scripts.<name>: …` or `<tool> convention`. */
  source: string;
  /** True when the tool runs the project's own down; false when the down SQL must be run by hand first. */
  runsDown: boolean;
  /** What to know before running it (later migrations it also rolls back, the edition it needs …). */
  notes: string[];
}

export interface CommandContext {
  migration: Migration;
  /** Every migration of the folder, in apply order. */
  all: Migration[];
  /** The migration folder relative to the project root. */
  directory: string;
  engine: Engine;
  /** The package's own rollback script, when detect found one. */
  script?: { command: string; source: string };
  /** Where to save the down SQL for tools that keep none (relative to the project root). */
  downFile: string;
  /** Prisma's schema file, when detect found it. */
  schemaFile?: string;
}

/** Commands no rollback may ever be: each drops or empties the whole database. */
export const RESET_COMMANDS =
  /migrate\s+reset|drizzle-kit\s+drop|db:drop|db:reset|migrate:fresh|migrate:reset|flyway\b.*\bclean\b|dropdb|drop\s+database|schema:drop|db:migrate:undo:all|migrate:rollback\s+--all|ecto\.drop|ecto\.reset|liquibase\b.*\bdrop-all/i;

export function rollbackCommand(context: CommandContext): RollbackCommand {
  const built = conventionFor(context);
  const tail = laterMigrations(context);
  // A package script rolls back the newest migration(s); it is the project's own wording, so it wins there.
  if (context.script && RESET_COMMANDS.test(context.script.source))
    return {
      ...built,
      notes: [...built.notes, `${context.script.source} resets the database: it is no rollback and is not offered`],
    };
  if (context.script && tail.length === 0 && built.runsDown)
    return {
      command: context.script.command,
      source: context.script.source,
      runsDown: true,
      notes: built.command ? [`the tool's command for exactly this migration: ${built.command}`] : [],
    };
  return built;
}

function laterMigrations(context: CommandContext): Migration[] {
  const index = context.all.findIndex(
    (item) => item.path === context.migration.path && item.id === context.migration.id,
  );
  return index < 0 ? [] : context.all.slice(index + 1);
}

function previousMigration(context: CommandContext, sameGroup?: (item: Migration) => boolean): Migration | undefined {
  const index = context.all.findIndex(
    (item) => item.path === context.migration.path && item.id === context.migration.id,
  );
  return context.all
    .slice(0, Math.max(index, 0))
    .filter(sameGroup ?? (() => true))
    .at(-1);
}

function conventionFor(context: CommandContext): RollbackCommand {
  const { migration, directory: dir } = context;
  const later = laterMigrations(context);
  const count = later.length + 1;
  const alsoLater =
    later.length > 0
      ? [
          `${later.length} later migration(s) are applied after it (${later
            .slice(0, 3)
            .map((item) => item.id)
            .join(', ')}${later.length > 3 ? ', …' : ''}); this rolls them back too, newest first`,
        ]
      : [];
  const previous = previousMigration(context);
  const convention = `${migration.format} convention`;
  const made = (command: string | undefined, notes: string[] = [], runsDown = true): RollbackCommand => ({
    ...(command ? { command } : {}),
    source: convention,
    runsDown,
    notes,
  });
  const file = path.posix.basename(migration.path);
  switch (migration.format as MigrationFormat) {
    case 'knex':
      return made(`npx knex migrate:down --name ${file}`, [
        'npx knex migrate:rollback undoes the whole last batch instead, which may hold more than this migration',
      ]);
    case 'node-pg-migrate':
      return made(`npx node-pg-migrate -m ${dir} down${count > 1 ? ` ${count}` : ''}`, alsoLater);
    case 'typeorm':
      return made(
        'npx typeorm migration:revert -d <data-source>',
        count > 1 ? [...alsoLater, `run it ${count} times: each run reverts the newest migration`] : [],
      );
    case 'sequelize':
      return made(`npx sequelize-cli db:migrate:undo --name ${file}`);
    case 'mikro-orm':
      return made(`npx mikro-orm migration:down${count > 1 ? ` --to ${previous?.name ?? '0'}` : ''}`, alsoLater);
    case 'kysely':
      return made('npx kysely migrate:down', count > 1 ? [...alsoLater, `run it ${count} times`] : []);
    case 'db-migrate':
      return made(`npx db-migrate down -c ${count} -m ${dir}`, alsoLater);
    case 'golang-migrate':
      return made(
        later.length === 0
          ? `migrate -path ${dir} -database "$DATABASE_URL" down 1`
          : `migrate -path ${dir} -database "$DATABASE_URL" goto ${previous ? Number(previous.id) : 0}`,
        alsoLater,
      );
    case 'sqlx': {
      const source = dir === 'migrations' ? '' : ` --source ${dir}`;
      return made(
        later.length === 0
          ? `sqlx migrate revert${source}`
          : `sqlx migrate revert${source} --target-version ${previous ? previous.id : 0}`,
        alsoLater,
      );
    }
    case 'goose':
      return made(
        later.length === 0
          ? `goose -dir ${dir} <driver> "$DATABASE_URL" down`
          : `goose -dir ${dir} <driver> "$DATABASE_URL" down-to ${previous ? Number(previous.id) : 0}`,
        alsoLater,
      );
    case 'dbmate':
      return made(
        `dbmate --migrations-dir ${dir} rollback`,
        count > 1 ? [...alsoLater, `run it ${count} times: each run rolls back the newest migration`] : [],
      );
    case 'sql-migrate':
      return made(`sql-migrate down -limit=${count}`, alsoLater);
    case 'diesel':
      return made(`diesel migration revert${count > 1 ? ` -n ${count}` : ''}`, alsoLater);
    case 'multi-dialect-sql':
      return made(`soda migrate down -p ${dir} -s ${count}`, alsoLater);
    case 'atlas':
      return made(
        `atlas migrate down ${count} --dir file://${dir} --url "$DATABASE_URL" --dev-url <dev-database-url>`,
        alsoLater,
      );
    case 'flyway':
      return migration.down?.length
        ? made(`flyway -locations=filesystem:${dir} undo`, [
            'flyway undo needs Flyway Teams/Enterprise; with Community run the U file by hand and delete its row from flyway_schema_history',
            ...alsoLater,
          ])
        : made(
            undefined,
            [
              'Flyway Community has no undo and this migration has no U file: run the down SQL by hand (manual steps), then delete its row from flyway_schema_history',
            ],
            false,
          );
    case 'liquibase':
      return made(`liquibase rollback-count --count=${count} --changelog-file=<changelog>`, alsoLater);
    case 'sqitch':
      return made(`sqitch revert --to ${later.length === 0 ? '@HEAD^' : (previous?.id ?? '@ROOT')}`, alsoLater);
    case 'alembic':
      return made(
        later.length === 0 ? 'alembic downgrade -1' : `alembic downgrade ${previous?.id ?? 'base'}`,
        alsoLater,
      );
    case 'django': {
      const app = migration.id.split('.')[0] ?? '<app>';
      const before = previousMigration(context, (item) => item.id.startsWith(`${app}.`));
      return made(
        `python manage.py migrate ${app} ${before ? before.name : 'zero'}`,
        before ? [] : [`it is the first migration of ${app}: "zero" unapplies only this app's migrations`],
      );
    }
    case 'rails':
      return made(`bin/rails db:migrate:down VERSION=${migration.id}`);
    case 'ecto':
      return made(later.length === 0 ? 'mix ecto.rollback' : `mix ecto.rollback --to ${migration.id}`, alsoLater);
    case 'prisma':
      return made(
        `npx prisma db execute --file ${context.downFile} --schema ${context.schemaFile ?? 'prisma/schema.prisma'} && npx prisma migrate resolve --rolled-back ${path.posix.basename(path.posix.dirname(migration.path))}`,
        [
          `Prisma keeps no downs: save the down SQL shown here as ${context.downFile}; the first command runs it, the second marks the migration rolled back in _prisma_migrations (neither resets the database)`,
          ...(later.length > 0 ? [`roll back the ${later.length} later migration(s) first, newest first`] : []),
        ],
        false,
      );
    case 'drizzle':
      return made(
        undefined,
        [
          `Drizzle keeps no downs: run the down SQL (${context.downFile}), then forget the migration: ${drizzleForget(context.engine)}; to discard it for good also delete ${migration.path} and its entry in ${dir}/meta/_journal.json`,
          ...(later.length > 0 ? [`roll back the ${later.length} later migration(s) first, newest first`] : []),
        ],
        false,
      );
    default:
      return made(
        undefined,
        [`${migration.format} migrations are applied by hand or by a tool this folder does not name: run the down SQL`],
        false,
      );
  }
}

function drizzleForget(engine: Engine): string {
  const table = engine === 'postgresql' ? 'drizzle.__drizzle_migrations' : '__drizzle_migrations';
  return `DELETE FROM ${table} WHERE created_at = (SELECT max(created_at) FROM ${table}) (the newest row is this migration when it is the last applied)`;
}
