import path from 'node:path';
import type { Engine, Migration, Statement } from '../../model.js';
import { configString, ownFilesNamed, type PackageContext } from '../../project/context.js';
import { baseOf, dirOf, joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { listEntries, readText, selected } from '../files.js';
import type { FormatRead, FormatReader, MigrationReadError, MigrationScan } from '../types.js';
import { stringProperty } from './js-common.js';
import {
  type Body,
  type ConditionalBlock,
  callsIn,
  codeOnly,
  conditionalBlocks,
  functionBody,
  literalStatements,
  methodCalls,
  positionAt,
} from './js-static.js';
import { writeMikroOrm } from './mikro-orm-write.js';
import { engineFromPackages } from './package-engine.js';
import { entry, filesOf, finish, readIndexed } from './scan-common.js';

const CONFIG_FILES = [
  'mikro-orm.config.ts',
  'mikro-orm.config.js',
  'mikro-orm.config.mjs',
  'mikro-orm.config.cjs',
  'src/mikro-orm.config.ts',
  'src/mikro-orm.config.js',
];
/**
 * MikroORM's default `migrations.glob`, `!(*.d).{js,ts,cjs}`: every script in the folder is a migration, whatever
 * its name (Medusa's `InitialSetup<ts>.ts`), and its file name without the extension is its name in the table.
 */
const FILE = /^[^.].*\.(ts|js|mjs|cjs)$/;
const isMigrationFile = (name: string) => FILE.test(name) && !/\.d\.[cm]?ts$/.test(name);
const DRIVER_ENGINES: [string, Engine][] = [
  ['@mikro-orm/postgresql', 'postgresql'],
  ['@mikro-orm/mysql', 'mysql'],
  ['@mikro-orm/mariadb', 'mariadb'],
  ['@mikro-orm/sqlite', 'sqlite'],
  ['@mikro-orm/better-sqlite', 'sqlite'],
  ['@mikro-orm/libsql', 'sqlite'],
  ['@mikro-orm/mssql', 'mssql'],
];

interface MikroSettings {
  config?: string;
  text: string;
  /** migrations.pathTs, else migrations.path, relative to the root. */
  directory?: string;
}

async function mikroSettings(root: string): Promise<MikroSettings> {
  for (const config of CONFIG_FILES) {
    const text = await readText(path.join(root, config));
    if (text === undefined) continue;
    const block = /migrations\s*:\s*\{([^}]*)\}/.exec(text)?.[1] ?? '';
    const configured = stringProperty(block, 'pathTs') ?? stringProperty(block, 'path');
    return { config, text, ...(configured ? { directory: configured } : {}) };
  }
  return { text: '' };
}

/**
 * MikroORM: `class MigrationYYYYMMDDHHMMSS extends Migration` with `up()`/`down()` calling `this.addSql('…')`,
 * applied in class-name order. The SQL is read from the string literals, without running the code.
 */
const TRANSACTION = 'all pending migrations in one transaction (allOrNothing, the default)';

