import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { median, peakRssMiB, round } from './stats.js';
import type { BenchResult } from './types.js';

/**
 * `check --engine mysql` on a generated 50,000-statement MySQL migration, whole process (the MySQL counterpart of
 * the PostgreSQL check benchmark in safety.ts), with and without a named server version. No peer tool: no MySQL
 * migration linter is installable from npm here, so the figures stand alone (time and peak RSS).
 */

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(REPO, 'dist/bundle/bin.js');
const RUNS = 3;

/** A varied, valid MySQL migration of `count` statements: every ALTER clause kind the rules cost, DML, SET. */
export function generateMysqlMigration(count: number): string {
  const lines: string[] = ['SET SESSION lock_wait_timeout = 5;'];
  for (let i = 0; lines.length < count; i++) {
    const table = `t_${i}`;
    const existing = `existing_${i % 50}`;
    switch (i % 14) {
      case 0:
        lines.push(
          `CREATE TABLE ${table} (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(100) NOT NULL DEFAULT '', status enum('new','paid') NOT NULL DEFAULT 'new', owner_id bigint, KEY ${table}_owner (owner_id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;`,
        );
        break;
      case 1:
        lines.push(`ALTER TABLE ${existing} ADD COLUMN c_${i} int NULL, ALGORITHM=INSTANT;`);
        break;
      case 2:
        lines.push(`ALTER TABLE ${existing} ADD COLUMN d_${i} varchar(20) NOT NULL DEFAULT '' AFTER id;`);
        break;
      case 3:
        lines.push(`CREATE INDEX ${table}_name ON ${existing} (name(20));`);
        break;
      case 4:
        lines.push(`ALTER TABLE ${existing} MODIFY total bigint NOT NULL;`);
        break;
      case 5:
        lines.push(
          `ALTER TABLE ${table.replace(/\d+$/, String(i - 5))} MODIFY status enum('new','paid','shipped') NOT NULL DEFAULT 'new';`,
        );
        break;
      case 6:
        lines.push(`UPDATE ${existing} SET name = 'n${i}' WHERE id = ${i};`);
        break;
      case 7:
        lines.push(
          `ALTER TABLE ${existing} DROP INDEX ${existing}_old_${i}, ADD INDEX ${existing}_new_${i} (created_at);`,
        );
        break;
      case 8:
        lines.push(`INSERT INTO ${existing} (name) VALUES ('row ${i}'), ('other ${i}');`);
        break;
      case 9:
        lines.push(`ALTER TABLE ${existing} ALTER COLUMN name SET DEFAULT 'x${i}';`);
        break;
      case 10:
        lines.push(`ALTER TABLE ${existing} ADD CONSTRAINT ${table}_fk FOREIGN KEY (owner_id) REFERENCES users (id);`);
        break;
      case 11:
        lines.push(`ALTER TABLE ${existing} RENAME COLUMN legacy_${i} TO legacy_${i}_old;`);
        break;
      case 12:
        lines.push(`DELETE FROM ${existing} WHERE created_at < '2020-01-01';`);
        break;
      default:
        lines.push(`ALTER TABLE ${existing} CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`);
        break;
    }
  }
  return `${lines.slice(0, count).join('\n')}\n`;
}

function runOnce(args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && code !== 1) reject(new Error(`check exited ${code}: ${stderr.slice(0, 500)}`));
      else resolve(performance.now() - started);
    });
  });
}

async function measure(args: string[], cwd: string): Promise<{ median: number; rss: number | undefined }> {
  await runOnce(args, cwd); // warm the file cache
  const times: number[] = [];
  for (let index = 0; index < RUNS; index++) times.push(await runOnce(args, cwd));
  return { median: round(median(times)), rss: await peakRssMiB(process.execPath, [BIN, ...args], { cwd }) };
}

export async function run(): Promise<BenchResult[]> {
  if (!existsSync(BIN)) throw new Error('dist/bundle/bin.js is missing: run `npm run build` first');
  const folder = mkdtempSync(path.join(tmpdir(), 'dma-bench-mysql-'));
  try {
    writeFileSync(path.join(folder, 'big.sql'), generateMysqlMigration(50_000));
    const results: BenchResult[] = [];
    for (const [label, extra] of [
      ['version not given', []],
      ['--engine-version 8.0.35', ['--engine-version', '8.0.35']],
    ] as const) {
      const args = ['check', 'big.sql', '--engine', 'mysql', '--format', 'json', ...extra];
      const ours = await measure(args, folder);
      results.push({
        name: `check --engine mysql: 50,000-statement file, ${label} (wall)`,
        unit: 'ms',
        median: ours.median,
        runs: RUNS,
        note: 'no peer: no MySQL migration linter installable from npm here',
      });
      if (ours.rss !== undefined)
        results.push({
          name: `check --engine mysql: 50,000-statement file, ${label}, peak RSS`,
          unit: 'MiB',
          median: ours.rss,
          runs: 1,
          target: 200,
        });
    }
    return results;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
