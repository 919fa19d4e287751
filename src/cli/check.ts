import { parseArgs } from 'node:util';
import { UserError } from '../errors.js';
import type { CliCommand, CliIO } from './command.js';

const FAIL_LEVELS = ['error', 'warning', 'info'] as const;
type FailLevel = (typeof FAIL_LEVELS)[number];
const FORMAT_NAMES = ['text', 'json', 'sarif', 'github', 'markdown'] as const;

const HELP = `Usage: db-migration-agent check <paths|globs|-> [options]

Checks PostgreSQL migrations for data loss, long locks, backward-incompatible changes and other hazards, and
answers the safety checklist. Paths are migration files or folders of any supported format — golang-migrate,
dbmate, goose, sql-migrate, Flyway, Diesel, multi-dialect SQL, Atlas, Sqitch, Liquibase, Rails, Ecto, Prisma,
Drizzle, knex, TypeORM, Sequelize, Alembic, Django, plain .sql — or quoted .sql globs, inside the project root. Migrations are checked in the order their tool applies
them, each in its tool's transaction mode, each seeing the tables the earlier ones created (a single file is
checked with the migrations before it as history), and its down migration answers "rollback present".
Findings in knex/TypeORM/Sequelize migrations point at the .ts/.js line that produced the SQL; compiling
those runs project code, so it happens only with --execute. \`-\` reads SQL from standard input.

Options:
  --format <f>              text (default), json, sarif, github, markdown
  --fail-on <level>         exit 1 when a finding is at or above: error (default), warning, info
  --execute                 compile knex/TypeORM/Sequelize migrations to SQL (runs their code in an isolated
                            worker with a time limit; no database is touched). Without it they are not checked
  --timeout <seconds>       time limit per migration file for --execute (default 10)
  --engine <name>           the database engine (default: the migration format's or the project's); only
                            postgresql has rules so far
  --pg-version <n>          target PostgreSQL major version (default: config, else the version the project
                            names, e.g. a docker-compose postgres:16 image, else 15)
  --assume-in-transaction   plain .sql / stdin: the migration tool wraps each file in a transaction (known
                            formats use each migration's own mode)
  --rows <table=N>          estimated rows of a table (repeatable), e.g. --rows orders=12000000
  --large-table-rows <n>    tables with at least n rows are large (default 1000000)
  --database-url <url>      read row counts and the current schema read-only from this PostgreSQL database
  --history <path|glob>     earlier, already applied migrations (repeatable), so their tables are known
  --root <dir>              project root (default: the current directory)
  --explain <rule>          print a rule's documentation and exit
  --list-rules              print every rule id and title and exit

Configuration: db-migration-agent.config.json (or "dbMigrationAgent" in package.json) at the project root:
  { "rules": { "<rule-id>": "off"|"error"|"warning"|"info" }, "pgVersion": 16, "assumeInTransaction": true,
    "largeTableRows": 1000000, "rowCounts": { "orders": 12000000 } }
Ignore comments: -- dma-ignore <rule-id>[, <rule-id>] <reason>   (the next statement)
                 -- dma-ignore-file [<rule-id>, …]              (the whole file)

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above --fail-on, 2 usage error, SQL syntax
error, or a migration that could not be read (or was not compiled: add --execute).

Examples:
  db-migration-agent check migrations/
  db-migration-agent check migrations/20240103_add_column.ts --execute
  db-migration-agent check "db/migrations/**/*.sql" --format github --fail-on warning
  cat change.sql | db-migration-agent check - --rows users=5000000 --assume-in-transaction
  db-migration-agent check --explain require-concurrent-index-creation`;

function usageError(what: string, fix: string): UserError {
  return new UserError('usage', what, fix);
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function parseRows(values: string[]): Record<string, number> {
  const rows: Record<string, number> = {};
  for (const value of values) {
    const match = /^([^=]+)=(\d[\d_,]*)$/.exec(value);
    if (!match)
      throw usageError(
        `--rows ${value} is not table=N.`,
        'Write it as --rows orders=12000000 (schema-qualified names are fine: --rows billing.invoices=5000000).',
      );
    rows[(match[1] ?? '').trim()] = Number((match[2] ?? '0').replace(/[_,]/g, ''));
  }
  return rows;
}

function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0)
    throw usageError(
      `${name} ${value} is not a positive whole number.`,
      `Pass ${name} followed by a number, e.g. ${name === '--pg-version' ? '--pg-version 16' : `${name} 1000000`}.`,
    );
  return number;
}

