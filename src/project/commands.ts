import type { PackageContext } from './context.js';
import type { MigrationScan } from './migrations.js';
import type { Commands, ProjectCommand, ToolName } from './types.js';

/**
 * The project's own commands to create, apply, roll back and inspect migrations (and seed): package.json
 * scripts that call the tool win; otherwise the tool's CLI convention, with the folders detected.
 */
type Action = keyof Commands;

const SCRIPT_PATTERNS: Record<Action, RegExp> = {
  create:
    /prisma migrate dev.*--create-only|migrate:make|migration:(create|generate)|drizzle-kit generate|makemigrations|alembic revision|dbmate new|goose .*create|sql-migrate new|diesel migration generate|node-pg-migrate\b.*\bcreate\b|db-migrate\b.*\bcreate\b/,
  apply:
    /prisma migrate deploy|migrate:latest|migration:run|db:migrate(?!:)|drizzle-kit (migrate|push)|migration:up|alembic upgrade|manage\.py migrate|dbmate (up|migrate)|goose .*\bup\b|sql-migrate up|diesel migration run|flyway .*migrate|migrate .*\bup\b/,
  rollback:
    /migrate:rollback|migration:revert|db:migrate:undo|migration:down|alembic downgrade|dbmate rollback|goose .*\bdown\b|sql-migrate down|diesel migration revert|flyway .*undo|migrate .*\bdown\b/,
  status:
    /prisma migrate status|migrate:status|migration:show|db:migrate:status|migration:(list|pending)|alembic (current|history)|showmigrations|dbmate status|goose .*status|sql-migrate status|diesel migration list|flyway .*info|drizzle-kit check|db-migrate\b.*\bcheck\b|migrate:list/,
  seed: /prisma db seed|seed:run|db:seed|loaddata|\bseed\b/,
};

