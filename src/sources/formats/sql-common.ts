import type { Engine, Migration, MigrationFormat } from '../../model.js';
import { relativeToRoot } from '../../root.js';
import { readError, readText, selected } from '../files.js';
import { splitStatements } from '../statements.js';
import type { FormatRead, ReadContext } from '../types.js';

/** Engine to split with: the caller's, else the one the format declared, else generic splitting. */
export function engineFor(context: ReadContext, declared?: Engine): Engine | undefined {
  return context.engine ?? declared;
}

/** Reads whole SQL files as migrations (up only): plain folders. */
export async function readWholeFile(
  context: ReadContext,
  absolute: string,
  format: MigrationFormat,
  fields: Pick<Migration, 'id' | 'name' | 'transactional' | 'notes' | 'execution'>,
  engine: Engine | undefined,
): Promise<Migration> {
  const relative = relativeToRoot(context.root, absolute);
  const text = (await readText(absolute)) ?? '';
  return { ...fields, path: relative, format, up: await splitStatements(text, engine, relative) };
}

/** Collects per-file results, keeping going after a file fails. */
export async function collect(
  context: ReadContext,
  items: { absolute: string; also?: string[]; read: () => Promise<Migration> }[],
  engine?: Engine,
): Promise<FormatRead> {
  const migrations: Migration[] = [];
  const errors: FormatRead['errors'] = [];
  for (const item of items) {
    if (![item.absolute, ...(item.also ?? [])].some((file) => selected(context.only, file))) continue;
    context.signal?.throwIfAborted();
    try {
      migrations.push(await item.read());
    } catch (error) {
      errors.push(readError(relativeToRoot(context.root, item.absolute), error));
    }
  }
  return { migrations, errors, ...(engine ? { engine } : {}) };
}
