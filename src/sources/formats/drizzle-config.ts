import { joinRelative } from '../../project/walk.js';

const CONFIG_NAMES = ['drizzle.config.ts', 'drizzle.config.js', 'drizzle.config.mjs', 'drizzle.config.cjs'];

/** drizzle.config's `schema` when it names a single module, looked up in each base folder in turn. */
export function drizzleSchemaFile(read: (path: string) => string | undefined, bases: string[]): string | undefined {
  for (const base of bases) {
    for (const name of CONFIG_NAMES) {
      const config = read(joinRelative(base, name));
      const schema = config ? /\bschema\s*:\s*["'`]([^"'`*]+\.[cm]?[jt]s)["'`]/.exec(config)?.[1] : undefined;
      if (schema) return joinRelative(base, schema);
    }
  }
  return undefined;
}
