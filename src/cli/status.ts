import path from 'node:path';
import { UserError } from '../errors.js';
import { parseCommandArgs, refusePositionals } from './args.js';
import type { CliCommand } from './command.js';

const HELP = `Usage: db-migration-agent status [--env <name>]… [--url env:VAR] [options]

Per environment: the migrations applied, pending and unknown, read from the migration tool's own table
(knex_migrations, _prisma_migrations, flyway_schema_history …); failed or dirty ones, applied migrations edited
since (checksums), out-of-order ones, and drift: the real schema against the one the applied migrations produce
(replayed on a throw-away shadow). Every connection is read-only and time-limited.

Environments come from db-migration-agent.config.json: "environments": { "dev": { "url": "env:DATABASE_URL" } }.
URLs are read from environment variables only; passwords are masked in every output.

Options:
  --env <name>          an environment of the configuration, repeatable (default: all declared)
  --url <env:VAR|url>   a database named directly (reported as "url")
  --path <folder>       the migration folder when the project has several
  --no-drift            skip the schema comparison
  --execute             run code migrations (knex, TypeORM …) in the sandbox to get their SQL for drift
  --shadow-url <url>    server for the shadow database (MySQL drift needs one; default: $SHADOW_DATABASE_URL
                        when it is a server of the environment's engine, else PGlite / SQLite in memory)
  --root <dir>          project root (default: the current directory)
  --json                print the result as JSON

Exit codes: 0 nothing needs attention (pending migrations are normal), 1 unknown, failed, edited or out-of-order
migrations, drift, or an environment that could not be read, 2 usage or input error.

Examples:
  db-migration-agent status
  db-migration-agent status --env staging --env production --json
  db-migration-agent status --url env:DATABASE_URL --no-drift`;

export const statusCommand: CliCommand = {
  help: HELP,
  async run(args, io) {
    const [{ migrationStatus }, { renderStatus, needsAttention }] = await Promise.all([
      import('../environments/status.js'),
      import('../environments/render.js'),
    ]);
    const { values, positionals } = parseCommandArgs('status', args, {
      env: { type: 'string', multiple: true },
      url: { type: 'string' },
      path: { type: 'string' },
      'no-drift': { type: 'boolean' },
      execute: { type: 'boolean' },
      'shadow-url': { type: 'string' },
      root: { type: 'string' },
      json: { type: 'boolean' },
    });
    refusePositionals('status', positionals, 'Use --env <name> or --url env:VARIABLE.');
    if (values.url === '') throw new UserError('usage', '--url is empty.', 'Example: --url env:DATABASE_URL');
    const result = await migrationStatus({
      root: path.resolve(io.cwd, values.root ?? '.'),
      env: io.env,
      ...(values.env ? { environments: values.env } : {}),
      ...(values.url ? { url: values.url } : {}),
      ...(values.path ? { path: values.path } : {}),
      drift: !values['no-drift'],
      ...(values.execute ? { executeProjectCode: true } : {}),
      ...(values['shadow-url'] ? { shadowUrl: values['shadow-url'] } : {}),
    });
    io.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderStatus(result)}\n`);
    return result.environments.some(needsAttention) ? 1 : 0;
  },
};
