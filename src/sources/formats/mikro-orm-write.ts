import { timestamp14 } from '../../generate/naming.js';
import type { FormatWriter } from '../types.js';
import {
  type CodeLine,
  calls,
  comment,
  detectJsStyle,
  draftHeader,
  end,
  inFolder,
  type JsStyle,
  jsString,
  newestCodeMigration,
  newestName,
  renderLines,
} from './js-style.js';

/** What `mikro-orm migration:create` writes: TypeScript, 2 spaces, single quotes. */
const TEMPLATE_STYLE: JsStyle = {
  module: 'ts',
  extension: '.ts',
  indent: '  ',
  quote: "'",
  semicolons: true,
  functions: 'function',
};

function method(name: string, body: CodeLine[], style: JsStyle, override: boolean, returns: string): CodeLine[] {
  const signature = style.module === 'ts' ? `${override ? 'override ' : ''}${name}(): ${returns} {` : `${name}() {`;
  return [[1, signature], ...body.map(([depth, text]): CodeLine => [depth + 2, text]), [1, '}']];
}

/**
 * A MikroORM migration: class `Migration<YYYYMMDDHHMMSS>` extending Migration, this.addSql per statement, and
 * `isTransactional()` returning false when a statement cannot run in a transaction. The file is named like the
 * folder's (`Migration<timestamp>.ts` or `Migration<timestamp>_<name>.ts`).
 */
export const writeMikroOrm: FormatWriter = (draft, folder, context) => {
  const style = detectJsStyle(folder, context, TEMPLATE_STYLE);
  const existing = newestCodeMigration(folder, context)?.text ?? '';
  const override = /\boverride\s+async\s+up\b/.test(existing);
  const source = /from\s+['"](@mikro-orm\/[\w-]+)['"]/.exec(existing)?.[1] ?? '@mikro-orm/migrations';
  const className = `Migration${timestamp14(context.now)}`;
  const newest = newestName(folder);
  const named = !newest || /^Migration\d{14}_/.test(newest);
  const file = `${className}${named ? `_${draft.name}` : ''}${style.extension}`;
  const add = (statements: string[]) => calls(statements, (sql) => `this.addSql(${jsString(sql, style)})`, style);
  const lines: CodeLine[] = [...draftHeader(draft)];
  if (style.module === 'cjs') {
    lines.push([0, `const { Migration } = require(${jsString(source, style)})${end(style)}`], [0, '']);
    lines.push([0, `class ${className} extends Migration {`]);
  } else {
    lines.push([0, `import { Migration } from ${jsString(source, style)}${end(style)}`], [0, '']);
    lines.push([0, `export class ${className} extends Migration {`]);
  }
  lines.push(
    ...method('async up', add(draft.up), style, override, 'Promise<void>'),
    [0, ''],
    ...method('async down', add(draft.down), style, override, 'Promise<void>'),
  );
  if (!draft.transactional)
    lines.push(
      [0, ''],
      ...comment(['A statement here cannot run inside a transaction (CREATE INDEX CONCURRENTLY …).'], 1),
      ...method('isTransactional', [[0, `return false${end(style)}`]], style, override, 'boolean'),
    );
  lines.push([0, '}']);
  if (style.module === 'cjs') lines.push([0, `exports.${className} = ${className}${end(style)}`]);
  return [{ path: inFolder(folder, file), text: renderLines(lines, style), edit: false }];
};
