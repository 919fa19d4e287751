import { nextPrefix, prefixSeparator, timestamp14 } from '../../generate/naming.js';
import type { MigrationDraft } from '../../generate/types.js';
import type { FormatWriter } from '../types.js';
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

function direction(
  name: 'up' | 'down',
  statements: string[],
  draft: MigrationDraft,
  style: JsStyle,
  builder: BuilderBody | undefined,
): CodeLine[] {
  const raw = (sql: string) => `await knex.raw(${jsString(rawText(sql, draft), style)})`;
  const body = builder ? [...calls(builder.settings, raw, style), ...builder.calls] : calls(statements, raw, style);
  const doc: CodeLine[] =
    style.module === 'ts'
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
  const style = detectJsStyle(folder, context, DEFAULT_JS_STYLE);
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
    ...direction('up', draft.up, draft, style, builder.up),
    [0, ''],
    ...direction('down', draft.down, draft, style, builder.down),
  );
  return [{ path: inFolder(folder, file), text: renderLines(lines, style), edit: false }];
};
