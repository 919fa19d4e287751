import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { GeneratedFile, MigrationDraft } from '../../src/generate/types.js';
import type { Migration } from '../../src/model.js';
import { detectSetup } from '../../src/project/detect.js';
import type { ToolName } from '../../src/project/types.js';
import type { ShadowDatabase } from '../../src/shadow/types.js';
import { moduleForTool } from '../../src/sources/registry.js';
import type { MigrationScan } from '../../src/sources/types.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

const temporary: string[] = [];

/** A new empty temporary project folder, removed by removeTemporaryProjects. */
export async function temporaryProject(label: string): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), `dma-gen-${label}-`));
  temporary.push(root);
  return root;
}

/** A throw-away copy of a fixture project, so writers can add files to it. */
export async function fixtureCopy(name: string): Promise<string> {
  const root = await temporaryProject(name);
  await cp(path.join(FIXTURES, name), root, { recursive: true });
  return root;
}

export async function removeTemporaryProjects(): Promise<void> {
  await Promise.all(temporary.splice(0).map((root) => rm(root, { recursive: true, force: true })));
}

/** The migration folder of `tool` as detect_setup describes it: what generate_migration hands the writer. */
export function scanOf(root: string, tool: ToolName): MigrationScan {
  const setup = detectSetup(root).packages[0]!;
  const dir = setup.migrationDirs.find((candidate) => candidate.tool === tool);
  if (!dir) throw new Error(`no ${tool} folder detected in ${root}`);
  const inside = (file: string) => dir.path === '.' || file.startsWith(`${dir.path}/`);
  const conventions = setup.conventions.find((candidate) => candidate.tool === tool);
  return {
    dir,
    migrations: setup.migrations.filter((entry) => entry.tool === tool && inside(entry.path)),
    ...(conventions ? { conventions } : {}),
  };
}

/** Runs the format's writer on a fresh scan and writes its files (new ones must not exist yet). */
export function writeDraft(root: string, tool: ToolName, draft: MigrationDraft, now: Date): GeneratedFile[] {
  const write = moduleForTool(tool)?.write;
  if (!write) throw new Error(`${tool} has no writer`);
  const read = (relative: string) => {
    const absolute = path.join(root, relative);
    return existsSync(absolute) ? readFileSync(absolute, 'utf8') : undefined;
  };
  const files = write(draft, scanOf(root, tool), { root, now, read });
  for (const file of files) {
    const absolute = path.join(root, file.path);
    if (!file.edit && existsSync(absolute)) throw new Error(`${file.path} would be overwritten`);
    mkdirSync(path.dirname(absolute), { recursive: true });
    writeFileSync(absolute, file.text);
  }
  return files;
}

/** Statement text without comment lines, for comparing what was written with what is read back. */
export function bare(sql: string): string {
  return sql
    .split('\n')
    .filter((line) => !/^\s*--/.test(line))
    .join('\n')
    .trim();
}

/** The statements a tool runs for one direction, without the script's own BEGIN/COMMIT. */
export function statementsOf(statements: { sql: string }[]): string[] {
  return statements.map((statement) => bare(statement.sql)).filter((sql) => !/^(BEGIN|COMMIT)$/i.test(sql));
}

/**
 * Applies one direction of a read-back migration the way its tool does: inside one transaction when the tool
 * wraps it (and the engine can), the whole file as one query for tools that send it so, else statement by
 * statement. Scripts that open their own transaction (BEGIN … COMMIT) run as written.
 */
export async function applyMigration(db: ShadowDatabase, migration: Migration, direction: 'up' | 'down') {
  const statements = (direction === 'up' ? migration.up : (migration.down ?? [])).map((statement) => statement.sql);
  const ownTransaction = statements.some((sql) => /^\s*(BEGIN|COMMIT)\s*$/i.test(bare(sql)));
  if (migration.execution === 'one-query' && db.engine === 'postgresql') {
    await db.exec(statements.join(';\n'));
    return;
  }
  const wrap = migration.transactional && db.transactionalDdl && !ownTransaction;
  if (wrap) await db.begin();
  try {
    for (const sql of statements) await db.exec(sql);
    if (wrap) await db.commit();
  } catch (error) {
    if (wrap) await db.rollback().catch(() => undefined);
    throw error;
  }
}

/** Applies draft statements directly: the schema the generated migrations must reproduce. */
export async function applyDirect(db: ShadowDatabase, statements: string[]) {
  for (const sql of statements) await db.exec(sql);
}
