import { detectSetup } from '../../project/detect.js';
import { dirOf, ProjectFiles } from '../../project/walk.js';
import { SEED_FORMATS, type SeedFormat, type SeedWriteContext } from './writers/types.js';

/**
 * What the project says about its seeds (detect_setup, never its code): the seed format its tool uses, the
 * module style its files are written in and the folder its seeds live in.
 */
export interface SeedSetup {
  format: SeedFormat;
  moduleStyle: SeedWriteContext['moduleStyle'];
  seedDir?: string;
  files: ProjectFiles;
}

const SEED_FOLDER = /(^|\/)(seeds?|seeders)$/;

export function seedSetup(root: string, format: SeedFormat | undefined): SeedSetup {
  const detected = detectSetup(root, { maxFiles: 20_000 });
  const files = new ProjectFiles(root, { maxFiles: 20_000, maxDepth: 10 });
  const packages = detected.packages;
  const tools = packages.flatMap((entry) => [
    ...entry.orms.map((orm) => orm.name as string),
    ...entry.conventions.map((convention) => convention.tool as string),
  ]);
  const chosen =
    format ??
    (tools.find((tool) => (SEED_FORMATS as readonly string[]).includes(tool)) as SeedFormat | undefined) ??
    'sql';
  const seeds = packages.flatMap((entry) => entry.seeds);
  const seedDir = seeds.map(dirOf).find((dir) => SEED_FOLDER.test(dir)) ?? configuredSeedDir(files);
  return { format: chosen, moduleStyle: moduleStyleOf(packages, seeds, files), ...(seedDir ? { seedDir } : {}), files };
}

const KNEXFILE = /^knexfile\.(c|m)?(js|ts)$/;
const USUAL_SEED_DIRS = ['seeds', 'db/seeds', 'seeders', 'db/seeders', 'src/seeds', 'database/seeds'];

/** A seed folder the knexfile names, or one of the usual ones that exists, also while still empty. */
function configuredSeedDir(files: ProjectFiles): string | undefined {
  for (const knexfile of files.filesIn('.').filter((name) => KNEXFILE.test(name))) {
    const directory = /seeds\s*:\s*\{[^}]*directory\s*:\s*['"]([^'"]+)['"]/.exec(files.read(knexfile) ?? '')?.[1];
    if (directory) return directory.replace(/^\.\//, '').replace(/\/$/, '');
  }
  return USUAL_SEED_DIRS.find((dir) => files.dirs.has(dir));
}

function moduleStyleOf(
  packages: ReturnType<typeof detectSetup>['packages'],
  seeds: string[],
  files: ProjectFiles,
): SeedWriteContext['moduleStyle'] {
  const seed = seeds.find((file) => /\.(c|m)?(js|ts)$/.test(file));
  if (seed) {
    if (/\.ts$/.test(seed)) return 'ts';
    if (/\.mjs$/.test(seed)) return 'esm';
    if (/\.cjs$/.test(seed)) return 'cjs';
    return /^\s*export\s/m.test(files.read(seed) ?? '') ? 'esm' : 'cjs';
  }
  const style = packages
    .flatMap((entry) => entry.conventions)
    .find((convention) => ['esm', 'cjs', 'ts'].includes(convention.moduleStyle))?.moduleStyle;
  if (style) return style as SeedWriteContext['moduleStyle'];
  // A .js file in a "type": "module" package is ESM: `exports.seed` would not even load there.
  return /"type"\s*:\s*"module"/.test(files.read('package.json') ?? '') ? 'esm' : 'cjs';
}
