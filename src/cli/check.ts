import { parseArgs } from 'node:util';
import { UserError } from '../errors.js';
import type { CliCommand, CliIO } from './command.js';
import { DURATION_HELP, parseDuration } from './duration.js';

const FAIL_LEVELS = ['error', 'warning', 'info'] as const;
type FailLevel = (typeof FAIL_LEVELS)[number];
const FORMAT_NAMES = ['text', 'json', 'sarif', 'github', 'markdown', 'gitlab'] as const;

/** The help names the formats, from the registry: loaded only when help is asked for. */
async function help(): Promise<string> {
  const { READ_FORMAT_LABELS, SCAN_ONLY_LABELS } = await import('../sources/format-names.js');
  return `Usage: db-migration-agent check [paths|globs|-] [options]

Checks PostgreSQL migrations for data loss, long locks, backward-incompatible changes and other hazards, and
answers the safety checklist. Paths are migration files or folders of any supported format — ${READ_FORMAT_LABELS}
— or quoted .sql globs, inside the project root. With no path (or \`.\`) every migration folder detect finds is
checked, in every package of a monorepo; a folder detect finds but cannot read (${SCAN_ONLY_LABELS}, or files in
no known format) is an error. Migrations are checked in the order their tool applies
them, each in its tool's transaction mode, each seeing the tables the earlier ones created (a single file is
checked with the migrations before it as history), and its down migration answers "rollback present".
Findings in knex/TypeORM/Sequelize migrations point at the .ts/.js line that produced the SQL; compiling
those runs project code, so it happens only with --execute. \`-\` reads SQL from standard input.

Options:
  --format <f>              text (default), json, sarif, github, markdown, gitlab (Code Quality JSON)
  --fail-on <level>         exit 1 when a finding is at or above: error (default), warning, info
  --execute                 compile knex/TypeORM/Sequelize migrations to SQL (runs their code in a sandbox:
                            reads the project only, no network, writes, processes or credentials; time limit;
                            no database is touched). Alembic/Django too. Without it they are not checked
  --timeout <duration>      time limit per migration file for --execute (default 10 s);
                            ${DURATION_HELP}
  --engine <name>           the database engine (default: each migration folder's, from its format or its
                            package; required when the project names several): postgresql, mysql,
                            mariadb or sqlite
  --pg-version <n>          target PostgreSQL major version (default: config, else the version the project
                            names, e.g. a docker-compose postgres:16 image, else 15)
  --engine-version <v>      target server version of any engine: 16 (PostgreSQL), 8.0.35, mysql-8.4, 5.7,
                            mariadb-10.11, 11.4 (MariaDB); MySQL/MariaDB ALGORITHM and LOCK facts depend on
                            it (default: config, else the project's docker-compose image, else unknown: each
                            ALTER is described per server line where they differ)
  --assume-in-transaction   plain .sql / stdin: the migration tool wraps each file in a transaction (known
                            formats use each migration's own mode)
  --row-count <table=N>     estimated rows of a table (repeatable), e.g. --row-count orders=12000000;
                            --rows is an old alias
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
error, a migration that could not be read (or was not compiled: add --execute), or nothing checked at all
(risk NOT FULLY CHECKED: what comes before a syntax error is still checked and reported).

Examples:
  db-migration-agent check
  db-migration-agent check migrations/
  db-migration-agent check migrations/20240103_add_column.ts --execute
  db-migration-agent check "db/migrations/**/*.sql" --format github --fail-on warning
  db-migration-agent check db/mysql/ --engine mysql --engine-version 8.0.35
  cat change.sql | db-migration-agent check - --row-count users=5000000 --assume-in-transaction
  db-migration-agent check --explain require-concurrent-index-creation`;
}

