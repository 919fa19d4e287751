import path from 'node:path';
import { parseArgs } from 'node:util';
import { UserError } from '../errors.js';
import type { CliCommand, CliIO } from './command.js';
import { DURATION_HELP, parseDuration } from './duration.js';
import { withProgress } from './progress.js';

const HELP = `Usage: db-migration-agent rehearse [migration] [options]

Runs a migration on a throw-away database and reports what really happens: the locks each statement takes
(and until when), table/index rewrites, full scans, durations, rows affected, errors at file:line:col; then
up → down → up with the exact schema difference if the round trip fails, which data survives and which a step
destroys. The baseline is the project's earlier migrations replayed (or a schema dump), filled with synthetic
rows (NULLs, duplicates, non-numeric text) so data-dependent failures show up.

[migration] is a migration file or folder inside the project (its down migration is read by the project's
format reader), or '-' to read SQL from standard input. Without it (or with \`.\`) the newest migration of the
migration folder detect finds is rehearsed; a project with several folders (a monorepo) names them to choose from.

Options:
  --down <file>             the down migration (when the migration file has none)
  --engine <e>              postgresql (default, embedded PGlite), mysql, mariadb, sqlite
  --shadow-url <url>        create the temporary shadow database on this server (default: $SHADOW_DATABASE_URL,
                            else PGlite / SQLite in memory; MySQL needs one)
  --allow-remote-shadow     accept a shadow server that is not on this machine (the host the driver really
                            connects to: ?host=, PGHOST included) or has a production-like name; only if disposable
  --synthetic-rows <n>      rows generated in every table of the shadow (default 1000); --rows is an old alias
  --row-count <table=N>     production row count of a table (repeatable), for the lock-duration estimate
  --target-url <url>        a real database read over a read-only connection: row counts (statistics) for the
                            estimate, and the structure for --baseline target
  --baseline <b>            migrations (default), dump:<schema.sql>, target, none
  --lock-timeout <duration> lock_timeout to compare lock holds with (default 5s; a bare number is milliseconds,
                            as in PostgreSQL's lock_timeout setting)
  --timeout <duration>      time limit for the whole rehearsal (default 120 s);
                            ${DURATION_HELP}
  --execute                 allow running code migrations (knex, TypeORM, Sequelize, Alembic, Django) to record
                            their SQL: JS/TS in a sandbox (reads the project only; no network, writes, processes
                            or credentials), against recorders that never reach a database
  --root <dir>              project root (default: the current directory)
  --json                    print the structured report as JSON

Exit codes: 0 rehearsal passed, 1 the migration failed or the round trip differs, 2 usage or input error.

Examples:
  db-migration-agent rehearse migrations/20240501_add_orders.sql --down migrations/20240501_add_orders.down.sql
  db-migration-agent rehearse db/migrate/002.sql --row-count users=5000000 --json
  db-migration-agent rehearse db/migrations/20240305_add_status.js --execute
  SHADOW_DATABASE_URL=mysql://root@127.0.0.1:3306/test db-migration-agent rehearse m.sql --engine mysql`;

