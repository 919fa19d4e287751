import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What a shell command an agent is about to run does to a database: apply migrations / run DDL, reset or drop it,
 * or neither. Read from the command text only (and the project's package.json scripts it names), never run.
 */

export type ShellIntent = ApplyIntent | { kind: 'reset'; what: string } | { kind: 'other' };

export interface ApplyIntent {
  kind: 'apply';
  what: string;
  /** SQL files a client is given, relative to `cwd`. */
  files: string[];
  /** Where it runs (after any `cd` before it). */
  cwd: string;
  /** DDL given on the command line (`psql -c "…"`). */
  sql?: string;
}

/** Destroys the database or all its data: blocked unless the user allowed it. */
const RESETS: Array<[RegExp, string]> = [
  [/^prisma\s+migrate\s+reset\b/, 'prisma migrate reset'],
  [/^prisma\s+db\s+push\b.*--(force-reset|accept-data-loss)\b/, 'prisma db push --force-reset / --accept-data-loss'],
  [/^drizzle-kit\s+push\b.*--force\b/, 'drizzle-kit push --force'],
  [/^(psql|mysql|mariadb|sqlite3|pgcli|mycli)\b.*\bdrop\s+database\b/i, 'DROP DATABASE'],
  [/^(dropdb|mysqladmin\b.*\bdrop)\b/, 'dropdb / mysqladmin drop'],
  [/^typeorm(-ts-node-\w+)?\s+schema:drop\b/, 'typeorm schema:drop'],
  [/^sequelize(-cli)?\s+db:(migrate:undo:all|drop)\b/, 'sequelize db:migrate:undo:all / db:drop'],
  [/^knex\s+migrate:rollback\b.*--all\b/, 'knex migrate:rollback --all'],
  [/^manage\.py\s+(flush|reset_db)\b/, 'manage.py flush'],
  [/^alembic\s+downgrade\s+base\b/, 'alembic downgrade base'],
  [/^flyway\b.*\bclean\b/, 'flyway clean'],
  [/^liquibase\b.*\bdrop-?all\b/i, 'liquibase dropAll'],
  [/^dbmate\b.*\bdrop\b/, 'dbmate drop'],
  [/^goose\b.*\breset\b/, 'goose reset'],
  [/^migrate\b.*\bdrop\b(\s+-f)?/, 'migrate drop'],
  [/^rails\s+db:(reset|drop|schema:load)\b/, 'rails db:reset / db:drop'],
];

/** Applies migrations or runs DDL: checked first. */
const APPLIES: Array<[RegExp, string]> = [
  [/^knex\s+migrate:(latest|up)\b/, 'knex migrate'],
  [/^prisma\s+migrate\s+(deploy|dev)\b/, 'prisma migrate'],
  [/^prisma\s+db\s+push\b/, 'prisma db push'],
  [/^drizzle-kit\s+(push|migrate)\b/, 'drizzle-kit'],
  [/^typeorm(-ts-node-\w+)?\s+migration:run\b/, 'typeorm migration:run'],
  [/^sequelize(-cli)?\s+db:migrate\b(?!:undo)/, 'sequelize db:migrate'],
  [/^alembic\b.*\bupgrade\b/, 'alembic upgrade'],
  [/^(manage\.py|django-admin)\s+migrate\b/, 'manage.py migrate'],
  [/^flyway\b.*\bmigrate\b/, 'flyway migrate'],
  [/^liquibase\b.*\bupdate\b/, 'liquibase update'],
  [/^goose\b.*\bup(-by-one|-to)?\b/, 'goose up'],
  [/^dbmate\b.*\b(up|migrate)\b/, 'dbmate up'],
  [/^sqitch\b.*\bdeploy\b/, 'sqitch deploy'],
  [/^node-pg-migrate\b.*\bup\b/, 'node-pg-migrate up'],
  [/^db-migrate\s+up\b/, 'db-migrate up'],
  [/^mikro-orm\s+migration:up\b/, 'mikro-orm migration:up'],
  [/^kysely\s+migrate(:latest|:up)?\b/, 'kysely migrate'],
  [/^rails\s+db:migrate\b/, 'rails db:migrate'],
  [/^diesel\s+migration\s+run\b/, 'diesel migration run'],
  [/^sqlx\s+migrate\s+run\b/, 'sqlx migrate run'],
  [/^atlas\s+migrate\s+apply\b/, 'atlas migrate apply'],
  [/^migrate\b.*\s(up|goto)\b/, 'migrate up'],
];

const DDL = /\b(create|alter|drop|truncate|rename)\s+(table|index|column|schema|type|view|sequence|database)\b/i;
const SQL_CLIENTS = /^(psql|mysql|mariadb|sqlite3|pgcli|mycli)\b/;

/** `npm run x`, `pnpm x`, `yarn x`, `bun run x`: the script it runs, from package.json. */
const RUN_SCRIPT = /^(?:npm\s+run(?:-script)?|pnpm(?:\s+run)?|yarn(?:\s+run)?|bun\s+run)\s+([\w:.-]+)/;

export function classifyCommand(command: string, cwd: string, depth = 0): ShellIntent {
  const segments = splitSegments(command);
  let apply: ShellIntent | undefined;
  let here = cwd;
  for (const written of segments) {
    const into = /^(?:cd|pushd)\s+("[^"]+"|'[^']+'|[^\s;&|]+)\s*$/.exec(written)?.[1];
    if (into) {
      here = path.resolve(here, into.replace(/^["']|["']$/g, ''));
      continue;
    }
    const script = RUN_SCRIPT.exec(written)?.[1];
    const target = /^make\s+(?:-\S+\s+)*([\w.-]+)\s*$/.exec(written)?.[1];
    const text =
      depth >= 3 ? undefined : script ? packageScript(here, script) : target ? makeRecipe(here, target) : undefined;
    if (text !== undefined) {
      const inner = classifyCommand(text, here, depth + 1);
      if (inner.kind === 'reset') return inner;
      if (inner.kind === 'apply') apply ??= { ...inner, what: `${written} (${inner.what})` };
      continue;
    }
    // `pnpm prisma migrate deploy` without a "prisma" script runs the prisma binary.
    const segment = script ? written.replace(/^(?:npm\s+run(?:-script)?|pnpm|yarn|bun)\s+(?:run\s+)?/, '') : written;
    const reset = RESETS.find(([pattern]) => pattern.test(segment));
    if (reset) return { kind: 'reset', what: reset[1] };
    const client = sqlClientIntent(segment, command, here);
    if (client) {
      apply ??= client;
      continue;
    }
    const known = APPLIES.find(([pattern]) => pattern.test(segment));
    if (known) apply ??= { kind: 'apply', what: known[1], files: [], cwd: here };
  }
  return apply ?? { kind: 'other' };
}

/** psql -f file / psql < file / psql -c "ALTER …", and the same for the MySQL and SQLite clients. */
function sqlClientIntent(segment: string, whole: string, cwd: string): ShellIntent | undefined {
  const client = SQL_CLIENTS.exec(segment)?.[1];
  if (!client) return undefined;
  const files = [
    ...[...segment.matchAll(/(?:\s-f\s*|\s--file[=\s])("[^"]+"|'[^']+'|\S+)/g)].map((match) => match[1] ?? ''),
    ...[...segment.matchAll(/<\s*("[^"]+"|'[^']+'|\S+)/g)].map((match) => match[1] ?? ''),
    // `cat x.sql | psql`: the file comes before the pipe.
    ...[...whole.matchAll(/\bcat\s+("[^"]+"|'[^']+'|\S+\.sql)\s*\|/g)].map((match) => match[1] ?? ''),
  ].map((file) => file.replace(/^["']|["']$/g, ''));
  if (files.length > 0) return { kind: 'apply', what: `${client} with a SQL file`, files, cwd };
  if (!DDL.test(segment)) return undefined;
  const inline = /\s(?:-c|--command[=\s]|-e|--execute[=\s])\s*(?:"([^"]*)"|'([^']*)')/.exec(segment);
  const sql = inline?.[1] ?? inline?.[2];
  return { kind: 'apply', what: `${client} running DDL`, files: [], cwd, ...(sql && DDL.test(sql) ? { sql } : {}) };
}

/** The command split at ;, &&, ||, | and newlines (outside quotes), each without leading VAR=value, sudo, npx …. */
export function splitSegments(command: string): string[] {
  const segments: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const char = command[i] as string;
    if (quote) {
      if (char === quote) quote = undefined;
      current += char;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      current += char;
      continue;
    }
    const two = command.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      segments.push(current);
      current = '';
      i++;
      continue;
    }
    if (char === ';' || char === '|' || char === '\n') {
      segments.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  segments.push(current);
  return segments.map(stripLaunchers).filter((segment) => segment.length > 0);
}

const LAUNCHER =
  /^(?:\w+=(?:"[^"]*"|'[^']*'|\S*)\s+|sudo\s+|env\s+|exec\s+|time\s+|npx\s+(?:-y\s+|--yes\s+)?|pnpm\s+(?:exec|dlx)\s+|yarn\s+(?:exec|dlx)\s+|bunx\s+|uv\s+run\s+|poetry\s+run\s+|pipenv\s+run\s+|python3?\s+(?:-m\s+)?|bundle\s+exec\s+|go\s+run\s+\S+\s+|docker(?:-compose|\s+compose)\s+(?:exec|run)\s+(?:-\S+\s+)*\S+\s+)/;

function stripLaunchers(segment: string): string {
  let text = segment.trim().replace(/^\(+|\)+$/g, '');
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(LAUNCHER, '').trim();
  }
  // ./node_modules/.bin/knex, /usr/local/bin/flyway: the program's own name.
  return text.replace(/^\S*\/(?=[\w.-]+(\s|$))/, '');
}

function packageScript(cwd: string, name: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path.join(cwd, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
    };
    return manifest.scripts?.[name];
  } catch {
    return undefined;
  }
}

/** The recipe of a Makefile target (its tab-indented lines, `@` and `-` prefixes dropped), one command a line. */
function makeRecipe(cwd: string, target: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(cwd, 'Makefile'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^${target.replace(/[.]/g, '\\.')}\\s*:(?!=)`).test(line));
  if (start < 0) return undefined;
  const recipe: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('\t')) break;
    recipe.push(line.slice(1).replace(/^[@-]+/, ''));
  }
  return recipe.join('\n');
}