function usageError(what: string, fix: string): UserError {
  return new UserError('usage', what, fix);
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** --row-count table=N, or its old name --rows (which rehearse used for synthetic rows: hence the rename). */
function rowCountsOption(
  values: { 'row-count'?: string[]; rows?: string[] },
  io: CliIO,
): { rowCounts?: Record<string, number> } {
  if (values.rows && values.rows.length > 0)
    io.stderr.write('note: check --rows is deprecated: use --row-count table=N (the name rehearse uses too).\n');
  const given = [
    ...(values['row-count'] ?? []).map((value) => ['--row-count', value] as const),
    ...(values.rows ?? []).map((value) => ['--rows', value] as const),
  ];
  return given.length > 0 ? { rowCounts: parseRowCounts(given) } : {};
}

function parseRowCounts(given: (readonly [string, string])[]): Record<string, number> {
  const rows: Record<string, number> = {};
  for (const [option, value] of given) {
    const match = /^([^=]+)=(\d[\d_,]*)$/.exec(value);
    if (!match)
      throw usageError(
        `${option} ${value} is not table=N.`,
        'Write it as --row-count orders=12000000 (schema-qualified names are fine: --row-count billing.invoices=5000000).',
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

/** --list-rules (explain undefined) and --explain <rule>: the rules' documentation, loaded only then. */
async function documentRules(explain: string | undefined, io: CliIO): Promise<number> {
  const { allRuleMeta, explainRule } = await import('../safety/docs.js');
  const metas = await allRuleMeta();
  if (explain === undefined) {
    for (const meta of metas)
      io.stdout.write(`${meta.id.padEnd(44)} ${meta.defaultSeverity.padEnd(8)} ${meta.title}\n`);
    return 0;
  }
  const meta = metas.find((each) => each.id === explain);
  if (!meta) {
    const close = metas.map((each) => each.id).filter((id) => id.includes(explain) || explain.includes(id));
    throw usageError(
      `Unknown rule "${explain}".`,
      `${close.length > 0 ? `Did you mean ${close.slice(0, 3).join(', ')}? ` : ''}Run \`db-migration-agent check --list-rules\` to see every rule id.`,
    );
  }
  io.stdout.write(explainRule(meta));
  return 0;
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
  if (values['list-rules'] || values.explain !== undefined)
    return documentRules(values['list-rules'] ? undefined : values.explain, io);
  const format = values.format ?? 'text';
  if (!(FORMAT_NAMES as readonly string[]).includes(format))
    throw usageError(`Unknown format "${format}".`, `Use one of: ${FORMAT_NAMES.join(', ')}.`);
  const failOn = (values['fail-on'] ?? 'error') as FailLevel;
  if (!FAIL_LEVELS.includes(failOn))
    throw usageError(`Unknown --fail-on level "${values['fail-on']}".`, 'Use error, warning or info.');
  // No path: the whole project, as detect finds it.
  if (positionals.length === 0) positionals.push('.');

  const [{ resolveProjectRoot }, validate, format_, { ruleCatalog }] = await Promise.all([
    import('../root.js'),
    import('../safety/validate.js'),
    import('../safety/format.js'),
    import('../safety/safety-engines.js'),
  ]);
  const root = resolveProjectRoot(values.root ?? io.cwd);
  const timeoutMs =
    values.timeout !== undefined ? parseDuration('--timeout', values.timeout, { maxMs: 3_600_000 }) : undefined;
  const pgVersion = positiveInteger('--pg-version', values['pg-version']);
  const largeTableRows = positiveInteger('--large-table-rows', values['large-table-rows']);
  const request = {
    root,
    ...(positionals.includes('-') ? { text: { file: '<stdin>', sql: await readStdin(io.stdin) } } : {}),
    paths: positionals.filter((path) => path !== '-'),
    ...(values.engine !== undefined ? { engine: values.engine } : {}),
    executeProjectCode: values.execute === true,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(values.history && values.history.length > 0 ? { historyPaths: values.history } : {}),
    check: {
      ...(pgVersion !== undefined ? { pgVersion } : {}),
      ...(values['engine-version'] !== undefined ? { engineVersion: values['engine-version'] } : {}),
      ...(values['assume-in-transaction'] ? { assumeInTransaction: true } : {}),
      ...(largeTableRows !== undefined ? { largeTableRows } : {}),
      ...rowCountsOption(values, io),
      ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
    },
  };
  // Written while it is checked: a huge migration's report never sits in memory whole.
  const writer = format_.reportWriter(
    format as (typeof FORMAT_NAMES)[number],
    (chunk) => io.stdout.write(chunk),
    ruleCatalog(),
  );
  const { result } = await validate.streamMigrations(request, writer);
  writer.finish(result);
  // Anything not checked (an unreadable or unparsable input, or no file at all) is never a pass.
  if (result.errors.length > 0 || result.risk === 'NOT FULLY CHECKED') return 2;
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
      'engine-version': { type: 'string' },
      'assume-in-transaction': { type: 'boolean' },
      'row-count': { type: 'string', multiple: true },
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
  help,
  run: runCheck,
};
