import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../errors.js';
import type { Engine, Statement } from '../../model.js';
import type { PackageContext } from '../../project/context.js';
import type { MigrationScan } from '../../project/migrations.js';
import type { MigrationEntry } from '../../project/types.js';
import { joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { listEntries, readError, readText, selected } from '../files.js';
import { splitStatements } from '../statements.js';
import type { FormatRead, FormatReader, MigrationReadError, ReadContext } from '../types.js';
import { computeSum, directive, migrationFiles, parseSum, SUM_FILE } from './atlas-sum.js';
import { writeAtlas } from './atlas-write.js';
import { splitOnDelimiter } from './delimiter-split.js';
import { isBlankSql, staticScan, versionNaming } from './static-scan.js';

async function statementsOf(text: string, engine: Engine | undefined, file: string): Promise<Statement[]> {
  if (isBlankSql(text)) return [];
  const delimiter = directive(text, 'delimiter');
  if (delimiter) {
    const header = text.split(/\r?\n\r?\n/, 1)[0] ?? '';
    const body = text.slice(0, header.length).replace(/[^\n]/g, ' ') + text.slice(header.length);
    return splitOnDelimiter(body, delimiter.replace(/\\n/g, '\n').replace(/\\t/g, '\t'));
  }
  return splitStatements(text, engine, file);
}

function sumError(file: string, code: string, what: string, fix: string, line?: number): MigrationReadError {
  return readError(file, new UserError(code, what, fix, { file, ...(line ? { line, column: 1 } : {}) }));
}

/** Checks atlas.sum against the directory, as `atlas migrate validate` does: each difference is an error. */
async function verifySum(context: ReadContext, names: string[]): Promise<MigrationReadError[]> {
  const sumPath = path.join(context.directory, SUM_FILE);
  const sumRelative = relativeToRoot(context.root, sumPath);
  const fix =
    'Run `atlas migrate hash` if the change was intended, else restore the file; Atlas refuses to apply a directory whose sum does not match.';
  const text = await readText(sumPath);
  if (text === undefined) {
    return [sumError(sumRelative, 'atlas-sum-missing', `${sumRelative} does not exist.`, fix)];
  }
  const sum = parseSum(text);
  const files = await Promise.all(
    names.map(async (name) => ({ name, bytes: await readFile(path.join(context.directory, name)) })),
  );
  const computed = computeSum(files);
  const errors: MigrationReadError[] = [];
  const listed = new Map(sum.entries.map((entry) => [entry.name, entry]));
  for (const name of names) {
    const relative = relativeToRoot(context.root, path.join(context.directory, name));
    const entry = listed.get(name);
    const hash = computed.byName.get(name);
    if (hash === undefined) continue; // `atlas:sum ignore`
    if (!entry) {
      errors.push(sumError(relative, 'atlas-sum-unlisted', `${relative} is not listed in ${sumRelative}.`, fix));
    } else if (entry.hash !== hash) {
      errors.push(
        sumError(
          relative,
          'atlas-sum-mismatch',
          `${relative} does not match its hash in ${sumRelative} (line ${entry.line}): the file, or one before it, changed after the sum was written.`,
          fix,
        ),
      );
    }
  }
  for (const entry of sum.entries) {
    if (!names.includes(entry.name)) {
      errors.push(
        sumError(
          sumRelative,
          'atlas-sum-missing-file',
          `${sumRelative} lists ${entry.name}, which is not in the directory.`,
          fix,
          entry.line,
        ),
      );
    }
  }
  if (!errors.length && sum.total !== computed.total) {
    errors.push(
      sumError(sumRelative, 'atlas-sum-mismatch', `The total hash on line 1 of ${sumRelative} does not match.`, fix, 1),
    );
  }
  return errors;
}

/**
 * Atlas versioned migrations: a directory with atlas.sum; every `.sql` file is a migration, applied in
 * lexicographic order, each in its own transaction unless its header says `-- atlas:txmode none`.
 */
export const atlas: FormatReader = {
  format: 'atlas',
  priority: 14,
  tool: 'atlas',
  label: 'Atlas',
  scan: scanAtlas,
  write: writeAtlas,
  async read(context) {
    const { files } = await listEntries(context.directory);
    const names = migrationFiles(files);
    const engine = context.engine;
    const result: FormatRead = { migrations: [], errors: await verifySum(context, names) };
    for (const name of names) {
      const absolute = path.join(context.directory, name);
      if (!selected(context.only, absolute)) continue;
      context.signal?.throwIfAborted();
      const relative = relativeToRoot(context.root, absolute);
      try {
        const text = (await readText(absolute)) ?? '';
        const txmode = directive(text, 'txmode');
        const transactional = txmode !== 'none';
        const notes = [
          transactional
            ? 'Atlas runs each file in its own transaction (--tx-mode file, the default).'
            : '`-- atlas:txmode none`: Atlas runs this file outside a transaction.',
          'Atlas migrations have no down file: `atlas migrate down` computes the revert from the dev database.',
        ];
        if (directive(text, 'delimiter')) notes.push(`Statements split on the \`-- atlas:delimiter\` directive.`);
        const [version = name, ...rest] = name.replace(/\.sql$/, '').split('_');
        result.migrations.push({
          id: version,
          name: rest.join('_') || version,
          path: relative,
          format: 'atlas',
          up: await statementsOf(text, engine, relative),
          transactional,
          notes,
        });
      } catch (error) {
        result.errors.push(readError(relative, error));
      }
    }
    return result;
  },
};

/** detect_setup: each folder holding atlas.sum, its `.sql` files in Atlas's order. */
export function scanAtlas(context: PackageContext): MigrationScan[] {
  return context.ownDirs
    .filter((dir) => context.files.filesIn(dir).includes(SUM_FILE))
    .map((dir) => {
      const entries: MigrationEntry[] = migrationFiles(context.files.filesIn(dir)).map((name) => {
        const file = joinRelative(dir, name);
        const [version = name, ...rest] = name.replace(/\.sql$/, '').split('_');
        return {
          id: version,
          name: rest.join('_') || version,
          path: file,
          tool: 'atlas',
          hasDown: false,
          transactional: directive(context.files.read(file) ?? '', 'txmode') !== 'none',
        };
      });
      const newest = entries.at(-1);
      return staticScan('atlas', dir, entries, {
        naming: versionNaming(newest ? `${newest.id}_` : ''),
        extension: '.sql (+ atlas.sum, rewritten by `atlas migrate hash`)',
        moduleStyle: 'sql',
        transaction: 'per file (--tx-mode file, the default; opt out with `-- atlas:txmode none`)',
      });
    });
}
