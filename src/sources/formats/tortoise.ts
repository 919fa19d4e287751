import type { PackageContext } from '../../project/context.js';
import { baseOf, joinRelative } from '../../project/walk.js';
import type { MigrationScan, ScanOnlyModule } from '../types.js';
import { entry, filesOf, finish, pythonBody, readIndexed } from './scan-common.js';

const TRANSACTION = 'per migration (aerich)';

/** aerich's `location` (default `./migrations`): one folder per app of `<n>_<timestamp>_<name>.py` files. */
function scanAerich(context: PackageContext): MigrationScan[] {
  if (!context.tools.has('tortoise') && !context.python.aerich) return [];
  const location = context.python.aerich?.location ?? './migrations';
  const root = joinRelative(context.dir, location.replace(/^\.\//, ''));
  if (!context.files.dirs.has(root)) return [];
  return context.files.subdirsOf(root).map((dir) => {
    const migrations = filesOf(context, dir, /^\d+_.+\.py$/)
      .map((file) => {
        const text = readIndexed(context, file);
        const id = baseOf(file).replace(/\.py$/, '');
        const hasDown = pythonBody(text, 'downgrade') !== '';
        return entry('tortoise', file, id, id.replace(/^\d+_(\d+_)?/, ''), hasDown, true);
      })
      .sort((a, b) => Number(/^\d+/.exec(a.id)?.[0]) - Number(/^\d+/.exec(b.id)?.[0]));
    return finish('tortoise', TRANSACTION, dir, migrations, context);
  });
}

/** Tortoise ORM (aerich): detected and listed; its migrations are not read into SQL yet. */
export const tortoise: ScanOnlyModule = {
  tool: 'tortoise',
  label: 'Tortoise ORM (aerich)',
  priority: 9,
  scan: scanAerich,
};
