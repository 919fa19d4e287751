import path from 'node:path';
import { UserError } from '../errors.js';
import { parseCommandArgs } from './args.js';
import type { CliCommand } from './command.js';
import { parseDuration } from './duration.js';
import { withProgress } from './progress.js';

const HELP = `Usage: db-migration-agent plan [migration…] [options]

The deployment plan of one or more migrations, for the reviewer: summary, risk level, the changes table,
the migration files, rollback (command, down SQL, points of no return, up → down → up proven on a shadow),
the safety checklist answered with evidence, deployment steps per environment (staging first, backup of the
affected tables, monitoring queries, follow-up migrations) and the estimated impact — with the lock timeline:
per statement, which table is blocked for reads or writes, from when, for how long, against lock_timeout.

[migration…] are migration ids, names or paths as 'db-migration-agent migrations' lists them ('.' or none: the
newest), or '-' to plan SQL read from standard input. The migration is rehearsed on a throw-away database
(embedded PGlite for PostgreSQL); its down is its own, or derived from the schema before and after it.

Options:
  --format <f>              text (default: the plan with a terminal lock timeline), markdown (the full plan with
                            a Mermaid gantt chart, as GitHub renders it), json
  --output <file>           also write the Markdown plan to this new file inside the project (never overwrites)
  --path <folder>           the migration folder, when the project has several
  --engine <e>              postgresql (default), mysql, mariadb, sqlite
  --row-count <table=N>     production row count of a table (repeatable): lock durations are stretched to it
  --env <name>              promote to this environment of db-migration-agent.config.json: plan what it has
                            still to run, with its row counts (both read there, read-only)
  --lock-timeout <duration> lock_timeout to compare lock holds with (default 5s; a bare number is milliseconds)
  --shadow-url <url>        create the shadow database on this server (default: $SHADOW_DATABASE_URL, else
                            PGlite / SQLite in memory; MySQL needs one)
  --allow-remote-shadow     accept a shadow server not on this machine or with a production-like name
  --no-rehearse             plan from the safety report and table sizes alone
  --execute                 allow compiling code migrations (knex, TypeORM, Sequelize, Alembic, Django) in the
                            sandbox to record their SQL
  --width <n>               columns of the terminal timeline bars (default 40)
  --root <dir>              project root (default: the current directory)

Exit codes: 0 plan made, risk LOW or MEDIUM; 1 risk HIGH or the rehearsal failed; 2 usage or input error.

Examples:
  db-migration-agent plan
  db-migration-agent plan 20240103000000_users_display_name --execute --row-count users=5000000
  db-migration-agent plan migrations/0003_display_name.up.sql --format markdown --output docs/plan-0003.md`;

export const planCommand: CliCommand = {
  help: HELP,
  async run(args, io) {
    const [{ migrationPlan }, { renderPlanMarkdown }, { renderPlanText }, { writePlanFile }, { releaseWarmPglite }] =
      await Promise.all([
        import('../plan/migration-plan.js'),
        import('../plan/migration-plan-markdown.js'),
        import('../plan/migration-plan-text.js'),
        import('../plan/migration-plan-output.js'),
        import('../shadow/pglite.js'),
      ]);
    const { values, positionals } = parse(args);
    const format = values.format ?? 'text';
    if (!['text', 'markdown', 'json'].includes(format))
      throw new UserError(
        'usage',
        `--format ${format} is not one of text, markdown, json.`,
        'Example: --format markdown',
      );
    const root = path.resolve(io.cwd, values.root ?? '.');
    const fromStdin = positionals.length === 1 && positionals[0] === '-';
    try {
      const plan = await withProgress(io, async (progress) =>
        migrationPlan({
          projectRoot: root,
          ...(fromStdin ? { sql: await readStdin(io.stdin) } : positionals.length ? { migrations: positionals } : {}),
          ...(values.path ? { path: values.path } : {}),
          ...(values.engine ? { engine: values.engine } : {}),
          ...(values['row-count'] ? { rowCounts: rowCounts(values['row-count']) } : {}),
          ...(values.env ? { environment: values.env } : {}),
          ...(values['lock-timeout'] !== undefined
            ? {
                lockTimeoutMs: parseDuration('--lock-timeout', values['lock-timeout'], {
                  bare: 'ms',
                  maxMs: 3_600_000,
                }),
              }
            : {}),
          ...(values['shadow-url'] ? { shadowUrl: values['shadow-url'] } : {}),
          ...(values['allow-remote-shadow'] ? { allowRemoteShadow: true } : {}),
          ...(values['no-rehearse'] ? { rehearse: false } : {}),
          executeProjectCode: values.execute === true,
          signal: progress.signal,
          onProgress: progress.update,
        }),
      );
      const markdown = renderPlanMarkdown(plan);
      const written = values.output ? await writePlanFile(root, values.output, markdown) : undefined;
      const width = values.width !== undefined ? widthOf(values.width) : 40;
      if (format === 'json')
        io.stdout.write(`${JSON.stringify({ ...plan, ...(written ? { written } : {}) }, null, 2)}\n`);
      else if (format === 'markdown') io.stdout.write(markdown);
      else io.stdout.write(`${renderPlanText(plan, { width })}\n`);
      if (written) io.stderr.write(`plan written to ${written}\n`);
      const failed = plan.rehearsals.some((rehearsal) => rehearsal.outcome === 'failed');
      return plan.risk === 'HIGH' || failed ? 1 : 0;
    } finally {
      await releaseWarmPglite();
    }
  },
};

function parse(args: string[]) {
  return parseCommandArgs('plan', args, {
    format: { type: 'string' },
    output: { type: 'string' },
    path: { type: 'string' },
    engine: { type: 'string' },
    'row-count': { type: 'string', multiple: true },
    env: { type: 'string' },
    'lock-timeout': { type: 'string' },
    'shadow-url': { type: 'string' },
    'allow-remote-shadow': { type: 'boolean' },
    'no-rehearse': { type: 'boolean' },
    execute: { type: 'boolean' },
    width: { type: 'string' },
    root: { type: 'string' },
  });
}

function widthOf(value: string): number {
  const width = Number(value);
  if (!Number.isInteger(width) || width < 10 || width > 200)
    throw new UserError('usage', `--width ${value} is not a whole number from 10 to 200.`, 'Example: --width 60');
  return width;
}

function rowCounts(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) {
    const match = /^([^=]+)=(\d[\d_,]*)$/.exec(value);
    if (!match)
      throw new UserError('usage', `--row-count ${value} is not table=N.`, 'Write it as --row-count orders=12000000.');
    counts[(match[1] ?? '').trim()] = Number((match[2] ?? '0').replace(/[_,]/g, ''));
  }
  return counts;
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
