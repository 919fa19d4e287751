import path from 'node:path';
import { UserError } from '../errors.js';
import type { Engine } from '../model.js';
import { parseCommandArgs } from './args.js';
import type { CliCommand, CliIO } from './command.js';
import { withProgress } from './progress.js';

const HELP = `Usage: db-migration-agent rollback <migration> [options]
       db-migration-agent rollback --up <sql or file> [options]
       db-migration-agent rollback --all [options]

Plans the rollback of one migration: the down to use (the project's own, checked by validate_safety and
rehearsed, or one derived from the schema before and after the up when it has none), a grade (reversible,
reversible with data loss naming what is lost, irreversible) with the statements behind it, the project tool's
rollback command (never a database reset), manual steps with verification queries, the point of no return with
the backup to take before it, and the proof: up → down → up rehearsed on a throw-away shadow with synthetic rows.
Nothing is written to the project or to a real database.

<migration> is a migration id, name or path as listed by 'db-migration-agent migrations'; '.' is the newest.

--all derives the down of every migration in one pass on one shadow and proves each: the down is applied
after the up and must give back the exact earlier schema (then the history goes on).

Options:
  --up <sql|file>       plan the rollback of this SQL instead of a migration of the project
  --down <sql|file>     check this down instead of the migration's own
  --all                 derive and prove the down of every migration of the history
  --engine <e>          postgresql (default, PGlite), sqlite, mysql / mariadb (with --shadow-url)
  --path <folder>       the migration folder, when not the detected one
  --shadow-url <url>    server for the shadow database
  --allow-remote-shadow accept a shadow server that is not on this machine (only with consent)
  --rows <n>            synthetic rows per table for the proof (default 100)
  --no-rehearse         skip the proof on a shadow
  --execute             run code migrations (knex, TypeORM, …) in the sandbox to read their SQL
  --root <dir>          project root (default: the current directory)
  --format <f>          text (default), json, sql (the down statements only)

Exit codes: 0 reversible, 1 reversible with data loss (or --all: a down that does not restore the schema),
2 usage or input error, 3 irreversible.

Examples:
  db-migration-agent rollback 20240501120000 --format json
  db-migration-agent rollback migrations/003_orders.sql --format sql
  db-migration-agent rollback --up "ALTER TABLE users DROP COLUMN bio" --engine sqlite`;

export const rollbackCommand: CliCommand = {
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parse(args);
    if (values.all) return runAll(positionals, values, io);
    const [migration] = positionals;
    if ((!migration && values.up === undefined) || positionals.length > 1 || (migration && values.up !== undefined))
      throw new UserError(
        'usage',
        'rollback takes exactly one migration (or --up with its SQL).',
        'Run: db-migration-agent rollback <migration id or path>',
      );
    const format = values.format ?? 'text';
    if (!['text', 'json', 'sql'].includes(format))
      throw new UserError('usage', `--format ${format} is not one of text, json, sql.`, 'Example: --format json');
    const rows = values.rows === undefined ? undefined : Number(values.rows);
    if (rows !== undefined && !(Number.isInteger(rows) && rows >= 0))
      throw new UserError('usage', `--rows ${values.rows} is not a whole number.`, 'Example: --rows 100');
    const root = path.resolve(io.cwd, values.root ?? '.');
    const [{ rollbackPlan }, { renderRollbackPlan }] = await Promise.all([
      import('../plan/rollback.js'),
      import('../plan/rollback-render.js'),
    ]);
    const plan = await withProgress(io, (progress) =>
      rollbackPlan({
        projectRoot: root,
        ...(migration ? { migration } : {}),
        ...(values.up !== undefined ? { sql: values.up } : {}),
        ...(values.down !== undefined ? { down: values.down } : {}),
        ...(values.engine ? { engine: values.engine } : {}),
        ...(values.path ? { path: values.path } : {}),
        ...(values['shadow-url'] ? { shadowUrl: values['shadow-url'] } : {}),
        ...(values['allow-remote-shadow'] ? { allowRemoteShadow: true } : {}),
        ...(rows !== undefined ? { rowsPerTable: rows } : {}),
        ...(values['no-rehearse'] ? { rehearse: false } : {}),
        executeProjectCode: values.execute === true,
        signal: progress.signal,
        onProgress: progress.update,
      }),
    );
    if (format === 'json') io.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    else if (format === 'sql')
      io.stdout.write(`${plan.down.statements.map((statement) => `${statement};`).join('\n')}\n`);
    else io.stdout.write(`${renderRollbackPlan(plan)}\n`);
    return plan.grade === 'reversible' ? 0 : plan.grade === 'irreversible' ? 3 : 1;
  },
};

async function runAll(positionals: string[], values: ReturnType<typeof parse>['values'], io: CliIO): Promise<number> {
  if (positionals.length > 0)
    throw new UserError('usage', 'rollback --all takes no migration.', 'Run: db-migration-agent rollback --all');
  const [{ readMigrations }, { deriveHistoryDowns }] = await Promise.all([
    import('../sources/index.js'),
    import('../schema/down.js'),
  ]);
  const result = await readMigrations(path.resolve(io.cwd, values.root ?? '.'), {
    ...(values.path ? { path: values.path } : {}),
    ...(values.engine ? { engine: values.engine as Engine } : {}),
  });
  const engine = (values.engine as Engine | undefined) ?? result.engine;
  const downs = await deriveHistoryDowns(result.migrations, {
    ...(engine ? { engine } : {}),
    ...(values['shadow-url'] ? { shadowUrl: values['shadow-url'] } : {}),
  });
  const restored = downs.filter((down) => down.restoresEarlierSchema).length;
  if (values.format === 'json')
    io.stdout.write(`${JSON.stringify({ migrations: downs.length, restored, downs }, null, 2)}\n`);
  else {
    const lines = downs.map(
      (down) =>
        `${down.restoresEarlierSchema ? '✓' : '✗'} ${down.migration.path}: ${down.statements.length} statement(s)` +
        `${down.pointsOfNoReturn.length ? `, ${down.pointsOfNoReturn.length} point(s) of no return` : ''}` +
        `${down.residual.length ? ` — still differs: ${down.residual.join('; ')}` : ''}`,
    );
    lines.push(`${restored} of ${downs.length} derived downs restore the exact earlier schema.`);
    io.stdout.write(`${lines.join('\n')}\n`);
  }
  return restored === downs.length ? 0 : 1;
}

function parse(args: string[]) {
  return parseCommandArgs('rollback', args, {
    engine: { type: 'string' },
    path: { type: 'string' },
    'shadow-url': { type: 'string' },
    root: { type: 'string' },
    format: { type: 'string' },
    all: { type: 'boolean' },
    up: { type: 'string' },
    down: { type: 'string' },
    rows: { type: 'string' },
    'no-rehearse': { type: 'boolean' },
    execute: { type: 'boolean' },
    'allow-remote-shadow': { type: 'boolean' },
  });
}
