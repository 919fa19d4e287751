import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { median, peakRssMiB, round } from './stats.js';
import type { BenchResult } from './types.js';

/**
 * `check` on a generated 50,000-statement migration, whole process, beside squawk and pgfence on the same file in
 * the same run; plus a 20-statement file (the common case: one migration in a pre-commit hook or an agent loop).
 */

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(REPO, 'dist/bundle/bin.js');
const SQUAWK = path.join(REPO, 'node_modules/.bin/squawk');
const PGFENCE = path.join(REPO, 'node_modules/.bin/pgfence');
const RUNS = 3;
const SMALL_RUNS = 9;

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

async function measure(
  command: string,
  args: string[],
  cwd: string,
  runs: number,
): Promise<{ median: number; rss: number | undefined }> {
  await runOnce(command, args, cwd); // warm the file cache and the module cache of the disk
  const times: number[] = [];
  for (let index = 0; index < runs; index++) times.push((await runOnce(command, args, cwd)).ms);
  return { median: round(median(times)), rss: await peakRssMiB(command, args, { cwd }) };
}

export async function run(): Promise<BenchResult[]> {
  if (!existsSync(BIN)) throw new Error('dist/bundle/bin.js is missing: run `npm run build` first');
  const folder = mkdtempSync(path.join(tmpdir(), 'dma-bench-safety-'));
  try {
    const bigFile = path.join(folder, 'big.sql');
    const smallFile = path.join(folder, 'small.sql');
    writeFileSync(bigFile, generateMigration(50_000));
    writeFileSync(smallFile, generateMigration(20));
    const results: BenchResult[] = [];

    const ours = await measure(process.execPath, [BIN, 'check', 'big.sql', '--format', 'json'], folder, RUNS);
    const squawk = existsSync(SQUAWK)
      ? await measure(SQUAWK, ['--reporter', 'json', 'big.sql'], folder, RUNS)
      : undefined;
    const pgfence = existsSync(PGFENCE)
      ? await measure(PGFENCE, ['analyze', '--format', 'sql', '--output', 'json', 'big.sql'], folder, RUNS)
      : undefined;

    results.push({
      name: 'check: 50,000-statement file, whole process (wall)',
      unit: 'ms',
      median: ours.median,
      runs: RUNS,
      ...(squawk ? { ratio: round(ours.median / squawk.median, 2), peer: `squawk 2.61 (${squawk.median} ms)` } : {}),
      ...(squawk ? { target: round(squawk.median) } : {}),
      note: `target: wall ratio ≤ 1.0 vs squawk${pgfence ? `; pgfence ${pgfence.median} ms (ratio ${round(ours.median / pgfence.median, 2)})` : ''}`,
    });
    if (ours.rss !== undefined) {
      results.push({
        name: 'check: 50,000-statement file, peak RSS',
        unit: 'MiB',
        median: ours.rss,
        runs: 1,
        ...(squawk?.rss ? { ratio: round(ours.rss / squawk.rss, 2), peer: `squawk 2.61 (${squawk.rss} MiB)` } : {}),
        target: 200,
        ...(pgfence?.rss ? { note: `pgfence ${pgfence.rss} MiB` } : {}),
      });
    }
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
    const framework = await measure(process.execPath, [BIN, 'check', 'big.sql', '--format', 'json'], bare, RUNS);
    results.push({
      name: 'check: 50,000-statement file, every rule off (framework only, wall)',
      unit: 'ms',
      median: framework.median,
      runs: RUNS,
      ...(squawk
        ? { ratio: round(framework.median / squawk.median, 2), peer: `squawk 2.61 (${squawk.median} ms)` }
        : {}),
      ...(framework.rss !== undefined ? { note: `peak RSS ${framework.rss} MiB` } : {}),
    });
    if (pgfence) {
      results.push({
        name: 'peer: pgfence on the same 50,000-statement file (wall)',
        unit: 'ms',
        median: pgfence.median,
        runs: RUNS,
        note: 'npm @flvmnt/pgfence, --output json',
      });
    }

    const small = await measure(process.execPath, [BIN, 'check', 'small.sql', '--format', 'json'], folder, SMALL_RUNS);
    const squawkSmall = existsSync(SQUAWK)
      ? await measure(SQUAWK, ['--reporter', 'json', 'small.sql'], folder, SMALL_RUNS)
      : undefined;
    results.push({
      name: 'check: 20-statement file, whole process (wall)',
      unit: 'ms',
      median: small.median,
      runs: SMALL_RUNS,
      ...(squawkSmall
        ? { ratio: round(small.median / squawkSmall.median, 2), peer: `squawk 2.61 (${squawkSmall.median} ms)` }
        : {}),
      target: 250,
    });
    return results;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
