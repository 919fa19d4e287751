import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parsePostgres } from '../src/sql/postgres.js';
import { generateHistory, generateOrdinaryMigration } from './safety-shapes.js';
import { median, resourceUse, round, timeRuns } from './stats.js';
import type { BenchResult } from './types.js';

/**
 * `check` whole process beside squawk and pgfence on the same files in the same run (issue 19 §4): a generated
 * 50,000-statement migration, a history of 342 up/down folders, one ordinary 82-line migration (also warm through
 * an in-process MCP client), and a 20-statement file. `npm run bench -- safety:history` runs one entry.
 */

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(REPO, 'dist/bundle/bin.js');
const SQUAWK = path.join(REPO, 'node_modules/.bin/squawk');
const PGFENCE = path.join(REPO, 'node_modules/.bin/pgfence');
const RUNS = 3;
const SMALL_RUNS = 9;
const MCP_RUNS = 20;
const HISTORY_FOLDERS = 342;
const SINGLE_TARGET_MS = 150;

/** A varied, valid migration of `count` statements: DDL on new and existing tables, indexes, constraints, DML. */
export function generateMigration(count: number): string {
  const lines: string[] = ["SET lock_timeout = '2s';", "SET statement_timeout = '10min';"];
  for (let i = 0; lines.length < count; i++) {
    const table = `t_${i}`;
    const existing = `existing_${i % 50}`;
    switch (i % 12) {
      case 0:
        lines.push(
          `CREATE TABLE ${table} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, owner_id bigint REFERENCES ${existing} (id), created_at timestamptz NOT NULL DEFAULT now());`,
        );
        break;
      case 1:
        lines.push(`CREATE INDEX ${table}_name_idx ON ${existing} (name);`);
        break;
      case 2:
        lines.push(`ALTER TABLE ${existing} ADD COLUMN c_${i} integer;`);
        break;
      case 3:
        lines.push(`ALTER TABLE ${existing} ADD CONSTRAINT ${table}_fk FOREIGN KEY (owner_id) REFERENCES users (id);`);
        break;
      case 4:
        lines.push(`ALTER TABLE ${existing} ALTER COLUMN c_${i - 2} SET NOT NULL;`);
        break;
      case 5:
        lines.push(`UPDATE ${existing} SET name = 'n${i}' WHERE id = ${i};`);
        break;
      case 6:
        lines.push(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${table}_c_idx ON ${existing} (created_at);`);
        break;
      case 7:
        lines.push(`ALTER TABLE ${existing} ALTER COLUMN name TYPE varchar(200);`);
        break;
      case 8:
        lines.push(`INSERT INTO ${existing} (name) VALUES ('row ${i}'), ('other ${i}');`);
        break;
      case 9:
        lines.push(`ALTER TABLE ${existing} ADD CONSTRAINT ${table}_chk CHECK (char_length(name) < 500) NOT VALID;`);
        break;
      case 10:
        lines.push(`COMMENT ON TABLE ${existing} IS 'table ${i}';`);
        break;
      default:
        lines.push(`SELECT count(*) FROM ${existing} WHERE name LIKE 'n${i}%';`);
        break;
    }
  }
  return `${lines.slice(0, count).join('\n')}\n`;
}

interface ProcessRun {
  ms: number;
  code: number | null;
}

function runOnce(command: string, args: string[], cwd: string): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && code !== 1)
        reject(new Error(`${path.basename(command)} exited ${code}: ${stderr.slice(0, 500)}`));
      else resolve({ ms: performance.now() - started, code });
    });
  });
}

interface Command {
  command: string;
  args: string[];
}

interface Measured {
  median: number;
  rss: number | undefined;
  /** CPU time (user + system) of one run, ms: steadier than wall time on shared cores. */
  cpu: number | undefined;
}

/**
 * Each command `runs` times, alternating between them round by round (ours, squawk, pgfence, ours …) so a
 * neighbour's load on the shared cores falls on every tool alike; then each one's peak RSS.
 */
async function measureAlternating(commands: Command[], cwd: string, runs: number): Promise<Measured[]> {
  for (const { command, args } of commands) await runOnce(command, args, cwd); // warm the file and module caches
  const times: number[][] = commands.map(() => []);
  for (let round = 0; round < runs; round++)
    for (const [slot, { command, args }] of commands.entries())
      times[slot]?.push((await runOnce(command, args, cwd)).ms);
  const measured: Measured[] = [];
  for (const [slot, { command, args }] of commands.entries()) {
    const use = await resourceUse(command, args, { cwd });
    measured.push({ median: round(median(times[slot] ?? [])), rss: use?.rssMiB, cpu: use?.cpuMs });
  }
  return measured;
}

/** Ours, squawk and pgfence (those installed) on the same files: ours first, then the peers present. */
async function againstPeers(
  ours: string[],
  files: string[],
  cwd: string,
  runs: number,
): Promise<{ ours: Measured; squawk?: Measured; pgfence?: Measured }> {
  const commands: Command[] = [{ command: process.execPath, args: [BIN, ...ours] }];
  const hasSquawk = existsSync(SQUAWK);
  const hasPgfence = existsSync(PGFENCE);
  if (hasSquawk) commands.push({ command: SQUAWK, args: ['--reporter', 'json', ...files] });
  if (hasPgfence)
    commands.push({ command: PGFENCE, args: ['analyze', '--format', 'sql', '--output', 'json', ...files] });
  const [measuredOurs, ...peers] = await measureAlternating(commands, cwd, runs);
  return {
    ours: measuredOurs as Measured,
    ...(hasSquawk ? { squawk: peers.shift() } : {}),
    ...(hasPgfence ? { pgfence: peers.shift() } : {}),
  };
}

/** The wall and peak-RSS rows of one shape, with squawk as the ratio's peer and pgfence in the note. */
function peerRows(
  label: string,
  measured: { ours: Measured; squawk?: Measured; pgfence?: Measured },
  runs: number,
  wallTarget: number | 'squawk',
): BenchResult[] {
  const { ours, squawk, pgfence } = measured;
  const rows: BenchResult[] = [];
  const target = wallTarget === 'squawk' ? squawk?.median : wallTarget;
  rows.push({
    name: `check: ${label}, whole process (wall)`,
    unit: 'ms',
    median: ours.median,
    runs,
    ...(squawk ? { ratio: round(ours.median / squawk.median, 2), peer: `squawk 2.61 (${squawk.median} ms)` } : {}),
    ...(target !== undefined ? { target: round(target) } : {}),
    note: `target: ${wallTarget === 'squawk' ? 'wall ratio ≤ 1.0 vs squawk' : `< ${wallTarget} ms`}${pgfence ? `; pgfence ${pgfence.median} ms (ratio ${round(ours.median / pgfence.median, 2)})` : ''}${cpuNote(measured)}`,
  });
  if (ours.rss !== undefined)
    rows.push({
      name: `check: ${label}, peak RSS`,
      unit: 'MiB',
      median: ours.rss,
      runs: 1,
      ...(squawk?.rss ? { ratio: round(ours.rss / squawk.rss, 2), peer: `squawk 2.61 (${squawk.rss} MiB)` } : {}),
      target: 200,
      ...(pgfence?.rss ? { note: `pgfence ${pgfence.rss} MiB` } : {}),
    });
  return rows;
}

/** "; CPU ms ours 600, squawk 110 (5.45×), pgfence 900": one run each, user + system. */
function cpuNote({ ours, squawk, pgfence }: { ours: Measured; squawk?: Measured; pgfence?: Measured }): string {
  if (ours.cpu === undefined) return '';
  const peers = [
    squawk?.cpu !== undefined ? `squawk ${squawk.cpu} (${round(ours.cpu / squawk.cpu, 2)}×)` : undefined,
    pgfence?.cpu !== undefined ? `pgfence ${pgfence.cpu}` : undefined,
  ].filter(Boolean);
  return `; CPU ms (user+sys, one run) ours ${ours.cpu}${peers.length > 0 ? `, ${peers.join(', ')}` : ''}`;
}

const ENTRIES = ['big', 'history', 'single', 'small'] as const;

export async function run(only?: string[]): Promise<BenchResult[]> {
  if (!existsSync(BIN)) throw new Error('dist/bundle/bin.js is missing: run `npm run build` first');
  const unknown = (only ?? []).filter((entry) => !(ENTRIES as readonly string[]).includes(entry));
  if (unknown.length > 0) throw new Error(`unknown safety bench entries ${unknown.join(', ')}: ${ENTRIES.join(', ')}`);
  const wanted = (entry: (typeof ENTRIES)[number]) => !only || only.includes(entry);
  const folder = mkdtempSync(path.join(tmpdir(), 'dma-bench-safety-'));
  try {
    const results: BenchResult[] = [];
    if (wanted('big')) results.push(...(await bigFile(folder)));
    if (wanted('history')) results.push(...(await history(folder)));
    if (wanted('single')) results.push(...(await ordinaryMigration(folder)));
    if (wanted('small')) results.push(...(await smallFile(folder)));
    return results;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function bigFile(folder: string): Promise<BenchResult[]> {
  const bigFile = path.join(folder, 'big.sql');
  writeFileSync(bigFile, generateMigration(50_000));
  const measured = await againstPeers(['check', 'big.sql', '--format', 'json'], ['big.sql'], folder, RUNS);
  const results = peerRows('50,000-statement file', measured, RUNS, 'squawk');
  // The same file with every rule switched off in the project config: the framework's own cost
  // (parse, state tracking, lock map, checklist, output), which the rules add to.
  const bare = path.join(folder, 'rules-off');
  mkdirSync(bare);
  writeFileSync(path.join(bare, 'big.sql'), readFileSync(bigFile));
  const { RULES } = await import('../src/safety/rules/index.js');
  writeFileSync(
    path.join(bare, 'db-migration-agent.config.json'),
    JSON.stringify({ rules: Object.fromEntries(RULES.map((rule) => [rule.meta.id, 'off'])) }),
  );
  const [framework] = await measureAlternating(
    [{ command: process.execPath, args: [BIN, 'check', 'big.sql', '--format', 'json'] }],
    bare,
    RUNS,
  );
  const squawk = measured.squawk;
  results.push({
    name: 'check: 50,000-statement file, every rule off (framework only, wall)',
    unit: 'ms',
    median: framework?.median ?? 0,
    runs: RUNS,
    ...(squawk
      ? { ratio: round((framework?.median ?? 0) / squawk.median, 2), peer: `squawk 2.61 (${squawk.median} ms)` }
      : {}),
    ...(framework?.rss !== undefined ? { note: `peak RSS ${framework.rss} MiB` } : {}),
  });
  return results;
}

/** ~342 Diesel folders (up.sql + down.sql): `check migrations` reads the history as its tool applies it. */
async function history(folder: string): Promise<BenchResult[]> {
  const root = path.join(folder, 'history');
  const files: string[] = [];
  let statements = 0;
  for (const migration of generateHistory(HISTORY_FOLDERS)) {
    const dir = path.join(root, 'migrations', migration.folder);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'up.sql'), migration.up);
    writeFileSync(path.join(dir, 'down.sql'), migration.down);
    files.push(`migrations/${migration.folder}/up.sql`, `migrations/${migration.folder}/down.sql`);
    statements += (await parsePostgres(migration.up)).length + (await parsePostgres(migration.down)).length;
  }
  writeFileSync(path.join(root, 'diesel.toml'), '[migrations_directory]\ndir = "migrations"\n');
  const measured = await againstPeers(['check', 'migrations', '--format', 'json'], files, root, RUNS);
  return peerRows(`history of ${HISTORY_FOLDERS} up/down folders (${statements} statements)`, measured, RUNS, 'squawk');
}

/** One ordinary 82-line migration: whole process beside the peers, and warm through an in-process MCP client. */
async function ordinaryMigration(folder: string): Promise<BenchResult[]> {
  const root = path.join(folder, 'single');
  mkdirSync(root);
  const sql = generateOrdinaryMigration();
  writeFileSync(path.join(root, 'migration.sql'), sql);
  const label = `one ${sql.split('\n').length - 1}-line migration`;
  const measured = await againstPeers(
    ['check', 'migration.sql', '--format', 'json'],
    ['migration.sql'],
    root,
    SMALL_RUNS,
  );
  const results = peerRows(label, measured, SMALL_RUNS, SINGLE_TARGET_MS);
  const warm = await warmMcp(root, sql);
  results.push({
    name: `validate_safety: ${label}, warm in-process MCP client`,
    unit: 'ms',
    median: warm,
    runs: MCP_RUNS,
    note: 'SDK Client + InMemoryTransport, sql argument, after one unmeasured call',
  });
  return results;
}

async function warmMcp(root: string, sql: string): Promise<number> {
  const { createServer } = await import('../src/server.js');
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const { InMemoryTransport } = await import('@modelcontextprotocol/sdk/inMemory.js');
  const server = createServer({ cwd: root });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  try {
    const call = async () => {
      const result = await client.callTool({ name: 'validate_safety', arguments: { sql, projectRoot: root } });
      if (result.isError) throw new Error(`validate_safety failed: ${JSON.stringify(result.content).slice(0, 300)}`);
    };
    return round(median(await timeRuns(MCP_RUNS, call, 2)));
  } finally {
    await client.close();
    await server.close();
  }
}

async function smallFile(folder: string): Promise<BenchResult[]> {
  writeFileSync(path.join(folder, 'small.sql'), generateMigration(20));
  const [small, squawkSmall] = await measureAlternating(
    [
      { command: process.execPath, args: [BIN, 'check', 'small.sql', '--format', 'json'] },
      ...(existsSync(SQUAWK) ? [{ command: SQUAWK, args: ['--reporter', 'json', 'small.sql'] }] : []),
    ],
    folder,
    SMALL_RUNS,
  );
  return [
    {
      name: 'check: 20-statement file, whole process (wall)',
      unit: 'ms',
      median: small?.median ?? 0,
      runs: SMALL_RUNS,
      ...(squawkSmall
        ? {
            ratio: round((small?.median ?? 0) / squawkSmall.median, 2),
            peer: `squawk 2.61 (${squawkSmall.median} ms)`,
          }
        : {}),
      target: 250,
    },
  ];
}