/** mikro-orm.config's migrations.pathTs / path (default `migrations` or `src/migrations`) of `Migration<ts>` classes. */
function scanMikroOrm(context: PackageContext): MigrationScan[] {
  const config = ownFilesNamed(context, /^mikro-orm\.config\.(c|m)?(js|ts)$/)[0];
  if (!config && !context.tools.has('mikro-orm')) return [];
  const block = config ? (/migrations\s*:\s*\{([^}]*)\}/.exec(readIndexed(context, config))?.[1] ?? '') : '';
  const base = config ? dirOf(config) : context.dir;
  const configured = configString(block, 'pathTs') ?? configString(block, 'path');
  const candidates = configured ? [configured] : ['migrations', 'src/migrations'];
  return candidates
    .map((candidate) => joinRelative(base, candidate))
    .filter((dir) => context.files.dirs.has(dir))
    .map((dir) => {
      const migrations = migrationFiles(filesOf(context, dir, FILE)).map((file) => {
        const text = readIndexed(context, file);
        const id = baseOf(file).replace(/\.[cm]?[jt]s$/, '');
        return entry(
          'mikro-orm',
          file,
          id,
          id.replace(/^Migration\d{14}_?/, '') || id,
          /\basync\s+down\s*\(/.test(text),
          !/isTransactional\s*\(\)[^{]*\{\s*return\s+false/.test(text),
        );
      });
      return finish('mikro-orm', TRANSACTION, dir, migrations, context);
    });
}

export const mikroOrm: FormatReader = {
  format: 'mikro-orm',
  priority: 6,
  tool: 'mikro-orm',
  label: 'MikroORM',
  scan: scanMikroOrm,
  write: writeMikroOrm,
  async read(context) {
    const settings = await mikroSettings(context.package);
    const declared = engineFromConfig(settings.text) ?? (await engineFromPackages(context.package, DRIVER_ENGINES));
    const engine = context.engine ?? declared;
    const transactionalDefault = !/\btransactional\s*:\s*false\b/.test(settings.text);
    const allOrNothing = !/\ballOrNothing\s*:\s*false\b/.test(settings.text);
    const { files } = await listEntries(context.directory);
    const result: FormatRead = { migrations: [], errors: [], ...(declared ? { engine: declared } : {}) };
    for (const file of migrationFiles(files)) {
      const absolute = path.join(context.directory, file);
      if (!selected(context.only, absolute)) continue;
      const relative = relativeToRoot(context.root, absolute);
      const text = (await readText(absolute)) ?? '';
      const read = readMigrationClass(text, relative, engine, transactionalDefault);
      if (read.migration?.transactional) {
        read.migration.notes.push(
          allOrNothing
            ? 'MikroORM runs all pending migrations in one transaction (allOrNothing, the default).'
            : 'allOrNothing: false: each migration runs in its own transaction.',
        );
      }
      if (read.migration) result.migrations.push(read.migration);
      result.errors.push(...read.errors);
    }
    return result;
  },
};

/** One file per class; when both the .ts source and its compiled .js sit in the folder, the .ts is read. */
function migrationFiles(files: string[]): string[] {
  const names = files.filter((file) => isMigrationFile(baseOf(file)));
  const hasTs = new Set(names.filter((file) => file.endsWith('.ts')).map((file) => file.replace(/\.ts$/, '')));
  return names
    .filter((file) => file.endsWith('.ts') || !hasTs.has(file.replace(/\.[cm]?js$/, '')))
    .sort((a, b) => (a.replace(/\.\w+$/, '') < b.replace(/\.\w+$/, '') ? -1 : 1));
}

function engineFromConfig(text: string): Engine | undefined {
  for (const [name, engine] of DRIVER_ENGINES)
    if (text.includes(`'${name}'`) || text.includes(`"${name}"`)) return engine;
  const type = /\btype\s*:\s*['"](postgresql|mysql|mariadb|sqlite|mssql)['"]/.exec(text)?.[1];
  return type === 'postgresql' || type === 'mysql' || type === 'mariadb' || type === 'sqlite' || type === 'mssql'
    ? type
    : undefined;
}

/** Methods of MikroORM's Migration base class that produce or run SQL, read like addSql. */
const SQL_METHODS = new Set(['addSql', 'execute']);
/** Methods that do not produce SQL. */
const HARMLESS_METHODS = new Set(['reset', 'getQueries', 'isTransactional', 'setTransactionContext']);

export function readMigrationClass(
  text: string,
  relative: string,
  engine: Engine | undefined,
  transactionalDefault = true,
): { migration?: Migration; errors: MigrationReadError[] } {
  const code = codeOnly(text);
  const className = /\bclass\s+(\w+)\s+extends\s+Migration\b/.exec(code)?.[1];
  const errors: MigrationReadError[] = [];
  if (!className) {
    errors.push(
      problem(
        relative,
        'mikro-orm-no-class',
        `${relative} defines no \`class … extends Migration\`, so MikroORM would not run it.`,
        'Export a class that extends Migration from @mikro-orm/migrations, with up() and down().',
        { line: 1, column: 1 },
      ),
    );
    return { errors };
  }
  const up = functionBody(text, 'up', code);
  if (!up) {
    errors.push(
      problem(
        relative,
        'mikro-orm-no-up',
        `${relative}: class ${className} has no up() method.`,
        "Add `async up(): Promise<void> { this.addSql('…'); }`.",
        {
          line: 1,
          column: 1,
        },
      ),
    );
    return { errors };
  }
  const notes: string[] = [];
  const upStatements = statementsOf(text, code, up, relative, engine, 'up', errors);
  const downBody = functionBody(text, 'down', code);
  let down: Statement[] | undefined;
  if (downBody) {
    if (/\bthrow\b/.test(code.slice(downBody.start, downBody.end))) {
      notes.push('down() throws: the migration is irreversible by design (migration:down stops on it).');
    } else {
      down = statementsOf(text, code, downBody, relative, engine, 'down', errors);
      if (down.length === 0 && !errors.some((error) => error.error.code === 'sql-not-static'))
        notes.push('down() adds no SQL: rolling it back changes nothing.');
    }
  } else notes.push("No down(): MikroORM's default down() throws, so migration:down cannot undo it.");
  const optsOut = /\bisTransactional\s*\(\s*\)[^{]*\{\s*return\s+false\b/.test(code);
  const transactional = transactionalDefault && !optsOut;
  if (optsOut) notes.push('isTransactional() returns false: MikroORM runs it outside a transaction.');
  else if (!transactionalDefault) notes.push('migrations.transactional is false in the config: no transaction.');
  notes.push('SQL read statically from the this.addSql() string literals (no code was run).');
  // MikroORM records a migration by its file name, not its class name (Medusa's product InitialSetup differ).
  const id = baseOf(relative).replace(/\.[cm]?[jt]s$/, '');
  return {
    migration: {
      id,
      name: id.replace(/^Migration/, '').replace(/^\d+_?/, '') || id,
      path: relative,
      format: 'mikro-orm',
      up: upStatements,
      ...(down ? { down } : {}),
      transactional,
      notes,
    },
    errors,
  };
}

function statementsOf(
  text: string,
  code: string,
  body: Body,
  relative: string,
  engine: Engine | undefined,
  direction: 'up' | 'down',
  errors: MigrationReadError[],
): Statement[] {
  const statements: Statement[] = [];
  const sqlCalls = new Map(
    callsIn(text, body, 'this\\s*\\.\\s*(?:addSql|execute)', code).map((call) => [
      call.line * 100_000 + call.column,
      call,
    ]),
  );
  const conditionals = conditionalBlocks(text, body, code);
  const branched = new Map<ConditionalBlock, number[]>();
  const inBranch = (offset: number, line: number) => {
    const outermost = conditionals.find((block) => block.start <= offset && offset < block.end);
    if (outermost) branched.set(outermost, [...(branched.get(outermost) ?? []), line]);
    return outermost !== undefined;
  };
  for (const call of functionsGivenThis(text, body, code)) {
    if (inBranch(call.offset, call.line)) continue;
    errors.push(
      problem(
        relative,
        'sql-not-static',
        `${relative}:${call.line}: ${direction}() hands \`this\` to ${call.name}(), whose SQL is not read, so it is not checked.`,
        `Move the this.addSql('…') calls of ${call.name}() into ${direction}(), or review them by hand.`,
        { line: call.line, column: call.column },
      ),
    );
  }
  for (const call of methodCalls(text, body, 'this', code)) {
    if (HARMLESS_METHODS.has(call.name)) continue;
    if (inBranch(call.offset, call.line)) continue;
    const literal = SQL_METHODS.has(call.name) ? sqlCalls.get(call.line * 100_000 + call.column) : undefined;
    if (literal?.sql !== undefined) {
      statements.push(...literalStatements(literal, relative, engine));
      continue;
    }
    const reason = literal?.reason ?? `this.${call.name}() is not a raw SQL call`;
    errors.push(
      problem(
        relative,
        'sql-not-static',
        `${relative}:${call.line}: the SQL of this.${call.name}() in ${direction}() is not statically known (${reason}), so it is not checked.`,
        "Write the SQL as a string literal in this.addSql('…'), or review this statement by hand.",
        { line: call.line, column: call.column },
      ),
    );
  }
  for (const [block, lines] of branched) errors.push(branchError(relative, direction, block, lines));
  return statements;
}

/**
 * SQL added inside an `if` or `else` runs or not by a condition known only at run time (Medusa branches on
 * `this.execute('select … from information_schema.tables …')`): reading every branch as if each ran would
 * claim what no database sees (an ALTER of a table the other branch creates), so the block is reported once.
 */
function branchError(
  relative: string,
  direction: 'up' | 'down',
  block: ConditionalBlock,
  lines: number[],
): MigrationReadError {
  const when = block.otherwise ? `\`${block.condition}\` is false` : `\`${block.condition}\``;
  const span = lines.length > 1 ? `lines ${lines[0]}–${lines[lines.length - 1]}` : `line ${lines[0]}`;
  return problem(
    relative,
    'sql-conditional',
    `${relative}:${block.line}: the SQL of ${direction}() at ${span} runs only when ${when}, known at run time, so it is not checked.`,
    'Review that branch by hand, or make it a migration of its own that always runs.',
    { line: block.line, column: 1 },
  );
}

/** `helper.call(this)`, `helper.apply(this, …)`, `helper(this)`: a function that may add SQL through `this`. */
function functionsGivenThis(
  text: string,
  body: Body,
  code: string,
): { name: string; line: number; column: number; offset: number }[] {
  const pattern = /(?<![\w$.])([A-Za-z_$][\w$]*)\s*(?:\.\s*(?:call|apply)\s*\(\s*this\b|\(\s*this\s*[,)])/g;
  return [...code.slice(body.start, body.end).matchAll(pattern)].map((match) => ({
    name: match[1] ?? '',
    offset: body.start + match.index,
    ...positionAt(text, body.start + match.index),
  }));
}

function problem(
  relative: string,
  code: string,
  what: string,
  fix: string,
  where: { line: number; column: number },
): MigrationReadError {
  return { path: relative, error: { code, what, fix, where: { file: relative, ...where } } };
}
