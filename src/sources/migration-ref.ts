import { UserError } from '../errors.js';

interface Listed {
  id: string;
  name: string;
  path: string;
}

/**
 * The position of the migration `ref` names in `migrations` (apply order): its id, name, path or the end of its
 * path, or `path#name` for one of several in a file (as migration_status lists them); '.' is the newest, the one an agent has just written. An unknown ref is a UserError with an example.
 */
export function migrationIndex(migrations: readonly Listed[], ref: string, directory: string): number {
  const index =
    ref === '.'
      ? migrations.length - 1
      : migrations.findIndex(
          (item) =>
            item.id === ref ||
            item.name === ref ||
            item.path === ref ||
            item.path.endsWith(`/${ref}`) ||
            `${item.path}#${item.name}` === ref,
        );
  if (index >= 0) return index;
  const example = migrations.at(-1)?.id;
  throw new UserError(
    'migration-not-found',
    `No migration "${ref}" in ${directory} (${migrations.length} migration(s)).`,
    `Pass a migration id, name or path as list_migrations shows them${example ? `, e.g. ${example}` : ''}, or '.' for the newest.`,
    { file: directory },
  );
}
