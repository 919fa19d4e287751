import { nextPrefix, prefixSeparator, timestamp14 } from '../../generate/naming.js';
import type { FormatWriter } from '../types.js';
import {
  type CodeLine,
  calls,
  comment,
  DEFAULT_JS_STYLE,
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

/**
 * sequelize-cli runs each migration without a transaction: a transactional draft opens its own, so a failing
 * statement leaves nothing half done; a draft that cannot run in one runs its statements one by one.
 */
function method(
  name: 'up' | 'down',
  statements: string[],
  transactional: boolean,
  style: JsStyle,
  spaced: boolean,
): CodeLine[] {
  const params =
    style.module === 'ts' ? '(queryInterface: QueryInterface): Promise<void>' : '(queryInterface, Sequelize)';
  const open = `async ${name}${spaced ? ' ' : ''}${params} {`;
  const options = transactional ? ', { transaction }' : '';
  const run = calls(
    statements,
    (sql) => `await queryInterface.sequelize.query(${jsString(sql, style)}${options})`,
    style,
  );
  const body: CodeLine[] = transactional
    ? [
        [0, 'await queryInterface.sequelize.transaction(async (transaction) => {'],
        ...run.map(([depth, text]): CodeLine => [depth + 1, text]),
        [0, `})${end(style)}`],
      ]
    : [
        ...comment(['Not in a transaction: a statement here cannot run inside one (CREATE INDEX CONCURRENTLY …).']),
        ...run,
      ];
  return [[1, open], ...body.map(([depth, text]): CodeLine => [depth + 2, text]), [1, '}']];
}

/**
 * A Sequelize migration (sequelize-cli / umzug): `module.exports = { async up (queryInterface, Sequelize) … }`
 * with queryInterface.sequelize.query per statement, named `YYYYMMDDHHMMSS-name.js` like the folder.
 */
export const writeSequelize: FormatWriter = (draft, folder, context) => {
  const style = detectJsStyle(folder, context, DEFAULT_JS_STYLE);
  const newest = newestName(folder);
  const file = `${nextPrefix(newest, context.now, timestamp14)}${newest ? prefixSeparator(newest) : '-'}${draft.name}${style.extension}`;
  // sequelize-cli's template writes `async up (queryInterface, Sequelize)`, with a space.
  const spaced = !/\basync\s+up\(/.test(newestCodeMigration(folder, context)?.text ?? '');
  const lines: CodeLine[] = [...draftHeader(draft)];
  if (style.module === 'cjs')
    lines.push(
      [0, `${jsString('use strict', style)}${end(style)}`],
      [0, ''],
      [0, "/** @type {import('sequelize-cli').Migration} */"],
      [0, 'module.exports = {'],
    );
  else {
    if (style.module === 'ts')
      lines.push([0, `import type { QueryInterface } from ${jsString('sequelize', style)}${end(style)}`], [0, '']);
    lines.push([0, 'export default {']);
  }
  lines.push(
    ...method('up', draft.up, draft.transactional, style, spaced),
    [0, ''],
    ...method('down', draft.down, draft.transactional, style, spaced),
    [0, `}${end(style)}`],
  );
  // `},` between the two methods.
  const upEnd = lines.findIndex(([depth, text], index) => depth === 1 && text === '}' && lines[index + 1]?.[1] === '');
  if (upEnd >= 0) lines[upEnd] = [1, '},'];
  return [{ path: inFolder(folder, file), text: renderLines(lines, style), edit: false }];
};
