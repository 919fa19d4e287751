import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The two scripts the sandboxed child runs: the network guard (preloaded) and the child's main module. Built,
 * they sit beside this code (dist/bundle/*.js, dist/src/sandbox/*.js). From TypeScript sources (tests) they are
 * compiled here once per process — the sandbox may not start a TypeScript loader (tsx starts esbuild, a child
 * process) — into dist/sandbox-dev/ of our package, where their package imports resolve from our node_modules.
 */
export interface SandboxScripts {
  guard: string;
  main: string;
  /** Our package folder: the sandbox may read it (runtime code, node_modules). */
  ownPackage: string;
}

const NAMES = { guard: 'network-guard', main: 'child-main' } as const;

let cached: Promise<SandboxScripts> | undefined;

export function sandboxScripts(): Promise<SandboxScripts> {
  cached ??= locate();
  return cached;
}

async function locate(): Promise<SandboxScripts> {
  const ownPackage = packageFolder(path.dirname(fileURLToPath(import.meta.url)));
  if (!import.meta.url.endsWith('.ts')) {
    return {
      guard: fileURLToPath(new URL(`./${NAMES.guard}.js`, import.meta.url)),
      main: fileURLToPath(new URL(`./${NAMES.main}.js`, import.meta.url)),
      ownPackage,
    };
  }
  const { build } = await import('esbuild');
  const output = await build({
    entryPoints: Object.fromEntries(
      Object.values(NAMES).map((name) => [name, fileURLToPath(new URL(`./${name}.ts`, import.meta.url))]),
    ),
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
  const folder = path.join(ownPackage, 'dist', 'sandbox-dev');
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
  return { guard: written[NAMES.guard] ?? '', main: written[NAMES.main] ?? '', ownPackage };
}

function packageFolder(start: string): string {
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
