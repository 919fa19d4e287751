import { configString, ownFilesNamed, type PackageContext } from '../../project/context.js';
import { baseOf, dirOf, joinRelative } from '../../project/walk.js';
import type { MigrationScan, ScanOnlyModule } from '../types.js';
import { entry, filesOf, finish, readIndexed } from './scan-common.js';

const TRANSACTION = 'all pending migrations in one transaction (allOrNothing, the default)';

/** mikro-orm.config's migrations.pathTs / path (default `migrations` or `src/migrations`) of `Migration<ts>` classes. */
function scanMikroOrm(context: PackageContext): MigrationScan[] {
  const config = ownFilesNamed(context, /^mikro-orm\.config\.(c|m)?(js|ts)$/)[0];
  if (!config && !context.tools.has('mikro-orm')) return [];
  const block = config ? (/migrations\s*:\s*\{([^}]*)\}/.exec(readIndexed(context, config))?.[1] ?? '') : '';
  const base = config ? dirOf(config) : context.dir;
  const configured = configString(block, 'pathTs') ?? configString(block, 'path');
  const candidates = configured ? [configured] : ['migrations', 'src/migrations'];
  return candidates
    .map((candidate) => joinRelative(base, candidate))
    .filter((dir) => context.files.dirs.has(dir))
    .map((dir) => {
      const migrations = filesOf(context, dir, /^Migration\d{14}.*\.(ts|js)$/).map((file) => {
        const text = readIndexed(context, file);
        const id = baseOf(file).replace(/\.(ts|js)$/, '');
        return entry(
          'mikro-orm',
          file,
          id,
          id.replace(/^Migration\d{14}_?/, '') || id,
          /\basync\s+down\s*\(/.test(text),
          !/isTransactional\s*\(\)[^{]*\{\s*return\s+false/.test(text),
        );
      });
      return finish('mikro-orm', TRANSACTION, dir, migrations, context);
    });
}

/** MikroORM: detected and listed; its migrations are not read into SQL yet. */
export const mikroOrm: ScanOnlyModule = { tool: 'mikro-orm', label: 'MikroORM', priority: 6, scan: scanMikroOrm };