export async function runCheck(args: string[], io: CliIO): Promise<number> {
  // Compile the parser's WebAssembly on a background thread while the JavaScript modules load.
  const parserReady = import('../sql/postgres.js').then((module) => module.loadPostgresParser());
  parserReady.catch(() => undefined);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw usageError((error as Error).message, 'Run `db-migration-agent check --help` for the options.');
  }
  const { values, positionals } = parsed;
  const [{ allRuleMeta, explainRule, findRuleMeta }] = await Promise.all([import('../safety/docs.js')]);
  if (values['list-rules']) {
    for (const meta of allRuleMeta())
      io.stdout.write(`${meta.id.padEnd(44)} ${meta.defaultSeverity.padEnd(8)} ${meta.title}\n`);
    return 0;
  }
  if (values.explain !== undefined) {
    const meta = findRuleMeta(values.explain);
    if (!meta) {
      const ids = allRuleMeta().map((each) => each.id);
      const close = ids.filter((id) => id.includes(values.explain ?? '') || (values.explain ?? '').includes(id));
      throw usageError(
        `Unknown rule "${values.explain}".`,
        `${close.length > 0 ? `Did you mean ${close.slice(0, 3).join(', ')}? ` : ''}Run \`db-migration-agent check --list-rules\` to see every rule id.`,
      );
    }
    io.stdout.write(explainRule(meta));
    return 0;
  }
  const format = values.format ?? 'text';
  if (!(FORMAT_NAMES as readonly string[]).includes(format))
    throw usageError(`Unknown format "${format}".`, `Use one of: ${FORMAT_NAMES.join(', ')}.`);
  const failOn = (values['fail-on'] ?? 'error') as FailLevel;
  if (!FAIL_LEVELS.includes(failOn))
    throw usageError(`Unknown --fail-on level "${values['fail-on']}".`, 'Use error, warning or info.');
  if (positionals.length === 0)
    throw usageError(
      'No migration files, folders or globs were given.',
      'Pass paths (e.g. `check migrations/`) or `-` to read standard input.',
    );

  const [{ resolveProjectRoot }, validate, format_, { RULES }, { ENGINE_RULES }] = await Promise.all([
    import('../project/root.js'),
    import('../safety/validate.js'),
    import('../safety/format.js'),
    import('../safety/rules/index.js'),
    import('../safety/builtin.js'),
  ]);
  const root = resolveProjectRoot(values.root ?? io.cwd);
  const timeoutSeconds = positiveInteger('--timeout', values.timeout);
  const pgVersion = positiveInteger('--pg-version', values['pg-version']);
  const largeTableRows = positiveInteger('--large-table-rows', values['large-table-rows']);
  const request = {
    root,
    ...(positionals.includes('-') ? { text: { file: '<stdin>', sql: await readStdin(io.stdin) } } : {}),
    paths: positionals.filter((path) => path !== '-'),
    ...(values.engine !== undefined ? { engine: values.engine } : {}),
    executeProjectCode: values.execute === true,
    ...(timeoutSeconds !== undefined ? { timeoutMs: timeoutSeconds * 1000 } : {}),
    ...(values.history && values.history.length > 0 ? { historyPaths: values.history } : {}),
    check: {
      ...(pgVersion !== undefined ? { pgVersion } : {}),
      ...(values['assume-in-transaction'] ? { assumeInTransaction: true } : {}),
      ...(largeTableRows !== undefined ? { largeTableRows } : {}),
      ...(values.rows && values.rows.length > 0 ? { rowCounts: parseRows(values.rows) } : {}),
      ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
    },
  };
  const rules = new Map([
    ...RULES.map((rule) => [rule.meta.id, rule.meta] as const),
    ...ENGINE_RULES.map((meta) => [meta.id, meta] as const),
  ]);
  // Written while it is checked: a huge migration's report never sits in memory whole.
  const writer = format_.reportWriter(
    format as (typeof FORMAT_NAMES)[number],
    (chunk) => io.stdout.write(chunk),
    rules,
  );
  const { result } = await validate.streamMigrations(request, writer);
  writer.finish(result);
  if (result.errors.length > 0) return 2;
  const threshold = FAIL_LEVELS.indexOf(failOn);
  const failing = result.files.some((report) =>
    FAIL_LEVELS.some((level, rank) => rank <= threshold && report.counts[level] > 0),
  );
  return failing ? 1 : 0;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string', short: 'f' },
      'fail-on': { type: 'string' },
      'pg-version': { type: 'string' },
      'assume-in-transaction': { type: 'boolean' },
      rows: { type: 'string', multiple: true },
      'large-table-rows': { type: 'string' },
      'database-url': { type: 'string' },
      history: { type: 'string', multiple: true },
      root: { type: 'string' },
      execute: { type: 'boolean' },
      timeout: { type: 'string' },
      engine: { type: 'string' },
      explain: { type: 'string' },
      'list-rules': { type: 'boolean' },
    },
  });
}

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'Check migrations (any format) for locks, data loss and breaking changes on PostgreSQL (CI-friendly).',
  help: HELP,
  run: runCheck,
};