function conventions(
  tool: ToolName,
  dir: string | undefined,
  firstId: string | undefined,
  extension: string | undefined,
  context: PackageContext,
  example?: string,
): Partial<Record<Action, string>> {
  const where = dir ?? 'migrations';
  const sequential = tool === 'golang-migrate' && (firstId === undefined || firstId.length < 10);
  switch (tool) {
    case 'prisma':
      return {
        create: 'npx prisma migrate dev --create-only --name <name>',
        apply: 'npx prisma migrate deploy',
        status: 'npx prisma migrate status',
        ...(context.node?.prisma.seed ? { seed: 'npx prisma db seed' } : {}),
      };
    case 'knex':
      return {
        create: `npx knex migrate:make <name>${extension === '.ts' ? ' -x ts' : ''}`,
        apply: 'npx knex migrate:latest',
        rollback: 'npx knex migrate:rollback',
        status: 'npx knex migrate:status',
        seed: 'npx knex seed:run',
      };
    case 'drizzle':
      return {
        create: 'npx drizzle-kit generate --name <name>',
        apply: 'npx drizzle-kit migrate',
        status: 'npx drizzle-kit check',
      };
    case 'typeorm':
      return {
        create: `npx typeorm migration:create ${where}/<Name>`,
        apply: 'npx typeorm migration:run -d <data-source>',
        rollback: 'npx typeorm migration:revert -d <data-source>',
        status: 'npx typeorm migration:show -d <data-source>',
      };
    case 'sequelize':
      return {
        create: 'npx sequelize-cli migration:generate --name <name>',
        apply: 'npx sequelize-cli db:migrate',
        rollback: 'npx sequelize-cli db:migrate:undo',
        status: 'npx sequelize-cli db:migrate:status',
        seed: 'npx sequelize-cli db:seed:all',
      };
    case 'mikro-orm':
      return {
        create: 'npx mikro-orm migration:create',
        apply: 'npx mikro-orm migration:up',
        rollback: 'npx mikro-orm migration:down',
        status: 'npx mikro-orm migration:pending',
      };
    case 'alembic':
      return {
        create: 'alembic revision -m "<name>"',
        apply: 'alembic upgrade head',
        rollback: 'alembic downgrade -1',
        status: 'alembic current',
      };
    case 'django':
      return {
        create: 'python manage.py makemigrations <app> --name <name>',
        apply: 'python manage.py migrate',
        rollback: 'python manage.py migrate <app> <previous_migration>',
        status: 'python manage.py showmigrations',
      };
    case 'tortoise':
      return {
        create: 'aerich migrate --name <name>',
        apply: 'aerich upgrade',
        rollback: 'aerich downgrade',
        status: 'aerich history',
      };
    case 'golang-migrate':
      return {
        create: `migrate create -ext sql -dir ${where}${sequential ? ' -seq' : ''} <name>`,
        apply: `migrate -path ${where} -database "$DATABASE_URL" up`,
        rollback: `migrate -path ${where} -database "$DATABASE_URL" down 1`,
        status: `migrate -path ${where} -database "$DATABASE_URL" version`,
      };
    case 'dbmate':
      return {
        create: `dbmate --migrations-dir ${where} new <name>`,
        apply: `dbmate --migrations-dir ${where} up`,
        rollback: `dbmate --migrations-dir ${where} rollback`,
        status: `dbmate --migrations-dir ${where} status`,
      };
    case 'goose':
      return {
        create: `goose -dir ${where} create <name> sql`,
        apply: `goose -dir ${where} <driver> "$DATABASE_URL" up`,
        rollback: `goose -dir ${where} <driver> "$DATABASE_URL" down`,
        status: `goose -dir ${where} <driver> "$DATABASE_URL" status`,
      };
    case 'flyway':
      return {
        apply: `flyway -locations=filesystem:${where} migrate`,
        rollback: `flyway -locations=filesystem:${where} undo`,
        status: `flyway -locations=filesystem:${where} info`,
      };
    case 'diesel':
      return {
        create: 'diesel migration generate <name>',
        apply: 'diesel migration run',
        rollback: 'diesel migration revert',
        status: 'diesel migration list',
      };
    case 'sqlx':
      return {
        create: `sqlx migrate add${where === 'migrations' ? '' : ` --source ${where}`}${example?.endsWith('.up.sql') ? ' -r' : ''} <name>`,
        apply: `sqlx migrate run${where === 'migrations' ? '' : ` --source ${where}`}`,
        rollback: `sqlx migrate revert${where === 'migrations' ? '' : ` --source ${where}`}`,
        status: `sqlx migrate info${where === 'migrations' ? '' : ` --source ${where}`}`,
      };
    case 'node-pg-migrate':
      return {
        create: `npx node-pg-migrate -m ${where} create <name>${extension === '.ts' ? ' -j ts' : extension === '.sql' ? ' -j sql' : ''}`,
        apply: `npx node-pg-migrate -m ${where} up`,
        rollback: `npx node-pg-migrate -m ${where} down`,
      };
    case 'kysely':
      // Kysely has no CLI of its own: kysely-ctl is the usual one (its config names the migration folder).
      return {
        create: 'npx kysely migrate:make <name>',
        apply: 'npx kysely migrate:latest',
        rollback: 'npx kysely migrate:down',
        status: 'npx kysely migrate:list',
      };
    case 'db-migrate':
      return {
        create: `npx db-migrate create <name> -m ${where}`,
        apply: `npx db-migrate up -m ${where}`,
        rollback: `npx db-migrate down -m ${where}`,
        status: `npx db-migrate check -m ${where}`,
      };
    case 'sql-migrate':
      return {
        create: 'sql-migrate new <name>',
        apply: 'sql-migrate up',
        rollback: 'sql-migrate down',
        status: 'sql-migrate status',
      };
    case 'multi-dialect-sql':
      return {
        create: `soda generate sql <name> -p ${where}`,
        apply: `soda migrate up -p ${where}`,
        rollback: `soda migrate down -p ${where}`,
        status: `soda migrate status -p ${where}`,
      };
    case 'liquibase': {
      const changelog = example ? `${where}/${example}` : where;
      return {
        apply: `liquibase update --changelog-file=${changelog}`,
        rollback: `liquibase rollback-count --count=1 --changelog-file=${changelog}`,
        status: `liquibase status --changelog-file=${changelog}`,
      };
    }
    case 'sqitch':
      return {
        create: 'sqitch add <name> -n "<note>"',
        apply: 'sqitch deploy',
        rollback: 'sqitch revert --to @HEAD^',
        status: 'sqitch status',
      };
    case 'atlas':
      return {
        create: `atlas migrate new <name> --dir file://${where}`,
        apply: `atlas migrate apply --dir file://${where} --url "$DATABASE_URL"`,
        rollback: `atlas migrate down --dir file://${where} --url "$DATABASE_URL" --dev-url <dev-database-url>`,
        status: `atlas migrate status --dir file://${where} --url "$DATABASE_URL"`,
      };
    case 'rails':
      return {
        create: 'bin/rails generate migration <Name>',
        apply: 'bin/rails db:migrate',
        rollback: 'bin/rails db:rollback',
        status: 'bin/rails db:migrate:status',
        seed: 'bin/rails db:seed',
      };
    case 'ecto':
      return {
        create: 'mix ecto.gen.migration <name>',
        apply: 'mix ecto.migrate',
        rollback: 'mix ecto.rollback',
        status: 'mix ecto.migrations',
      };
    default:
      return {};
  }
}

export function findCommands(context: PackageContext, tools: ToolName[], scans: MigrationScan[]): Commands {
  const commands: Commands = {};
  const scripts = Object.entries(context.node?.scripts ?? {});
  for (const action of Object.keys(SCRIPT_PATTERNS) as Action[]) {
    const script = scripts.find(([, command]) => SCRIPT_PATTERNS[action].test(command));
    if (script)
      commands[action] = { command: `npm run ${script[0]}`, source: `package.json scripts.${script[0]}: ${script[1]}` };
  }
  // With several tools in one package the conventions would contradict each other: scripts only.
  for (const tool of tools.length === 1 ? tools : []) {
    const scan = scans.find((candidate) => candidate.dir.tool === tool);
    const dir = scan?.dir.path;
    const relativeDir =
      dir && context.dir !== '.' && dir.startsWith(`${context.dir}/`) ? dir.slice(context.dir.length + 1) : dir;
    for (const [action, command] of Object.entries(
      conventions(
        tool,
        relativeDir,
        scan?.migrations[0]?.id,
        scan?.conventions?.extension,
        context,
        scan?.conventions?.example,
      ),
    ) as [Action, string][]) {
      if (!commands[action]) commands[action] = { command, source: `${tool} convention` } satisfies ProjectCommand;
    }
  }
  const ordered: Commands = {};
  for (const action of ACTIONS) if (commands[action]) ordered[action] = commands[action];
  return ordered;
}

const ACTIONS: Action[] = ['create', 'apply', 'rollback', 'status', 'seed'];
