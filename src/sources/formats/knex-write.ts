import { nextPrefix, prefixSeparator, timestamp14 } from '../../generate/naming.js';
import type { MigrationDraft, WriteContext } from '../../generate/types.js';
import type { FormatWriter, MigrationScan } from '../types.js';
import {
  type CodeLine,
  calls,
  comment,
  DEFAULT_JS_STYLE,
  detectJsStyle,
  draftHeader,
  end,
  exportedFunction,
  exportedValue,
  inFolder,
  type JsStyle,
  jsString,
  newestCodeMigration,
  newestName,
  renderLines,
} from './js-style.js';
import { type BuilderBody, knexBuilderBodies } from './knex-builder.js';

/**
 * knex's pg client turns every `?` of a query into a `$n` placeholder, even in knex.raw without bindings; `\?`
 * keeps a literal question mark (jsonb's `?` operators).
 */
function rawText(sql: string, draft: MigrationDraft): string {
  return draft.engine === 'postgresql' || draft.engine === 'cockroachdb' ? sql.replace(/\?/g, '\\?') : sql;
}

/**
 * Before the first migration, the knexfile says what `knex migrate:make` would write: its migrations.extension,
 * else TypeScript when the knexfile is knexfile.ts.
 */
function knexfileStyle(folder: MigrationScan, context: WriteContext): JsStyle {
  const parent = folder.dir.path.includes('/') ? folder.dir.path.slice(0, folder.dir.path.lastIndexOf('/')) : '';
  for (const base of new Set([parent, ''])) {
    for (const name of ['knexfile.ts', 'knexfile.js', 'knexfile.cjs', 'knexfile.mjs']) {
      const text = context.read(base ? `${base}/${name}` : name);
      if (text === undefined) continue;
      const extension = /\bextension\s*:\s*['"`](\w+)['"`]/.exec(text)?.[1] ?? name.split('.').pop()!;
      if (extension === 'ts') return { ...DEFAULT_JS_STYLE, module: 'ts', extension: '.ts' };
      if (extension === 'mjs') return { ...DEFAULT_JS_STYLE, module: 'esm', extension: '.mjs' };
      return DEFAULT_JS_STYLE;
    }
  }
  return DEFAULT_JS_STYLE;
}

function direction(
  name: 'up' | 'down',
  statements: string[],
  draft: MigrationDraft,
  style: JsStyle,
  builder: BuilderBody | undefined,
  documented: boolean,
): CodeLine[] {
  const raw = (sql: string) => `await knex.raw(${jsString(rawText(sql, draft), style)})`;
  const body = builder ? [...calls(builder.settings, raw, style), ...builder.calls] : calls(statements, raw, style);
  const doc: CodeLine[] =
    style.module === 'ts' || !documented
      ? []
      : [
          [0, '/**'],
          [0, ' * @param { import("knex").Knex } knex'],
          [0, ' */'],
        ];
  return [...doc, ...exportedFunction(name, { js: 'knex', ts: 'knex: Knex' }, body, style)];
}

/**
 * A knex migration: up/down through the schema builder where it says the draft's statements (knex-builder.ts),
 * knex.raw for the rest; `config = { transaction: false }` when a statement cannot run in a transaction.
 */
export const writeKnex: FormatWriter = (draft, folder, context) => {
  const style = detectJsStyle(folder, context, knexfileStyle(folder, context));
  // knex's own template documents the parameter; a project whose migrations do not is followed.
  const existing = newestCodeMigration(folder, context);
  const documented = !existing || /@param\b/.test(existing.text);
  const newest = newestName(folder);
  const file = `${nextPrefix(newest, context.now, timestamp14)}${prefixSeparator(newest)}${draft.name}${style.extension}`;
  const lines: CodeLine[] = [...draftHeader(draft)];
  if (style.module === 'ts')
    lines.push([0, `import type { Knex } from ${jsString('knex', style)}${end(style)}`], [0, '']);
  if (!draft.transactional)
    lines.push(
      ...comment(['Runs outside a transaction: a statement here cannot run inside one (CREATE INDEX CONCURRENTLY …).']),
      exportedValue('config', '{ transaction: false }', style),
      [0, ''],
    );
  // A knex.raw inside a builder call (a column default) is unescaped once when the DDL is compiled, then again
  // when the query is sent: its `?` needs both escapes.
  const builder = knexBuilderBodies(draft, style, (sql) => rawText(rawText(sql, draft), draft));
  lines.push(
    ...direction('up', draft.up, draft, style, builder.up, documented),
    [0, ''],
    ...direction('down', draft.down, draft, style, builder.down, documented),
  );
  return [{ path: inFolder(folder, file), text: renderLines(lines, style), edit: false }];
};
