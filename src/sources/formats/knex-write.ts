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

/**
 * knex's pg client turns every `?` of a query into a `$n` placeholder, even in knex.raw without bindings; `\?`
 * keeps a literal question mark (jsonb's `?` operators).
 */
function rawText(sql: string, draft: MigrationDraft): string {
  return draft.engine === 'postgresql' || draft.engine === 'cockroachdb' ? sql.replace(/\?/g, '\\?') : sql;
}

function direction(name: 'up' | 'down', statements: string[], draft: MigrationDraft, style: JsStyle): CodeLine[] {
  const body = calls(statements, (sql) => `await knex.raw(${jsString(rawText(sql, draft), style)})`, style);
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

/** A knex migration: up/down through knex.raw, `config = { transaction: false }` when a statement needs it. */
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
  lines.push(...direction('up', draft.up, draft, style), [0, ''], ...direction('down', draft.down, draft, style));
  return [{ path: inFolder(folder, file), text: renderLines(lines, style), edit: false }];
};
