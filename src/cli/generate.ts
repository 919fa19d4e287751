import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { Change } from '../generate/changes.js';
import type { Engine } from '../model.js';
import type { RenameAnswer } from '../schema/diff/types.js';
import { engineOption, parseCommandArgs, refusePositionals } from './args.js';
import type { CliCommand } from './command.js';
import { withProgress } from './progress.js';

const ENGINES: Engine[] = ['postgresql', 'mysql', 'mariadb', 'sqlite'];

const HELP = `Usage: db-migration-agent generate (--changes <json|@file> | --from <source> --to <source>) [options]

Writes the migration(s) for a schema change in the project's own format, naming and style, each with its
down. Steps unsafe for running code (rename, type change, NOT NULL on a column with rows, drop) become
expand / backfill / contract migrations, each saying what the application must do first. Every migration
is checked with the safety rules and rehearsed up → down → up on a throw-away shadow with synthetic rows;
files are written only when every rehearsal passed, never overwriting one.

Options:
  --changes <json|@file>    the change list: JSON text, or @path to a JSON file
                            e.g. '[{"op":"add_column","table":"orders","column":{"name":"status","type":"text"}}]'
  --from <source>           instead of --changes: the earlier schema, as "diff" takes it
  --to <source>             the later schema (sql:<file>, prisma:<file>, git:<ref>:<file>, migrations, db:<url>)
  --file <path>             the schema file for the --from/--to defaults
  --rename <t.from=to>      answer a column rename of a --from/--to diff, repeatable
  --name <name>             descriptive name (default derived from the changes: add_orders_table …)
  --format <tool>           the migration tool to write for (default: the folder detect finds)
  --folder <dir>            the migration folder, when there are several (or to start a plain .sql one)
  --engine <e>              ${ENGINES.join(', ')} (default: what the project says)
  --server-version <v>      the target server, e.g. "mariadb 10.11", "mysql 8.0.36", "16"
  --strategy <s>            phased (default) or direct
  --confirm-destructive     generate steps that destroy data (drop table/column, …); without it they are
                            listed and left out
  --dry-run                 print the files, write nothing
  --shadow-url <url>        server for the shadow databases (MySQL/MariaDB needs one)
  --execute                 run code migrations and a Drizzle schema.ts source (sandboxed)
  --root <dir>              project root (default: the current directory)
  --json                    the whole result as JSON

Exit codes: 0 written (or dry run) at LOW/MEDIUM risk, 1 HIGH risk, a failed rehearsal or withheld steps,
2 usage or input error.

Examples:
  db-migration-agent generate --changes '[{"op":"create_table","table":"orders","columns":[{"name":"id","type":"bigint","primaryKey":true,"generated":"identity"}]}]'
  db-migration-agent generate --changes @change.json --dry-run
  db-migration-agent generate --from migrations --to sql:db/schema.sql --name add_billing`;

export const generateCommand: CliCommand = {
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parse(args);
    refusePositionals('generate', positionals, 'Use --changes or --from/--to.');
    engineOption(values.engine, ENGINES);
    if (values.strategy && !['phased', 'direct'].includes(values.strategy))
      throw new UserError(
        'usage',
        `--strategy ${values.strategy} is not phased or direct.`,
        'Example: --strategy direct',
      );
    const root = path.resolve(io.cwd, values.root ?? '.');
    const [{ generateMigration }, { renderGenerateResult }] = await Promise.all([
      import('../generate/generate.js'),
      import('../generate/render.js'),
    ]);
    const changes = values.changes ? await readChanges(values.changes, root) : undefined;
    const renames: RenameAnswer[] = (values.rename ?? []).map(columnRename);
    const result = await withProgress(io, (progress) =>
      generateMigration({
        root,
        ...(changes ? { changes } : {}),
        ...(values.from ? { from: values.from } : {}),
        ...(values.to ? { to: values.to } : {}),
        ...(values.file ? { file: values.file } : {}),
        ...(renames.length ? { renames } : {}),
        ...(values.name ? { name: values.name } : {}),
        ...(values.format ? { format: values.format } : {}),
        ...(values.folder ? { folder: values.folder } : {}),
        ...(values.engine ? { engine: values.engine as Engine } : {}),
        ...(values['server-version'] ? { serverVersion: values['server-version'] } : {}),
        ...(values.strategy ? { strategy: values.strategy as 'phased' | 'direct' } : {}),
        confirmDestructive: values['confirm-destructive'] === true,
        dryRun: values['dry-run'] === true,
        ...(values['shadow-url'] ? { shadowUrl: values['shadow-url'] } : {}),
        executeProjectCode: values.execute === true,
        signal: progress.signal,
        onProgress: progress.update,
      }),
    );
    if (values.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      io.stdout.write(`${renderGenerateResult(result)}\n`);
      if (values['dry-run'])
        for (const file of result.files)
          io.stdout.write(`\n--- ${file.path}${file.edit ? ' (edit)' : ''}\n${file.text}`);
    }
    const failed = result.rehearsal.some((item) => item.outcome === 'failed');
    return result.risk === 'HIGH' || failed || result.withheld.length > 0 ? 1 : 0;
  },
};

async function readChanges(text: string, root: string): Promise<Change[]> {
  const { changeSchema } = await import('../generate/changes.js');
  let source = text;
  if (text.startsWith('@')) {
    const { resolveInsideRoot } = await import('../root.js');
    const file = text.slice(1);
    try {
      source = await readFile(path.isAbsolute(file) ? file : resolveInsideRoot(root, file), 'utf8');
    } catch {
      throw new UserError(
        'usage',
        `--changes ${text}: ${file} cannot be read.`,
        'Pass @path to a JSON file inside the project, or the JSON itself.',
      );
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch (error) {
    throw new UserError(
      'usage',
      `--changes is not JSON: ${(error as Error).message}`,
      'Pass a JSON array of changes, e.g. [{"op":"drop_index","name":"orders_status_idx"}].',
    );
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  return list.map((item, index) => {
    const checked = changeSchema.safeParse(item);
    if (!checked.success)
      throw new UserError(
        'bad-change',
        `Change ${index + 1} is not valid: ${checked.error.issues.map((issue) => `${issue.path.join('.') || 'op'}: ${issue.message}`).join('; ')}.`,
        'See the change forms in "db-migration-agent generate --help" and the generate_migration tool schema.',
      );
    return checked.data;
  });
}

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

function parse(args: string[]) {
  return parseCommandArgs('generate', args, {
    changes: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    file: { type: 'string' },
    rename: { type: 'string', multiple: true },
    name: { type: 'string' },
    format: { type: 'string' },
    folder: { type: 'string' },
    engine: { type: 'string' },
    'server-version': { type: 'string' },
    strategy: { type: 'string' },
    'confirm-destructive': { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    'shadow-url': { type: 'string' },
    execute: { type: 'boolean' },
    root: { type: 'string' },
    json: { type: 'boolean' },
  });
}
