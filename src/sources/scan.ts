import type { PackageContext } from '../project/context.js';
import { FORMAT_MODULES } from './registry.js';
import { isReader, type MigrationScan } from './types.js';

/**
 * Every migration folder of one package, each claimed by the first module (in priority order) that recognises
 * it: a folder, and everything below it, belongs to one format only. detect_setup reports these folders and
 * readMigrations reads exactly these, so the two cannot disagree.
 */
export function scanPackage(context: PackageContext): MigrationScan[] {
  const scans: MigrationScan[] = [];
  const claimed: string[] = [];
  const taken = (dir: string) => claimed.some((path) => dir === path || dir.startsWith(`${path}/`));
  for (const module of FORMAT_MODULES) {
    const found = module.scan(context).filter((scan) => !taken(scan.dir.path));
    for (const scan of found) {
      claimed.push(scan.dir.path);
      if (isReader(module)) scan.dir.format = module.format;
    }
    scans.push(...found);
  }
  return scans;
}
