import { readdirSync, type Stats, statSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { Migration } from '../model.js';
import { readFileOnce, readingOnce } from '../project/read-once.js';
import type { MigrationReadError } from './types.js';

export async function listEntries(directory: string): Promise<{ files: string[]; folders: string[] }> {
  const entries = readingOnce()
    ? syncOrEmpty(() => readdirSync(directory, { withFileTypes: true }))
    : await readdir(directory, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  const folders: string[] = [];
  for (const entry of entries) {
    if (entry.isFile()) files.push(entry.name);
    else if (entry.isDirectory()) folders.push(entry.name);
  }
  return { files: files.sort(), folders: folders.sort() };
}

export async function isDirectory(target: string): Promise<boolean> {
  return (await statOf(target))?.isDirectory() ?? false;
}

export async function isFile(target: string): Promise<boolean> {
  return (await statOf(target))?.isFile() ?? false;
}

/**
 * A one-shot command (readingOnce) asks the file system synchronously: a history's reader stats hundreds of
 * files one after another, and each asynchronous call waits a round trip through the thread pool. The MCP server
 * keeps the asynchronous calls, so other requests run meanwhile.
 */
async function statOf(target: string): Promise<Stats | undefined> {
  if (!readingOnce()) return stat(target).catch(() => undefined);
  try {
    return statSync(target);
  } catch {
    return undefined;
  }
}

function syncOrEmpty<T>(read: () => T[]): T[] {
  try {
    return read();
  } catch {
    return [];
  }
}

export async function readText(target: string): Promise<string | undefined> {
  if (!readingOnce()) return readFile(target, 'utf8').catch(() => undefined);
  // A one-shot command: small files read faster in one synchronous call than in four asynchronous ones.
  try {
    return readFileOnce(target);
  } catch {
    return undefined;
  }
}

/** True when `only` (a file or folder the caller named) selects `candidate`. */
export function selected(only: string | undefined, candidate: string): boolean {
  if (!only) return true;
  const relative = path.relative(only, candidate);
  return (
    candidate === only ||
    (!relative.startsWith('..') && !path.isAbsolute(relative)) ||
    only.startsWith(`${candidate}${path.sep}`)
  );
}

/** Turns whatever went wrong reading one migration into a per-file error. */
export function readError(file: string, error: unknown): MigrationReadError {
  if (error instanceof UserError) {
    return {
      path: file,
      error: {
        code: error.code,
        what: error.what,
        fix: error.fix,
        ...(error.where ? { where: { ...error.where, file: error.where.file ?? file } } : { where: { file } }),
      },
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    path: file,
    error: {
      code: 'migration-failed',
      what: `Reading ${file} failed: ${message}`,
      fix: 'Correct the migration so it loads and runs; the other migrations were read.',
      where: { file },
    },
  };
}

/** Orders 2_x before 10_x, the way migration tools order files (digit runs compare as numbers). */
export function naturalCompare(a: string, b: string): number {
  const left = a.split(/(\d+)/);
  const right = b.split(/(\d+)/);
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const x = left[index] as string;
    const y = right[index] as string;
    if (x === y) continue;
    if (index % 2 === 1) return Number(x) - Number(y) || x.length - y.length;
    return x < y ? -1 : 1;
  }
  return left.length - right.length;
}

export type { Migration };
