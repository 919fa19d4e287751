import { statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { type Engine, MIGRATION_FORMATS, type MigrationFormat } from '../model.js';
import { isInside } from '../project/root.js';
import type { CliCommand } from './command.js';

const FORMATS: readonly MigrationFormat[] = MIGRATION_FORMATS;
const ENGINES: Engine[] = ['postgresql', 'mysql', 'mariadb', 'sqlite', 'mssql', 'cockroachdb'];

export const migrationsCommand: CliCommand = {
  name: 'migrations',
  summary: "List a project's migrations in apply order with the SQL each one runs.",
  help: `Usage: db-migration-agent migrations [path] [--json] [--sql] [--execute] [--format <f>] [--engine <e>] [--timeout <ms>]

Reads the migrations of the project in the current folder (or of [path]: a project folder, or a migration
file or folder inside the current project) in the order the migration tool applies them: golang-migrate,
dbmate, goose, sql-migrate, Flyway, Diesel, plain .sql folders, Prisma, Drizzle, knex, TypeORM, Sequelize,
node-pg-migrate, Kysely, MikroORM, db-migrate, Alembic and Django. Each statement keeps the line of the source
that produced it.

knex, TypeORM, Sequelize, node-pg-migrate, Kysely, Alembic and Django migrations are code: without --execute
they are only listed. --execute runs them (10 s limit per file) against recorders that capture the SQL, never
against a database. MikroORM and db-migrate SQL is read from the string literals and sqls/ files without
running code; a call whose SQL is not literal is reported with its line.

Options:
  --json            Print the full result (every statement with positions and origins) as JSON
  --sql             Print every statement, not only the first line of the first few
  --execute         Run code migrations to record their SQL (runs project code)
  --format <f>      Force the format: ${FORMATS.join(', ')}
  --engine <e>      Engine for splitting and compiling: ${ENGINES.join(', ')}
  --timeout <ms>    Time limit per code migration with --execute (default 10000)

Exit codes: 0 all migrations read, 1 some files had problems (listed), 2 usage or input error.

Examples:
  db-migration-agent migrations
  db-migration-agent migrations prisma/migrations --sql
  db-migration-agent migrations ../api --execute --json`,
  async run(args, io) {
    // Loaded only when this command runs, so other commands start without the migration readers.
    const [{ readMigrations }, { summarizeMigrations }] = await Promise.all([
      import('../sources/index.js'),
      import('../sources/summary.js'),
    ]);
    const options = parseArgs(args);
    const target = path.resolve(io.cwd, options.target ?? '.');
    const targetIsFolder = statSync(target, { throwIfNoEntry: false })?.isDirectory() ?? false;
    // A path inside the current project narrows the read; any other folder is a project of its own.
    const inside =
      options.target !== undefined && isInside(path.resolve(io.cwd), target) && target !== path.resolve(io.cwd);
    const root = inside || !targetIsFolder ? io.cwd : target;
    const result = await readMigrations(root, {
      ...(inside || !targetIsFolder ? { path: target } : {}),
      ...(options.format ? { format: options.format } : {}),
      ...(options.engine ? { engine: options.engine } : {}),
      executeProjectCode: options.execute,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    io.stdout.write(
      options.json ? `${JSON.stringify(result, null, 2)}\n` : `${summarizeMigrations(result, { sql: options.sql })}\n`,
    );
    return result.errors.length > 0 ? 1 : 0;
  },
};

interface MigrationsArgs {
  target?: string;
  json: boolean;
  sql: boolean;
  execute: boolean;
  format?: MigrationFormat;
  engine?: Engine;
  timeoutMs?: number;
}

function parseArgs(args: string[]): MigrationsArgs {
  const parsed: MigrationsArgs = { json: false, sql: false, execute: false };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '--json') parsed.json = true;
    else if (arg === '--sql') parsed.sql = true;
    else if (arg === '--execute') parsed.execute = true;
    else if (arg === '--format') {
      const value = args[++index] ?? '';
      if (!FORMATS.includes(value as MigrationFormat)) {
        throw new UserError(
          'bad-option',
          `--format needs one of ${FORMATS.join(', ')}, got '${value}'.`,
          'Example: --format goose',
        );
      }
      parsed.format = value as MigrationFormat;
    } else if (arg === '--engine') {
      const value = args[++index] ?? '';
      if (!ENGINES.includes(value as Engine)) {
        throw new UserError(
          'bad-option',
          `--engine needs one of ${ENGINES.join(', ')}, got '${value}'.`,
          'Example: --engine mysql',
        );
      }
      parsed.engine = value as Engine;
    } else if (arg === '--timeout') {
      const value = Number(args[++index]);
      if (!Number.isInteger(value) || value <= 0) {
        throw new UserError(
          'bad-option',
          `--timeout needs a positive number of milliseconds, got '${args[index] ?? ''}'.`,
          'Example: --timeout 30000',
        );
      }
      parsed.timeoutMs = value;
    } else if (arg.startsWith('-')) {
      throw new UserError(
        'bad-option',
        `Unknown option '${arg}' for migrations.`,
        "Run 'db-migration-agent migrations --help' for the options.",
      );
    } else if (parsed.target === undefined) parsed.target = arg;
    else
      throw new UserError(
        'bad-option',
        `migrations takes one path, got '${parsed.target}' and '${arg}'.`,
        'Pass a single project, file or folder.',
      );
  }
  return parsed;
}
