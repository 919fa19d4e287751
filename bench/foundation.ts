import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { detectSetup } from '../src/project/detect.js';
import { median, peakRssMiB, round, timeRuns } from './stats.js';
import type { BenchResult } from './types.js';

const BIN = fileURLToPath(new URL('../bundle/bin.js', import.meta.url));
const COLD_START_RUNS = 15;
const DETECT_RUNS = 7;
const LIST_RUNS = 30;

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } },
};
const HANDSHAKE = [
  INITIALIZE,
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  { jsonrpc: '2.0', id: 2, method: 'tools/list' },
]
  .map((message) => `${JSON.stringify(message)}\n`)
  .join('');

/**
 * The floor: an MCP SDK server with nothing registered, written to a temp file. Our cold start minus this is
 * what our own modules cost.
 */
function writeBareSdkServer(dir: string): string {
  const file = path.join(dir, 'bare-sdk-server.mjs');
  writeFileSync(
    file,
    [
      `import { McpServer } from ${JSON.stringify(import.meta.resolve('@modelcontextprotocol/sdk/server/mcp.js'))};`,
      `import { StdioServerTransport } from ${JSON.stringify(import.meta.resolve('@modelcontextprotocol/sdk/server/stdio.js'))};`,
      "await new McpServer({ name: 'bare', version: '1' }).connect(new StdioServerTransport());",
    ].join('\n'),
  );
  return file;
}

/** Spawns a server, sends initialize + tools/list, resolves with ms until tools/list is answered. */
function coldStartOnce(args: string[] = [BIN, 'mcp']): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('"id":2')) {
        const elapsed = performance.now() - started;
        child.kill();
        resolve(elapsed);
      }
    });
    child.on('error', reject);
    child.stdin.write(HANDSHAKE);
  });
}

/** Starts our server, initializes it, then times `runs` tools/list round trips over stdio (ms each). */
async function listRoundTrips(runs: number): Promise<number[]> {
  const child = spawn(process.execPath, [BIN, 'mcp'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const pending = new Map<number, () => void>();
  let buffered = '';
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const { id } = JSON.parse(buffered.slice(0, end)) as { id?: number };
      buffered = buffered.slice(end + 1);
      if (id !== undefined) pending.get(id)?.();
    }
  });
  const request = (message: { id: number; method: string; jsonrpc: string; params?: object }) =>
    new Promise<void>((resolve) => {
      pending.set(message.id, resolve);
      child.stdin.write(`${JSON.stringify(message)}\n`);
    });
  try {
    await request(INITIALIZE);
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
    const durations: number[] = [];
    for (let id = 2; id < runs + 2; id++) {
      const started = performance.now();
      await request({ jsonrpc: '2.0', id, method: 'tools/list' });
      durations.push(performance.now() - started);
    }
    return durations;
  } finally {
    child.kill();
  }
}

/**
 * A monorepo of `total` files: 20 workspace packages (knex, Prisma, Drizzle in turn) with 40 migrations each
 * and source files, plus 5,000 files in node_modules that the walk must skip (not counted in `total`).
 */
export function generateMonorepo(total = 20_000): string {
  const root = mkdtempSync(path.join(tmpdir(), 'dma-bench-monorepo-'));
  const write = (relative: string, content: string) => {
    const absolute = path.join(root, relative);
    mkdirSync(path.dirname(absolute), { recursive: true });
    writeFileSync(absolute, content);
  };
  let count = 0;
  const add = (relative: string, content: string) => {
    write(relative, content);
    count++;
  };
  add('package.json', JSON.stringify({ name: 'bench', private: true, workspaces: ['packages/*'] }));
  const packages = 20;
  for (let index = 0; index < packages; index++) {
    const dir = `packages/p${index}`;
    const kind = ['knex', 'prisma', 'drizzle'][index % 3]!;
    const dependency = kind === 'drizzle' ? 'drizzle-orm' : kind;
    add(
      `${dir}/package.json`,
      JSON.stringify({ name: `@bench/p${index}`, dependencies: { [dependency]: '1.0.0', pg: '8.0.0' } }),
    );
    for (let migration = 0; migration < 40; migration++) {
      const stamp = `2024${String((migration % 12) + 1).padStart(2, '0')}01${String(100000 + migration)}`;
      if (kind === 'knex') {
        add(
          `${dir}/migrations/${stamp}_m${migration}.js`,
          'exports.up = (k) => k.raw("select 1");\nexports.down = (k) => k.raw("select 1");\n',
        );
      } else if (kind === 'prisma') {
        add(`${dir}/prisma/migrations/${stamp}_m${migration}/migration.sql`, 'SELECT 1;\n');
      } else {
        add(`${dir}/drizzle/${String(migration).padStart(4, '0')}_m${migration}.sql`, 'SELECT 1;\n');
      }
    }
    if (kind === 'knex') add(`${dir}/knexfile.js`, "module.exports = { client: 'pg' };\n");
    if (kind === 'prisma')
      add(
        `${dir}/prisma/schema.prisma`,
        'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
      );
    if (kind === 'drizzle')
      add(`${dir}/drizzle.config.ts`, "export default { dialect: 'postgresql', out: './drizzle' };\n");
  }
  for (let index = 0; count < total; index++) {
    add(
      `packages/p${index % packages}/src/module${Math.floor(index / 50)}/file${index}.ts`,
      `export const value${index} = ${index};\n`,
    );
  }
  for (let index = 0; index < 5_000; index++) write(`node_modules/dep${index % 100}/file${index}.js`, '');
  return root;
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];

  const scratch = mkdtempSync(path.join(tmpdir(), 'dma-bench-sdk-'));
  try {
    const bare = writeBareSdkServer(scratch);
    await coldStartOnce();
    await coldStartOnce([bare]);
    const ours: number[] = [];
    const floor: number[] = [];
    // Interleaved so that load on the machine hits both series alike.
    for (let index = 0; index < COLD_START_RUNS; index++) {
      ours.push(await coldStartOnce());
      floor.push(await coldStartOnce([bare]));
    }
    const rss = await peakRssMiB(process.execPath, [BIN, 'mcp'], { input: HANDSHAKE });
    results.push({
      name: 'cold start: spawn → initialize → tools/list',
      unit: 'ms',
      median: round(median(ours)),
      runs: COLD_START_RUNS,
      ratio: round(median(ours) / median(floor), 2),
      peer: 'bare MCP SDK server',
      target: 300,
      note: `bare MCP SDK server with no tools ${round(median(floor))} ms${rss !== undefined ? `; our server's peak RSS ${rss} MiB` : ''}`,
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const [first, ...later] = await listRoundTrips(LIST_RUNS + 1);
  results.push({
    name: 'tools/list once the server is up (stdio round trip)',
    unit: 'ms',
    median: round(median(later)),
    runs: LIST_RUNS,
    target: 20,
    note: `the first one after initialize ${round(first ?? 0)} ms`,
  });

  const root = generateMonorepo();
  try {
    let last = detectSetup(root);
    const durations = await timeRuns(DETECT_RUNS, () => {
      last = detectSetup(root);
    });
    results.push({
      name: 'detect_setup on a 20,000-file monorepo',
      unit: 'ms',
      median: round(median(durations)),
      runs: DETECT_RUNS,
      target: 1000,
      note: `${last.stats.files} files walked (5,000 more in node_modules skipped), ${last.packages.length} packages, ${last.packages.reduce((sum, setup) => sum + setup.migrations.length, 0)} migrations listed`,
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return results;
}
