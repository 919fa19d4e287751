import { scanPackage } from '../sources/scan.js';
import type { MigrationScan } from '../sources/types.js';
import type { PackageContext } from './context.js';

export type { MigrationScan } from '../sources/types.js';

/**
 * Finds each tool's migration folders in one package and lists their migrations in apply order, with the
 * conventions a new migration must follow. Each format's `scan` lives in its module (src/sources/formats/);
 * this is detect_setup's door to them. Reads files only; migration code is matched, never executed.
 */
export function scanMigrations(context: PackageContext): MigrationScan[] {
  return scanPackage(context);
}
