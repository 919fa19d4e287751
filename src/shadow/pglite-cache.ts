import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';

/**
 * A freshly initialised, empty PGlite data directory cached in the user's cache folder (like Prisma's engines in
 * ~/.cache/prisma): loading it takes ~0.5 s where initdb takes ~1.5–2 s, which is most of a cold rehearsal.
 * It holds no project data — only PostgreSQL's empty system catalogs. `DB_MIGRATION_AGENT_CACHE=off` disables
 * it; `DB_MIGRATION_AGENT_CACHE=<dir>` moves it. Any read or write problem just means no cache.
 */

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

function cacheFile(): string | undefined {
  const setting = process.env.DB_MIGRATION_AGENT_CACHE;
  if (setting === 'off' || setting === '0') return undefined;
  const base =
    setting || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'db-migration-agent');
  return path.join(base, `pglite-${pgliteVersion()}-empty-datadir.tar.gz`);
}

/** The installed PGlite version (its package.json is not exported, so it is found beside the entry point). */
function pgliteVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    let directory = path.dirname(require.resolve('@electric-sql/pglite'));
    while (path.basename(directory) !== 'pglite' && path.dirname(directory) !== directory)
      directory = path.dirname(directory);
    const manifest = JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8')) as { version?: string };
    return (manifest.version ?? 'unknown').replace(/[^\w.-]/g, '_');
  } catch {
    return 'unknown';
  }
}

export async function readEmptyDataDir(): Promise<Blob | undefined> {
  const file = cacheFile();
  if (!file) return undefined;
  try {
    return new Blob([new Uint8Array(await gunzipAsync(await readFile(file)))]);
  } catch {
    return undefined;
  }
}

export async function writeEmptyDataDir(image: Blob): Promise<void> {
  const file = cacheFile();
  if (!file) return;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, await gzipAsync(new Uint8Array(await image.arrayBuffer()), { level: 1 }));
    await rename(temporary, file);
  } catch {
    // No cache: the next cold start runs initdb again.
  }
}
