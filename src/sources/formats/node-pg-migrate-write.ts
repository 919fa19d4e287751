import { nextPrefix, prefixSeparator } from '../../generate/naming.js';
import type { FormatWriter } from '../types.js';
import {
  type CodeLine,
  calls,
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

/** node-pg-migrate's own template: CommonJS, arrow functions, `exports.shorthands = undefined`. */
const TEMPLATE_STYLE: JsStyle = { ...DEFAULT_JS_STYLE, functions: 'arrow' };

function direction(name: 'up' | 'down', statements: string[], transactional: boolean, style: JsStyle): CodeLine[] {
  const body: CodeLine[] = transactional ? [] : [[0, `pgm.noTransaction()${end(style)}`]];
  body.push(...calls(statements, (sql) => `pgm.sql(${jsString(sql, style)})`, style));
  const doc: CodeLine[] =
    style.module === 'ts'
      ? []
      : [
          [0, '/**'],
          [0, " * @param pgm {import('node-pg-migrate').MigrationBuilder}"],
          [0, ' * @returns {Promise<void> | void}'],
          [0, ' */'],
        ];
  return [
    ...doc,
    ...exportedFunction(name, { js: 'pgm', ts: 'pgm: MigrationBuilder' }, body, style, {
      async: style.module === 'ts',
    }),
  ];
}

/**
 * A node-pg-migrate migration: pgm.sql per statement, `pgm.noTransaction()` (in up and down) when a statement
 * cannot run in node-pg-migrate's per-migration transaction; named `<ms timestamp>_<name>` like the folder.
 */
export const writeNodePgMigrate: FormatWriter = (draft, folder, context) => {
  const style = detectJsStyle(folder, context, TEMPLATE_STYLE);
  const newest = newestName(folder);
  const prefix = nextPrefix(newest, context.now, (now) => String(now.getTime()));
  const file = `${prefix}${prefixSeparator(newest)}${draft.name}${style.extension}`;
  const lines: CodeLine[] = [...draftHeader(draft)];
  if (style.module === 'ts')
    lines.push(
      [
        0,
        `import type { ColumnDefinitions, MigrationBuilder } from ${jsString('node-pg-migrate', style)}${end(style)}`,
      ],
      [0, ''],
      exportedValue('shorthands', 'undefined', style, 'ColumnDefinitions | undefined'),
    );
  else
    lines.push(
      [0, '/**'],
      [0, " * @type {import('node-pg-migrate').ColumnDefinitions | undefined}"],
      [0, ' */'],
      exportedValue('shorthands', 'undefined', style),
    );
  lines.push(
    [0, ''],
    ...direction('up', draft.up, draft.transactional, style),
    [0, ''],
    ...direction('down', draft.down, draft.transactional, style),
  );
  return [{ path: inFolder(folder, file), text: renderLines(lines, style), edit: false }];
};
