import path from 'node:path';
import { UserError } from '../../errors.js';
import type { Engine, Migration } from '../../model.js';
import type { PackageContext } from '../../project/context.js';
import type { MigrationScan } from '../../project/migrations.js';
import type { MigrationEntry } from '../../project/types.js';
import { dirOf, joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { type AppliedRecord, type Bookkeeping, type BookkeepingRow, sha1Hex } from '../bookkeeping.js';
import { readError, readText, selected } from '../files.js';
import { splitStatements } from '../statements.js';
import type { FormatRead, FormatReader, ReadContext } from '../types.js';
import { type PlanChange, parsePlan, parseSqitchConf, type SqitchConfig } from './sqitch-plan.js';
import { writeSqitch } from './sqitch-write.js';
import { isBlankSql, staticScan } from './static-scan.js';

const PLAN = 'sqitch.plan';

const ENGINES: Record<string, Engine> = {
  pg: 'postgresql',
  cockroach: 'cockroachdb',
  mysql: 'mysql',
  sqlite: 'sqlite',
};

async function configAround(root: string, directory: string): Promise<{ config: SqitchConfig; base: string }> {
  for (let folder = directory; ; folder = path.dirname(folder)) {
    const text = await readText(path.join(folder, 'sqitch.conf'));
    if (text !== undefined) return { config: parseSqitchConf(text), base: folder };
    if (folder === root || path.dirname(folder) === folder || !folder.startsWith(root)) break;
  }
  return { config: {}, base: directory };
}

/**
 * Sqitch: changes in sqitch.plan order, each with deploy/<change>.sql (up), revert/<change>.sql (down) and
 * verify/<change>.sql; the engine from sqitch.conf `[core] engine`. Sqitch adds no transaction: the scripts
 * it generates open their own (BEGIN … COMMIT).
 */
/**
 * A script that opens its own transaction: a BEGIN statement (`BEGIN;`, `BEGIN TRANSACTION;`, `START TRANSACTION;`),
 * not the BEGIN that opens a PL/pgSQL block (`DO $$ BEGIN … END $$`, a batched backfill), which has no semicolon.
 */
function opensTransaction(sql: string): boolean {
  return /^\s*(?:BEGIN(?:\s+(?:WORK|TRANSACTION))?|START\s+TRANSACTION)\s*;/im.test(sql);
}

/**
 * Sqitch's PostgreSQL registry (App/Sqitch/Engine/pg.sql): sqitch.changes (change_id, script_hash = SHA-1 of the
 * deploy script, change, project, committed_at, …). A reworked change has one row per deployed version under the
 * same name, matched in order to the plan's `name@tag` versions then `name`. On MySQL the registry is the database
 * `sqitch` of the same server, on SQLite the file `sqitch.<ext>` beside the target (src/environments/sqitch-registry.ts).
 */
const sqitchBookkeeping: Bookkeeping = {
  table: 'changes',
  postgresSchema: 'sqitch',
  ownTables: [],
  records: (rows, local) => {
    const versions = new Map<string, Migration[]>();
    for (const migration of local) {
      const name = changeName(migration);
      versions.set(name, [...(versions.get(name) ?? []), migration]);
    }
    const seen = new Map<string, number>();
    const committed = (row: BookkeepingRow) => new Date(row.committed_at as string | Date).getTime();
    const ordered = [...rows].sort((a, b) => committed(a) - committed(b));
    return ordered.map((row): AppliedRecord => {
      const name = String(row.change);
      const index = seen.get(name) ?? 0;
      seen.set(name, index + 1);
      const key = versions.get(name)?.[index]?.id ?? `${name} (${index + 1})`;
      return { key, label: key, state: 'applied', ...(row.script_hash ? { checksum: String(row.script_hash) } : {}) };
    });
  },
  keyOf: (migration) => migration.id,
  checksum: sha1Hex,
};

/** `users` for the reworked `users@v1.1` and for `users`. */
function changeName(migration: Migration): string {
  return migration.id.replace(/@[^@]*$/, '');
}

export const sqitch: FormatReader = {
  format: 'sqitch',
  priority: 11,
  tool: 'sqitch',
  label: 'Sqitch',
  bookkeeping: sqitchBookkeeping,
  scan: scanSqitch,
  write: writeSqitch,
  read: readSqitch,
};

async function readSqitch(context: ReadContext): Promise<FormatRead> {
  const { config, base } = await configAround(context.root, context.directory);
  const engine = context.engine ?? (config.engine ? (ENGINES[config.engine] ?? 'unknown') : undefined);
  const planPath = config.planFile ? path.resolve(base, config.planFile) : path.join(context.directory, PLAN);
  const planRelative = relativeToRoot(context.root, planPath);
  const planText = await readText(planPath);
  if (planText === undefined) {
    throw new UserError(
      'sqitch-plan-missing',
      `${planRelative} does not exist.`,
      'Run `sqitch init` or pass the folder holding sqitch.plan.',
      { file: planRelative },
    );
  }
  const folder = (name: string | undefined, fallback: string) =>
    name ? path.resolve(base, name) : path.join(context.directory, fallback);
  const dirs = {
    deploy: folder(config.deployDir, 'deploy'),
    revert: folder(config.revertDir, 'revert'),
    verify: folder(config.verifyDir, 'verify'),
  };
  const plan = parsePlan(planText, planRelative);
  const result: FormatRead = {
    migrations: [],
    errors: plan.errors.map((error) => readError(planRelative, error)),
    ...(engine ? { engine } : {}),
  };
  if (config.engine && !ENGINES[config.engine]) {
    result.notes = [
      `sqitch.conf names engine ${config.engine}, which has no rules here: statements are split generically.`,
    ];
  }
  const deployed = new Set<string>();
  for (const change of plan.changes) {
    const scripts = {
      deploy: path.join(dirs.deploy, `${change.scriptName}.sql`),
      revert: path.join(dirs.revert, `${change.scriptName}.sql`),
      verify: path.join(dirs.verify, `${change.scriptName}.sql`),
    };
    const missing = change.requires.filter((dependency) => {
      if (dependency.includes(':')) return false; // another project's change
      return !deployed.has(dependency.replace(/@.*$/, ''));
    });
    if (!change.revert) deployed.add(change.name);
    if (![scripts.deploy, scripts.revert, scripts.verify].some((file) => selected(context.only, file))) continue;
    context.signal?.throwIfAborted();
    const deployRelative = relativeToRoot(context.root, scripts.deploy);
    try {
      if (missing.length) {
        throw new UserError(
          'sqitch-dependency-order',
          `${planRelative}:${change.line}: ${change.name} requires ${missing.join(', ')}, which the plan does not deploy before it.`,
          'Move the required change above this one in sqitch.plan, or fix the dependency name.',
          { file: planRelative, line: change.line, column: 1 },
        );
      }
      result.migrations.push(await changeOf(context, engine, change, scripts, planRelative));
    } catch (error) {
      result.errors.push(readError(deployRelative, error));
    }
  }
  return result;
}

async function changeOf(
  context: ReadContext,
  engine: Engine | undefined,
  change: PlanChange,
  scripts: { deploy: string; revert: string; verify: string },
  planRelative: string,
): Promise<Migration> {
  // A `-change` line reverts the change at that point: its revert script is what runs.
  const upFile = change.revert ? scripts.revert : scripts.deploy;
  const downFile = change.revert ? scripts.deploy : scripts.revert;
  const upRelative = relativeToRoot(context.root, upFile);
  const upText = await readText(upFile);
  if (upText === undefined) {
    throw new UserError(
      'sqitch-script-missing',
      `${upRelative} does not exist, but ${planRelative}:${change.line} plans ${change.revert ? 'reverting' : 'deploying'} ${change.name}.`,
      'Add the script (sqitch add creates it) or remove the change from the plan.',
      { file: upRelative },
    );
  }
  const downText = await readText(downFile);
  const verifyText = await readText(scripts.verify);
  const notes = [
    `Planned at ${planRelative}:${change.line}${change.requires.length ? `, requires ${change.requires.join(', ')}` : ''}${change.conflicts.length ? `, conflicts with ${change.conflicts.join(', ')}` : ''}.`,
  ];
  const transactional = opensTransaction(upText) && /^\s*COMMIT\b/im.test(upText);
  notes.push(
    transactional
      ? 'The script opens its own transaction (BEGIN … COMMIT); Sqitch adds none.'
      : 'Sqitch adds no transaction and the script opens none.',
  );
  if (downText === undefined) notes.push(`No ${relativeToRoot(context.root, downFile)}: sqitch revert cannot undo it.`);
  if (verifyText !== undefined) notes.push(`Verified by ${relativeToRoot(context.root, scripts.verify)}.`);
  if (change.revert) notes.push('A `-` plan line: the change is reverted here.');
  return {
    id: change.revert ? `-${change.id}` : change.id,
    name: change.note || change.name,
    path: upRelative,
    format: 'sqitch',
    up: isBlankSql(upText) ? [] : await splitStatements(upText, engine, upRelative),
    ...(downText !== undefined
      ? {
          down: isBlankSql(downText)
            ? []
            : await splitStatements(downText, engine, relativeToRoot(context.root, downFile)),
        }
      : {}),
    transactional,
    notes,
  };
}

/** detect_setup: each sqitch.plan with a deploy/ folder beside it, changes in plan order. */
export function scanSqitch(context: PackageContext): MigrationScan[] {
  const scans: MigrationScan[] = [];
  for (const plan of context.ownFiles.filter((file) => file.endsWith(`/${PLAN}`) || file === PLAN)) {
    const dir = dirOf(plan);
    if (!context.files.dirs.has(joinRelative(dir, 'deploy'))) continue;
    const { changes } = parsePlan(context.files.read(plan) ?? '', plan);
    const entries: MigrationEntry[] = changes.map((change) => {
      const deploy = joinRelative(dir, 'deploy', `${change.scriptName}.sql`);
      return {
        id: change.id,
        name: change.name,
        path: deploy,
        tool: 'sqitch',
        hasDown: context.files.has(joinRelative(dir, 'revert', `${change.scriptName}.sql`)),
        transactional: opensTransaction(context.files.read(deploy) ?? ''),
      };
    });
    scans.push(
      staticScan('sqitch', dir, entries, {
        naming: 'change name in sqitch.plan (deploy/<change>.sql, revert/<change>.sql, verify/<change>.sql)',
        example: entries.at(-1)?.name ?? '',
        extension: 'deploy/ + revert/ + verify/ .sql',
        moduleStyle: 'sql',
        transaction: 'none added by Sqitch: each script opens its own (BEGIN … COMMIT in the generated templates)',
      }),
    );
  }
  return scans;
}
