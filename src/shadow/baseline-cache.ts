import { createHash } from 'node:crypto';
import type { Schema } from '../schema/model.js';
import type { BaselineSource } from './baseline.js';
import type { DataFingerprint } from './fingerprint.js';
import { SYNTHETIC_GENERATOR_VERSION, type TableFill } from './synthetic.js';
import type { BaselineImage, ShadowKind } from './types.js';

/**
 * Baselines kept between rehearsals of the same project in a long-lived process (the MCP server): the schema the
 * earlier migrations build, with its synthetic rows, saved right after it is built — before the migration runs,
 * so a failing rehearsal cannot change it. A baseline is found again only by the hash of everything that built
 * it: engine and shadow, every earlier statement in order with its transaction mode, the dump text, the rows per
 * table and the synthetic-data generator's version. Any change there is another key, so a stale baseline is
 * never reused. Bounded: the least recently used baselines are released first.
 */

export interface CachedBaseline {
  key: string;
  createdAt: number;
  image: BaselineImage;
  schema: Schema;
  fills: TableFill[];
  data: DataFingerprint;
  replayed: number;
}

export interface BaselineKeyInput {
  kind: ShadowKind;
  /** The shadow server (host, port, user; never the password), for server adapters. */
  server?: string;
  source: BaselineSource;
  rowsPerTable: number;
}

/** The content hash that names a baseline; undefined when there is nothing worth keeping (an empty baseline). */
export function baselineKey(input: BaselineKeyInput): string | undefined {
  const { source } = input;
  if (source.kind === 'none') return undefined;
  return contentHash(
    `baseline-v1 ${input.kind} ${input.server ?? ''} rows=${input.rowsPerTable} gen=${SYNTHETIC_GENERATOR_VERSION}`,
    source,
  );
}

/**
 * SHA-256 of a header and what builds a baseline: the dump text, or every migration's statements in order with
 * its transaction mode. Fields are length-prefixed so no two different inputs hash alike.
 */
export function contentHash(header: string, source: Exclude<BaselineSource, { kind: 'none' }>): string {
  const hash = createHash('sha256');
  const field = (value: string) => hash.update(`${value.length}:${value}\u0000`);
  field(header);
  field(source.kind);
  if (source.kind === 'dump') field(source.sql);
  else {
    field(String(source.migrations.length));
    for (const migration of source.migrations) {
      field(`${migration.transactional ? 'tx' : 'no-tx'} ${migration.up.length}`);
      for (const statement of migration.up) field(statement.sql);
    }
  }
  return hash.digest('hex');
}

export const BASELINE_CACHE_ENTRIES = 4;
/** Upper bound on the memory held by in-process images (PGlite data directories, SQLite images). */
export const BASELINE_CACHE_MEGABYTES = 256;

export class BaselineCache {
  private readonly entries = new Map<string, CachedBaseline>();

  constructor(
    private readonly maxEntries = BASELINE_CACHE_ENTRIES,
    private readonly maxBytes = BASELINE_CACHE_MEGABYTES * 1024 * 1024,
  ) {}

  /** The baseline for a key, marked most recently used. */
  get(key: string): CachedBaseline | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  /** Keeps a baseline; returns false (and releases the image) when it alone exceeds the memory bound. */
  async put(entry: CachedBaseline): Promise<boolean> {
    if (entry.image.bytes > this.maxBytes) {
      await entry.image.release().catch(() => undefined);
      return false;
    }
    await this.delete(entry.key);
    this.entries.set(entry.key, entry);
    const evicted: CachedBaseline[] = [];
    while (this.entries.size > this.maxEntries || this.bytes() > this.maxBytes) {
      const oldest = this.entries.values().next().value;
      if (!oldest) break;
      this.entries.delete(oldest.key);
      evicted.push(oldest);
    }
    await Promise.all(evicted.map((item) => item.image.release().catch(() => undefined)));
    return true;
  }

  async delete(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    await entry.image.release().catch(() => undefined);
  }

  /** Releases every image (drops template databases). */
  async clear(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((item) => item.image.release().catch(() => undefined)));
  }

  get size(): number {
    return this.entries.size;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  private bytes(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.image.bytes;
    return total;
  }
}

/** The process's cache, used by rehearsals that ask for it (long-lived callers). */
export const baselineCache = new BaselineCache();

/** Releases every cached baseline: drops template databases on shadow servers. Call at the end of a server. */
export async function releaseBaselineCache(): Promise<void> {
  await baselineCache.clear();
}

let exitHooked = false;

/**
 * Makes sure images that live outside this process (template databases) are dropped when the process ends: on
 * `beforeExit`, and on SIGINT/SIGTERM/SIGHUP, after which the signal is raised again so the process still ends
 * the way it would have. A process killed with SIGKILL cannot clean up; its templates keep the dma_shadow_ prefix
 * and the creating process id in their name so they can be recognised.
 */
export function releaseBaselinesAtExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('beforeExit', () => {
    void releaseBaselineCache();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    if (process.listenerCount(signal) > 0) continue;
    process.once(signal, () => {
      const limit = new Promise((resolve) => setTimeout(resolve, 3_000).unref());
      void Promise.race([releaseBaselineCache(), limit]).finally(() => process.kill(process.pid, signal));
    });
  }
}

/** The name of a template/copy holding a cached baseline: `dma_shadow_tpl_<hash>_<creating process id>`. */
export function baselineTemplateName(prefix: string, key: string): string {
  return `${prefix}${key.slice(0, 16)}_${process.pid.toString(36)}`;
}

/**
 * Templates left behind by processes of this tool that ended without cleaning up (killed with SIGKILL): their
 * creating process no longer runs on this machine. Only meaningful for a server on this machine, where the
 * process ids in the names are this machine's.
 */
export function abandonedTemplates(prefix: string, names: string[]): string[] {
  const pattern = new RegExp(`^${prefix}[0-9a-f]{16}_([0-9a-z]+)$`);
  return names.filter((name) => {
    const pid = Number.parseInt(pattern.exec(name)?.[1] ?? '', 36);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  });
}
