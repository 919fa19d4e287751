import path from 'node:path';
import { parseArgs } from 'node:util';
import { UserError } from '../errors.js';
import type { Engine } from '../model.js';
import type { CliCommand, CliIO } from './command.js';

const HELP = `Usage: db-migration-agent rollback <migration> [options]
       db-migration-agent rollback --all [options]

Derives the down of a migration from the schema itself: the migrations before it are replayed on a
throw-away shadow (S0), the migration is applied (S1), and the down is diff(S1, S0). Views, functions and
triggers come back with their exact earlier definitions. Every step that cannot give data back is listed as
a point of no return, and so is every step of the up that destroys data.

<migration> is a migration id, name or path as listed by 'db-migration-agent migrations'.

--all derives the down of every migration in one pass on one shadow and proves each: the down is applied
after the up and must give back the exact earlier schema (then the history goes on).

Options:
  --all                 derive and prove the down of every migration of the history
  --engine <e>          postgresql (default, PGlite), sqlite, mysql (with --shadow-url)
  --path <folder>       the migration folder, when not the detected one
  --shadow-url <url>    server for the shadow database
  --root <dir>          project root (default: the current directory)
  --format <f>          text (default), json, sql

Exit codes: 0 derived, 1 the down has points of no return, 2 usage or input error.

Examples:
  db-migration-agent rollback 20240501120000 --format json
  db-migration-agent rollback migrations/003_orders.sql --format sql`;

export const rollbackCommand: CliCommand = {
  name: 'rollback',
  summary: 'Derive the down of a migration (diff of the schema after it back to the schema before it).',
  help: HELP,
  async run(args, io) {
    const [{ deriveDown }, { renderSchemaDiff }] = await Promise.all([
      import('../schema/down.js'),
      import('../schema/diff/render.js'),
    ]);
    const { values, positionals } = parse(args);
    const [migration] = positionals;
    if (values.all) return runAll(positionals, values, io);
    if (!migration || positionals.length > 1)
      throw new UserError(
        'usage',
        'rollback takes exactly one migration.',
        'Run: db-migration-agent rollback <migration id or path>',
      );
    const format = values.format ?? 'text';
    if (!['text', 'json', 'sql'].includes(format))
      throw new UserError('usage', `--format ${format} is not one of text, json, sql.`, 'Example: --format json');
    const result = await deriveDown(migration, {
      root: path.resolve(io.cwd, values.root ?? '.'),
      ...(values.engine ? { engine: values.engine as Engine } : {}),
      ...(values.path ? { path: values.path } : {}),
      ...(values['shadow-url'] ? { shadowUrl: values['shadow-url'] } : {}),
    });
    if (format === 'json') io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else if (format === 'sql') io.stdout.write(`${result.statements.map((statement) => `${statement};`).join('\n')}\n`);
    else {
      const lines = [`Derived down of ${result.migration.path} (baseline: ${result.baseline} earlier migration(s))`];
      lines.push(renderSchemaDiff(result.down, { sql: true }));
      for (const loss of result.upLosses) lines.push(`point of no return (up): ${loss.object}: ${loss.lost}`);
      for (const caveat of result.caveats) lines.push(`caveat: ${caveat}`);
      io.stdout.write(`${lines.join('\n')}\n`);
    }
    return result.pointsOfNoReturn.length > 0 || result.upLosses.length > 0 ? 1 : 0;
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
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        engine: { type: 'string' },
        path: { type: 'string' },
        'shadow-url': { type: 'string' },
        root: { type: 'string' },
        format: { type: 'string' },
        all: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UserError('usage', (error as Error).message, 'Run: db-migration-agent rollback --help');
  }
}
