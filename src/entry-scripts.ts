import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Entry scripts another thread or process runs (the sandbox's child, the PGlite worker): built, they sit beside
 * the code that starts them (dist/bundle/*.js, dist/src/…/*.js). From TypeScript sources (tests) they are compiled
 * once per process — a worker or the sandbox cannot start a TypeScript loader — into dist/sandbox-dev/ of our
 * package, where their package imports resolve from our node_modules.
 */

const compiled = new Map<string, Promise<Record<string, string>>>();

/** Absolute paths of the entries `names`, modules beside `callerUrl` (the caller's import.meta.url). */
export function entryScripts<Name extends string>(
  callerUrl: string,
  names: readonly Name[],
): Promise<Record<Name, string>> {
  const key = `${callerUrl}\n${names.join(',')}`;
  let found = compiled.get(key);
  if (!found) {
    found = locate(callerUrl, names);
    compiled.set(key, found);
  }
  return found as Promise<Record<Name, string>>;
}

async function locate(callerUrl: string, names: readonly string[]): Promise<Record<string, string>> {
  if (!callerUrl.endsWith('.ts'))
    return Object.fromEntries(names.map((name) => [name, fileURLToPath(new URL(`./${name}.js`, callerUrl))]));
  const { build } = await import('esbuild');
  const output = await build({
    entryPoints: Object.fromEntries(names.map((name) => [name, fileURLToPath(new URL(`./${name}.ts`, callerUrl))])),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    write: false,
    outdir: '/',
    logLevel: 'silent',
  });
  const folder = path.join(ownPackageFolder(), 'dist', 'sandbox-dev');
  mkdirSync(folder, { recursive: true });
  const written: Record<string, string> = {};
  for (const file of output.outputFiles) {
    const name = path.basename(file.path, '.js');
    const hash = createHash('sha256').update(file.contents).digest('hex').slice(0, 12);
    const target = path.join(folder, `${name}-${hash}.mjs`);
    // Test files run in parallel processes: write aside and rename, so no process reads a half-written script.
    if (!existsSync(target)) {
      const temporary = `${target}.${process.pid}.tmp`;
      writeFileSync(temporary, file.contents);
      renameSync(temporary, target);
    }
    written[name] = target;
  }
  return written;
}

/** Our package folder (runtime code, node_modules). */
export function ownPackageFolder(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let folder = start; folder !== path.dirname(folder); folder = path.dirname(folder)) {
    const manifest = path.join(folder, 'package.json');
    if (!existsSync(manifest)) continue;
    try {
      if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'db-migration-agent')
        return folder;
    } catch {
      // not our manifest
    }
  }
  throw new Error(`db-migration-agent's package.json was not found above ${start}`);
}