export const rehearseCommand: CliCommand = {
  help: HELP,
  async run(args, io) {
    // Loaded only when this command runs, so other commands start without the shadow-database code.
    const [{ renderRehearsal }, { runRehearsalRequest }] = await Promise.all([
      import('../shadow/render.js'),
      import('../shadow/request.js'),
    ]);
    const { values, positionals } = parse(args);
    if (positionals.length > 1) {
      throw new UserError(
        'usage',
        'rehearse takes exactly one migration.',
        'Run: db-migration-agent rehearse <migration file> [--down <file>]',
      );
    }
    const root = path.resolve(io.cwd, values.root ?? '.');
    // No migration (or '.'): the newest migration of the folder detect finds.
    const [migrationArg = '.'] = positionals;
    const migration = migrationArg === '-' ? await readStdin(io.stdin) : migrationArg;
    return withProgress(io, async (progress) => {
      const report = await runRehearsalRequest({
        projectRoot: root,
        migration,
        ...(values.down ? { down: values.down } : {}),
        ...(values.engine ? { engine: values.engine } : {}),
        ...(values['shadow-url'] ? { shadowUrl: values['shadow-url'], shadowUrlSource: '--shadow-url' } : {}),
        ...(values['allow-remote-shadow'] ? { allowRemoteShadow: true } : {}),
        ...syntheticRows(values, io),
        ...(values['row-count'] ? { rowCounts: rowCounts(values['row-count']) } : {}),
        ...(values['target-url'] ? { targetUrl: values['target-url'] } : {}),
        ...(values.baseline ? { baseline: values.baseline } : {}),
        ...(values['lock-timeout'] !== undefined
          ? {
              lockTimeoutMs: parseDuration('--lock-timeout', values['lock-timeout'], {
                bare: 'ms',
                maxMs: MAX_REHEARSAL_MS,
              }),
            }
          : {}),
        ...(values.timeout !== undefined
          ? { timeoutMs: parseDuration('--timeout', values.timeout, { minMs: 1_000, maxMs: MAX_REHEARSAL_MS }) }
          : {}),
        executeProjectCode: values.execute === true,
        signal: progress.signal,
        onProgress: progress.update,
      });
      io.stdout.write(
        values.json
          ? `${JSON.stringify(report, null, 2)}\n`
          : `${renderRehearsal(report)}${report.notes.map((note) => `\nnote: ${note}`).join('')}\n`,
      );
      return report.outcome === 'passed' ? 0 : 1;
    });
  },
};

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        down: { type: 'string' },
        engine: { type: 'string' },
        'shadow-url': { type: 'string' },
        'allow-remote-shadow': { type: 'boolean' },
        'synthetic-rows': { type: 'string' },
        rows: { type: 'string' },
        'row-count': { type: 'string', multiple: true },
        'target-url': { type: 'string' },
        baseline: { type: 'string' },
        'lock-timeout': { type: 'string' },
        timeout: { type: 'string' },
        execute: { type: 'boolean' },
        root: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UserError('usage', (error as Error).message, 'Run: db-migration-agent rehearse --help');
  }
}

/** The rehearsal's own time limit: the same bound the MCP tool's timeoutMs has. */
const MAX_REHEARSAL_MS = 3_600_000;

/** --synthetic-rows, or its old name --rows (which check used for production row counts: hence the rename). */
function syntheticRows(values: { 'synthetic-rows'?: string; rows?: string }, io: CliIO): { rowsPerTable?: number } {
  if (values.rows !== undefined) {
    io.stderr.write(
      'note: rehearse --rows is deprecated: use --synthetic-rows <n> (rows generated per table); production row counts are --row-count table=N.\n',
    );
  }
  if (values['synthetic-rows'] !== undefined && values.rows !== undefined)
    throw new UserError(
      'usage',
      'Both --synthetic-rows and --rows were given.',
      'Keep --synthetic-rows <n> and drop --rows.',
    );
  const value = values['synthetic-rows'] ?? values.rows;
  if (value === undefined) return {};
  return { rowsPerTable: integer(values['synthetic-rows'] !== undefined ? '--synthetic-rows' : '--rows', value) };
}

function integer(option: string, value: string): number {
  const number = Number(value.replace(/[_,]/g, ''));
  if (!Number.isInteger(number) || number < 0) {
    throw new UserError('usage', `${option} ${value} is not a whole number.`, `Write it as ${option} 1000.`);
  }
  return number;
}

function rowCounts(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) {
    const match = /^([^=]+)=(\d[\d_,]*)$/.exec(value);
    if (!match)
      throw new UserError('usage', `--row-count ${value} is not table=N.`, 'Write it as --row-count orders=12000000.');
    counts[(match[1] ?? '').trim()] = integer('--row-count', match[2] ?? '0');
  }
  return counts;
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
