import path from 'node:path';
import { UserError } from '../errors.js';
import type { Engine } from '../model.js';
import { engineOption, parseCommandArgs, refusePositionals } from './args.js';
import type { CliCommand } from './command.js';

const ENGINES: Engine[] = ['postgresql', 'sqlite', 'mysql', 'mariadb'];
const FORMATS = ['knex', 'prisma', 'sequelize', 'typeorm', 'drizzle', 'sql'] as const;

const HELP = `Usage: db-migration-agent seed [--table <name>]… [options]

Realistic seed rows for new tables: values that fit each column's name and type, CHECK and enum values,
unique columns unique, foreign keys pointing at rows seeded first. The same --seed gives the same rows.
Every row is inserted into a throw-away shadow (PGlite / SQLite in memory, or --shadow-url) in one
transaction first. Prints the seed file in the project's format; writes it only with --write (never over
an existing file).

Options:
  --table <name>            a table to seed, repeatable (default: the tables new between --from and --to)
  --from <source>           earlier schema for the default tables (as in diff)
  --to <source>             later schema for the default tables (as in diff)
  --schema <source>         where the tables are defined: migrations[:<folder>] (default, or --to),
                            sql:<file>, prisma:<file>, db:<url> (read-only)
  --database <db:url>       read-only: referenced tables with rows there are pointed at, not seeded
  --engine <e>              ${ENGINES.join(', ')} (engine of SQL sources)
  --rows <n>                rows per table (default 10, at most 1000)
  --seed <n>                generator seed (default 1)
  --format <f>              ${FORMATS.join(', ')} (default: the project's tool, else sql)
  --name <name>             seed file name, snake_case (default seed_<table>)
  --shadow-url <url>        server for the shadow (MySQL needs one)
  --root <dir>              project root (default: the current directory)
  --write                   write the files into the project
  --execute                 replay code migrations (knex, TypeORM …) in the sandbox to read the schema
  --json                    print the full result as JSON

Exit codes: 0 seed generated and proven, 2 usage or input error (a row the shadow rejects included).

Examples:
  db-migration-agent seed --table orders --rows 20
  db-migration-agent seed --schema sql:db/schema.sql --table customers --format sql
  db-migration-agent seed --from git:HEAD:db/schema.sql --to sql:db/schema.sql --write`;

export const seedCommand: CliCommand = {
  help: HELP,
  async run(args, io) {
    const [{ generateSeed }, { renderSeedResult }] = await Promise.all([
      import('../plan/seed/index.js'),
      import('../plan/seed/render.js'),
    ]);
    const { values, positionals } = parse(args);
    refusePositionals('seed', positionals, 'Use --table <name>.');
    engineOption(values.engine, ENGINES);
    if (values.format && !(FORMATS as readonly string[]).includes(values.format))
      throw new UserError(
        'usage',
        `--format ${values.format} is not one of ${FORMATS.join(', ')}.`,
        'Example: --format knex',
      );
    const result = await generateSeed({
      root: path.resolve(io.cwd, values.root ?? '.'),
      ...(values.table ? { tables: values.table } : {}),
      ...(values.from ? { from: values.from } : {}),
      ...(values.to ? { to: values.to } : {}),
      ...(values.schema ? { schema: values.schema } : {}),
      ...(values.database ? { database: values.database } : {}),
      ...(values.engine ? { engine: values.engine as Engine } : {}),
      ...(values.rows !== undefined ? { rows: integer('--rows', values.rows) } : {}),
      ...(values.seed !== undefined ? { seed: integer('--seed', values.seed) } : {}),
      ...(values.format ? { format: values.format as (typeof FORMATS)[number] } : {}),
      ...(values.name ? { name: values.name } : {}),
      ...(values['shadow-url'] ? { shadowUrl: values['shadow-url'] } : {}),
      ...(values.write ? { write: true } : {}),
      executeProjectCode: values.execute === true,
    });
    if (values.json) {
      io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    io.stdout.write(`${renderSeedResult(result)}\n`);
    if (!result.written) for (const file of result.files) io.stdout.write(`\n--- ${file.path}\n${file.text}`);
    return 0;
  },
};

function integer(option: string, text: string): number {
  const value = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value))
    throw new UserError('usage', `${option} ${text} is not a whole number.`, `Example: ${option} 10`);
  return value;
}

function parse(args: string[]) {
  return parseCommandArgs('seed', args, {
    table: { type: 'string', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    schema: { type: 'string' },
    database: { type: 'string' },
    engine: { type: 'string' },
    rows: { type: 'string' },
    seed: { type: 'string' },
    format: { type: 'string' },
    name: { type: 'string' },
    'shadow-url': { type: 'string' },
    root: { type: 'string' },
    write: { type: 'boolean' },
    execute: { type: 'boolean' },
    json: { type: 'boolean' },
  });
}
