import { statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { type Engine, MIGRATION_FORMATS, type MigrationFormat } from '../model.js';
import { isInside } from '../root.js';
import type { CliCommand } from './command.js';
import { DURATION_HELP, parseDuration } from './duration.js';

const FORMATS: readonly MigrationFormat[] = MIGRATION_FORMATS;
const ENGINES: Engine[] = ['postgresql', 'mysql', 'mariadb', 'sqlite', 'mssql', 'cockroachdb'];

export const migrationsCommand: CliCommand = {
  // The help names the formats, from the registry: loaded only when help is asked for.
  async help() {
    const { CODE_FORMAT_LABELS, READ_FORMAT_LABELS, SCAN_ONLY_LABELS } = await import('../sources/format-names.js');
    return `Usage: db-migration-agent migrations [path] [--json] [--sql] [--execute] [--format <f>] [--engine <e>] [--timeout <duration>]

Reads the migrations of the project in the current folder (or of [path]: a project folder, or a package,
migration folder or migration file inside the current project) in the order the migration tool applies them.
The folders are the ones detect finds, in every package of a monorepo, each read in its own format:
${READ_FORMAT_LABELS}. Each statement keeps the line of the source that produced it.
${SCAN_ONLY_LABELS} migrations are detected but not read yet (listed as not read, exit code 1); a folder
named like a migration folder whose files match no format is an error naming the formats tried.

${CODE_FORMAT_LABELS} migrations are code: without --execute they are only listed.
--execute runs them (10 s limit per file) against recorders that capture the SQL, never against a database;
JS/TS runs in a sandbox (reads the project only: no network, file writes, processes or credentials).
--json prints one folder's result, or { folders, unread } when the project has several folders.

Options:
  --json            Print the full result (every statement with positions and origins) as JSON
  --sql             Print every statement, not only the first line of the first few
  --execute         Run code migrations to record their SQL (runs project code)
  --format <f>      Force the format: ${FORMATS.join(', ')}
  --engine <e>      Engine for splitting and compiling: ${ENGINES.join(', ')}
  --timeout <duration>  Time limit per code migration with --execute (default 10 s);
                    ${DURATION_HELP}

Exit codes: 0 all migrations read, 1 some files or folders had problems (listed), 2 usage or input error.

Examples:
  db-migration-agent migrations
  db-migration-agent migrations prisma/migrations --sql
  db-migration-agent migrations ../api --execute --json`;
  },
  async run(args, io) {
    // Loaded only when this command runs, so other commands start without the migration readers.
    const [{ readProjectMigrations }, { summarizeProject }] = await Promise.all([
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
    const result = await readProjectMigrations(root, {
      ...(inside || !targetIsFolder ? { path: target } : {}),
      ...(options.format ? { format: options.format } : {}),
      ...(options.engine ? { engine: options.engine } : {}),
      executeProjectCode: options.execute,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    const [single] = result.folders;
    const json =
      single && result.folders.length === 1 && result.unread.length === 0 && result.warnings.length === 0
        ? single
        : result;
    io.stdout.write(
      options.json ? `${JSON.stringify(json, null, 2)}\n` : `${summarizeProject(result, { sql: options.sql })}\n`,
    );
    const problems = result.unread.length + result.folders.reduce((sum, folder) => sum + folder.errors.length, 0);
    return problems > 0 ? 1 : 0;
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
      parsed.timeoutMs = parseDuration('--timeout', args[++index] ?? '', { maxMs: 3_600_000 });
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
