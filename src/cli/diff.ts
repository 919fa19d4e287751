import path from 'node:path';
import { UserError } from '../errors.js';
import type { Engine } from '../model.js';
import type { RenameAnswer } from '../schema/diff/types.js';
import { engineOption, parseCommandArgs, refusePositionals } from './args.js';
import type { CliCommand } from './command.js';
import { withProgress } from './progress.js';

const ENGINES: Engine[] = ['postgresql', 'sqlite', 'mysql', 'mariadb'];

const HELP = `Usage: db-migration-agent diff [--from <source>] [--to <source>] [options]

The change between two schemas as ordered operations, each safe / careful / dangerous with its reason,
hazards, the data it would lose and its SQL. Likely renames come back as questions; answer them with
--rename to get RENAME instead of drop + add. SQL and migrations are applied to a throw-away shadow
(PGlite / SQLite in memory), databases are read over read-only connections. Only code schemas (Drizzle,
TypeORM, Sequelize, MikroORM) and code migrations run project code, and only with --execute, in the sandbox.

Sources:
  sql:<file>                a SQL schema file in the working tree
  prisma:<file>             schema.prisma (or a folder of .prisma files), read with Prisma's own parser
  drizzle:<file>            a Drizzle schema.ts (needs --execute), read with drizzle-orm's getTableConfig
  typeorm:<file|glob>       TypeORM data source or entities (needs --execute), planned by TypeORM's synchronize
  sequelize:<file>          the module defining the Sequelize models (needs --execute), planned by sync()
  mikroorm:<file|glob>      MikroORM config or entities (needs --execute), planned by its schema generator
  git:<ref>:<file>          any of these at a git ref (HEAD, main, a commit), its imports read there too;
                            git:<ref>:typeorm:<glob> (or mikroorm:, sequelize:) for several files
  migrations[:<folder>]     the project's migration history, replayed
  db:<url>                  a database, read-only (postgres://…, mysql://…, a SQLite file)

Default: git:HEAD:<schema file> → sql:<schema file> (the file found among schema.sql, db/schema.sql,
db/structure.sql, prisma/schema.prisma… or named with --file).

Options:
  --from <source>           the earlier schema
  --to <source>             the later schema
  --file <path>             the schema file for the defaults
  --engine <e>              ${ENGINES.join(', ')} (default postgresql; a database URL names its own)
  --rename <t.from=to>      answer a column rename question (table.column=new_name), repeatable
  --rename-table <from=to>  answer a table rename question, repeatable
  --shadow-url <url>        server for the shadow databases (MySQL needs one)
  --execute                 load a Drizzle schema module in the sandbox (runs project code)
  --root <dir>              project root (default: the current directory)
  --sql                     print every operation's SQL
  --format <f>              text (default), json, sql

Exit codes: 0 no difference or only safe/careful steps, 1 a dangerous step or an open rename question,
2 usage or input error.

Examples:
  db-migration-agent diff
  db-migration-agent diff --from migrations --to sql:db/schema.sql
  db-migration-agent diff --file src/db/schema.ts --execute
  db-migration-agent diff --rename users.name=display_name --format json
  db-migration-agent diff --from db:postgres://ro@staging/app --to db:postgres://ro@prod/app`;

export const diffCommand: CliCommand = {
  help: HELP,
  async run(args, io) {
    const [{ diffSources }, { renderSchemaDiff }, { diffSql }] = await Promise.all([
      import('../schema/diff-sources.js'),
      import('../schema/diff/render.js'),
      import('../schema/diff/diff.js'),
    ]);
    const { values, positionals } = parse(args);
    refusePositionals('diff', positionals, 'Use --from and --to.');
    const format = values.format ?? 'text';
    if (!['text', 'json', 'sql'].includes(format))
      throw new UserError('usage', `--format ${format} is not one of text, json, sql.`, 'Example: --format json');
    engineOption(values.engine, ENGINES);
    const renames: RenameAnswer[] = [
      ...(values.rename ?? []).map(columnRename),
      ...(values['rename-table'] ?? []).map(tableRename),
    ];
    const result = await withProgress(io, (progress) =>
      diffSources({
        root: path.resolve(io.cwd, values.root ?? '.'),
        ...(values.from ? { from: values.from } : {}),
        ...(values.to ? { to: values.to } : {}),
        ...(values.file ? { file: values.file } : {}),
        ...(values.engine ? { engine: values.engine as Engine } : {}),
        ...(values['shadow-url'] ? { shadowUrl: values['shadow-url'] } : {}),
        executeProjectCode: values.execute === true,
        renames,
        signal: progress.signal,
        onProgress: progress.update,
      }),
    );
    if (format === 'json') io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else if (format === 'sql') io.stdout.write(`${diffSql(result.diff)}\n`);
    else
      io.stdout.write(
        `${result.from} → ${result.to}\n${renderSchemaDiff(result.diff, { sql: values.sql === true })}\n`,
      );
    return result.diff.summary.dangerous > 0 || result.diff.questions.length > 0 ? 1 : 0;
  },
};

function columnRename(text: string): RenameAnswer {
  const match = /^(.+)\.([^.=]+)=([^=]+)$/.exec(text);
  if (!match)
    throw new UserError(
      'usage',
      `--rename ${text} is not table.column=new_name.`,
      'Example: --rename users.name=display_name',
    );
  return { table: match[1] ?? '', from: match[2] ?? '', to: match[3] ?? '' };
}

function tableRename(text: string): RenameAnswer {
  const match = /^([^=]+)=([^=]+)$/.exec(text);
  if (!match)
    throw new UserError('usage', `--rename-table ${text} is not from=to.`, 'Example: --rename-table people=persons');
  return { from: match[1] ?? '', to: match[2] ?? '' };
}

function parse(args: string[]) {
  return parseCommandArgs('diff', args, {
    from: { type: 'string' },
    to: { type: 'string' },
    file: { type: 'string' },
    engine: { type: 'string' },
    rename: { type: 'string', multiple: true },
    'rename-table': { type: 'string', multiple: true },
    'shadow-url': { type: 'string' },
    root: { type: 'string' },
    sql: { type: 'boolean' },
    execute: { type: 'boolean' },
    format: { type: 'string' },
  });
}
