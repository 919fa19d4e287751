import { pascalName } from '../../generate/naming.js';
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
  renderLines,
  templateLiteral,
} from './js-style.js';

/** What `typeorm migration:generate` writes: TypeScript, 4 spaces, double-quoted imports, backtick queries. */
const TEMPLATE_STYLE: JsStyle = {
  module: 'ts',
  extension: '.ts',
  indent: '    ',
  quote: '"',
  semicolons: true,
  functions: 'function',
};

function method(name: 'up' | 'down', statements: string[], style: JsStyle): CodeLine[] {
  const signature =
    style.module === 'ts'
      ? `public async ${name}(queryRunner: QueryRunner): Promise<void> {`
      : `async ${name}(queryRunner) {`;
  const body = calls(statements, (sql) => `await queryRunner.query(${templateLiteral(sql)})`, style);
  return [[1, signature], ...body.map(([depth, text]): CodeLine => [depth + 2, text]), [1, '}']];
}

/**
 * A TypeORM migration: `${timestamp}-${Pascal}.ts` holding class `${Pascal}${timestamp}` (TypeORM reads the
 * timestamp from the class name's last 13 digits), `name`, up/down(queryRunner) with queryRunner.query, and
 * `transaction = false` when a statement cannot run in a transaction.
 */
export const writeTypeorm: FormatWriter = (draft, folder, context) => {
  const style = detectJsStyle(folder, context, TEMPLATE_STYLE);
  const timestamp = String(context.now.getTime());
  const pascal = pascalName(draft.name);
  const className = `${pascal}${timestamp}`;
  const lines: CodeLine[] = [...draftHeader(draft)];
  let open: string;
  if (style.module === 'ts') {
    lines.push(
      [0, `import { MigrationInterface, QueryRunner } from ${jsString('typeorm', style)}${end(style)}`],
      [0, ''],
    );
    open = `export class ${className} implements MigrationInterface {`;
  } else if (style.module === 'esm') open = `export class ${className} {`;
  else open = `module.exports = class ${className} {`;
  lines.push([0, open], [1, `name = ${jsString(className, style)}${end(style)}`]);
  if (!draft.transactional)
    lines.push(
      ...comment(
        [
          'Runs outside a transaction (CREATE INDEX CONCURRENTLY …); TypeORM honours this flag when',
          'migrationsTransactionMode is "each" or "none".',
        ],
        1,
      ),
      [1, `${style.module === 'ts' ? 'public ' : ''}transaction = false${end(style)}`],
    );
  lines.push([0, ''], ...method('up', draft.up, style), [0, ''], ...method('down', draft.down, style), [
    0,
    `}${style.module === 'cjs' ? end(style) : ''}`,
  ]);
  return [
    {
      path: inFolder(folder, `${timestamp}-${pascal}${style.extension}`),
      text: renderLines(lines, style),
      edit: false,
    },
  ];
};
