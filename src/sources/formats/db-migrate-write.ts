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

function direction(name: 'up' | 'down', statements: string[], draft: MigrationDraft, style: JsStyle): CodeLine[] {
  const run = calls(statements, (sql) => `await db.runSql(${jsString(sql, style)})`, style);
  const body: CodeLine[] = draft.transactional
    ? run
    : [
        [0, 'return withoutTransaction(db, async () => {'],
        ...run.map(([depth, text]): CodeLine => [depth + 1, text]),
        [0, `})${end(style)}`],
      ];
  return exportedFunction(name, { js: 'db', ts: 'db: any' }, body, style, { async: draft.transactional });
}

/**
 * db-migrate opens a transaction around each migration (BEGIN … COMMIT on the migration's connection) unless it
 * runs with transactions off; a statement that cannot run inside one ends db-migrate's transaction first and
 * opens a fresh one after, so db-migrate's bookkeeping and its COMMIT still find one.
 */
function withoutTransactionHelper(style: JsStyle): CodeLine[] {
  const e = end(style);
  return [
    ...comment([
      "Ends db-migrate's transaction around `run`: CREATE INDEX CONCURRENTLY and the like cannot run inside one.",
    ]),
    [
      0,
      style.module === 'ts'
        ? 'async function withoutTransaction(db: any, run: () => Promise<void>): Promise<void> {'
        : 'async function withoutTransaction(db, run) {',
    ],
    [1, `const inTransaction = !db.internals.notransactions${e}`],
    [1, `if (inTransaction) await db.runSql(${jsString('COMMIT', style)})${e}`],
    [1, `await run()${e}`],
    [1, `if (inTransaction) await db.runSql(${jsString('BEGIN', style)})${e}`],
    [0, '}'],
  ];
}

/** The sqls/ variant (`db-migrate create --sql-file`): the JS file reads `sqls/<file>-up.sql` and runs it. */
function usesSqlFiles(folder: MigrationScan, context: WriteContext): boolean {
  const newest = newestCodeMigration(folder, context);
  return newest !== undefined && /['"]sqls['"]/.test(newest.text) && /-up\.sql/.test(newest.text);
}

function sqlFileDirection(name: 'up' | 'down', base: string, style: JsStyle): CodeLine[] {
  const q = (text: string) => jsString(text, style);
  const body: CodeLine[] = [
    [0, `const filePath = path.join(__dirname, ${q('sqls')}, ${q(`${base}-${name}.sql`)})${end(style)}`],
    [0, `const data = fs.readFileSync(filePath, { encoding: ${q('utf-8')} })${end(style)}`],
    [0, `return db.runSql(data)${end(style)}`],
  ];
  return exportedFunction(name, { js: 'db', ts: 'db: any' }, body, style, { async: false });
}

function setup(style: JsStyle): CodeLine[] {
  return [
    [0, `let dbm${end(style)}`],
    [0, `let type${end(style)}`],
    [0, `let seed${end(style)}`],
    [0, ''],
    ...exportedFunction(
      'setup',
      { js: 'options, seedLink', ts: 'options: any, seedLink: any' },
      [
        [0, `dbm = options.dbmigrate${end(style)}`],
        [0, `type = dbm.dataType${end(style)}`],
        [0, `seed = seedLink${end(style)}`],
      ],
      style,
      { async: false },
    ),
  ];
}

/**
 * A db-migrate migration: `exports.up = function (db) { … db.runSql(…) }`, `exports._meta = { version: 1 }`,
 * named `YYYYMMDDHHMMSS-name.js`; with the SQL in sqls/ when the folder's migrations keep it there (and the draft
 * can run in db-migrate's transaction: one file is one multi-statement query).
 */
export const writeDbMigrate: FormatWriter = (draft, folder, context) => {
  const style = detectJsStyle(folder, context, DEFAULT_JS_STYLE);
  const newest = newestName(folder);
  const base = `${nextPrefix(newest, context.now, timestamp14)}${newest ? prefixSeparator(newest) : '-'}${draft.name}`;
  const sqlFiles = draft.transactional && usesSqlFiles(folder, context);
  const lines: CodeLine[] = [...draftHeader(draft)];
  if (style.module === 'cjs') lines.push([0, `${jsString('use strict', style)}${end(style)}`], [0, '']);
  if (sqlFiles)
    lines.push(
      [0, `const fs = require(${jsString('fs', style)})${end(style)}`],
      [0, `const path = require(${jsString('path', style)})${end(style)}`],
      [0, ''],
    );
  lines.push(...setup(style), [0, '']);
  if (!draft.transactional) lines.push(...withoutTransactionHelper(style), [0, '']);
  if (sqlFiles)
    lines.push(...sqlFileDirection('up', base, style), [0, ''], ...sqlFileDirection('down', base, style), [0, '']);
  else
    lines.push(...direction('up', draft.up, draft, style), [0, ''], ...direction('down', draft.down, draft, style), [
      0,
      '',
    ]);
  lines.push(exportedValue('_meta', '{ version: 1 }', style));
  const files = [{ path: inFolder(folder, `${base}${style.extension}`), text: renderLines(lines, style), edit: false }];
  if (sqlFiles) {
    const sql = (statements: string[]) => `${statements.join(';\n\n')};\n`;
    files.push(
      { path: inFolder(folder, `sqls/${base}-up.sql`), text: sql(draft.up), edit: false },
      { path: inFolder(folder, `sqls/${base}-down.sql`), text: sql(draft.down), edit: false },
    );
  }
  return files;
};
