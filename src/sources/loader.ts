import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../errors.js';

/**
 * Loading a migration runs project code. This module is the only place that does it: TypeScript and
 * JavaScript (CommonJS or ESM syntax) load through tsx's require hook with source maps on, so stack traces —
 * and the origins we read from them — point at the `.ts` lines; each load gets its own module cache namespace.
 */
type TsxRegister = (options: { namespace: string }) => {
  require: (id: string, fromFile: string) => unknown;
  unregister: () => void;
};

let registerPromise: Promise<TsxRegister> | undefined;
let loads = 0;

async function tsxRegister(): Promise<TsxRegister> {
  registerPromise ??= import('tsx/cjs/api').then((api) => api.register as unknown as TsxRegister);
  return registerPromise;
}

export async function loadProjectModule(absolute: string): Promise<Record<string, unknown>> {
  process.setSourceMapsEnabled(true);
  const register = await tsxRegister();
  const api = register({ namespace: `db-migration-agent-${process.pid}-${++loads}` });
  try {
    const loaded = api.require(absolute, absolute) as Record<string, unknown> | undefined;
    return loaded ?? {};
  } catch (error) {
    if (usesTopLevelAwait(error)) return importAsEsm(absolute);
    throw loadError(absolute, error);
  } finally {
    api.unregister();
  }
}

/** An ES module with top-level await cannot be required; it is imported through tsx's ESM loader instead. */
function usesTopLevelAwait(error: unknown): boolean {
  const text = `${(error as { code?: string }).code ?? ''} ${error instanceof Error ? error.message : ''}`;
  return /ERR_REQUIRE_ASYNC_MODULE|Top-level await/.test(text);
}

async function importAsEsm(absolute: string): Promise<Record<string, unknown>> {
  const { tsImport } = (await import('tsx/esm/api')) as unknown as {
    tsImport: (
      specifier: string,
      options: { parentURL: string; namespace?: string },
    ) => Promise<Record<string, unknown>>;
  };
  try {
    return await tsImport(pathToFileURL(absolute).href, {
      parentURL: import.meta.url,
      namespace: `db-migration-agent-esm-${process.pid}-${++loads}`,
    });
  } catch (error) {
    throw loadError(absolute, error);
  }
}

/** A package as the project has it installed (its version compiles what production runs), else ours. */
export function requireFromProject<T>(root: string, name: string): { module: T; source: 'project' | 'bundled' } {
  try {
    const projectRequire = createRequire(path.join(root, 'package.json'));
    return { module: projectRequire(projectRequire.resolve(name)) as T, source: 'project' };
  } catch {
    return { module: createRequire(import.meta.url)(name) as T, source: 'bundled' };
  }
}

/** The installed version of a package, found from its entry point (some packages do not export package.json). */
export function packageVersion(root: string, name: string): string {
  let entry: string;
  try {
    entry = createRequire(path.join(root, 'package.json')).resolve(name);
  } catch {
    entry = createRequire(import.meta.url).resolve(name);
  }
  for (let folder = path.dirname(entry); folder !== path.dirname(folder); folder = path.dirname(folder)) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === name && manifest.version) return manifest.version;
    } catch {
      // no package.json at this level
    }
  }
  return 'unknown';
}

/** Runs project code with a time limit; a promise that never settles becomes a per-file timeout error. */
export async function withTimeLimit<T>(
  work: () => Promise<T>,
  timeoutMs: number,
  file: string,
  signal?: AbortSignal,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new UserError(
            'migration-timeout',
            `${file} did not finish within ${timeoutMs} ms when run to record its SQL (a promise that never resolves, or a wait on a database).`,
            'Make up()/down() return (await every call, do not wait on external services), or raise the time limit.',
            { file },
          ),
        ),
      timeoutMs,
    );
  });
  const aborted = new Promise<never>((_, reject) => {
    signal?.addEventListener(
      'abort',
      () => reject(new UserError('cancelled', 'Reading migrations was cancelled.', 'Run it again.')),
      { once: true },
    );
  });
  try {
    return await Promise.race([work(), limit, aborted]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The current stack as Node prints it, with source maps applied: a test runner or APM agent that installed its
 * own Error.prepareStackTrace would otherwise show positions in the transpiled code.
 */
export function sourceMappedStack(): string | undefined {
  return withNodeStackFormat(() => new Error().stack);
}

/** The stack of a thrown error, formatted by Node (source-mapped) if nobody has read it yet. */
export function sourceMappedStackOf(error: unknown): string | undefined {
  return error instanceof Error ? withNodeStackFormat(() => error.stack) : undefined;
}

function withNodeStackFormat<T>(read: () => T): T {
  const holder = Error as { prepareStackTrace?: unknown };
  const installed = holder.prepareStackTrace;
  holder.prepareStackTrace = undefined;
  try {
    return read();
  } finally {
    holder.prepareStackTrace = installed;
  }
}

/** file:line:column of the first stack frame inside `absolute`. */
export function frameIn(stack: string | undefined, absolute: string): { line: number; column: number } | undefined {
  if (!stack) return undefined;
  // CommonJS frames name the path; ES module frames its file URL, possibly with tsx's ?namespace query.
  const names = [absolute, pathToFileURL(absolute).href];
  for (const line of stack.split('\n')) {
    for (const name of names) {
      const at = line.lastIndexOf(name);
      if (at === -1) continue;
      const match = /^(?:\?[^:\s]*)?:(\d+):(\d+)/.exec(line.slice(at + name.length));
      if (match) return { line: Number(match[1]), column: Number(match[2]) };
    }
  }
  return undefined;
}

function loadError(absolute: string, error: unknown): UserError {
  const message = error instanceof Error ? error.message : String(error);
  // esbuild reports "<file>:<line>:<column>: ERROR: <text>"
  const located = new RegExp(`${escapeRegExp(absolute)}:(\\d+):(\\d+):\\s*ERROR:\\s*(.+)`).exec(message);
  if (located) {
    return new UserError(
      'migration-syntax',
      `Syntax error: ${located[3]}`,
      'Fix the syntax at that position so the migration compiles.',
      { file: absolute, line: Number(located[1]), column: Number(located[2]) + 1 },
    );
  }
  const frame = frameIn(sourceMappedStackOf(error), absolute);
  return new UserError(
    'migration-load-failed',
    `Loading the migration failed: ${message.split('\n')[0]}`,
    'Make the file load on its own (imports resolvable from the project, no top-level errors).',
    { file: absolute, ...(frame ?? {}) },
  );
}

export function thrownByMigration(absolute: string, direction: string, error: unknown): UserError {
  if (error instanceof UserError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const frame = frameIn(sourceMappedStackOf(error), absolute);
  return new UserError(
    'migration-threw',
    `${direction}() threw while its SQL was recorded: ${message.split('\n')[0]}`,
    `Fix ${direction}() so it runs to the end; the other migrations were read.`,
    { file: absolute, ...(frame ?? {}) },
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
