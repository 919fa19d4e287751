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
  exportedFunction,
  inFolder,
  type JsStyle,
  jsString,
  newestName,
  renderLines,
  templateLiteral,
} from './js-style.js';

/** Kysely's documented migrations are TypeScript ES modules. */
const TEMPLATE_STYLE: JsStyle = { ...DEFAULT_JS_STYLE, module: 'ts', extension: '.ts' };

function direction(name: 'up' | 'down', statements: string[], style: JsStyle): CodeLine[] {
  // Tagged template: the cooked text is exactly the statement (backslashes, backticks and `${` escaped).
  const body = calls(statements, (sql) => `await sql${templateLiteral(sql)}.execute(db)`, style);
  return exportedFunction(name, { js: 'db', ts: 'db: Kysely<any>' }, body, style);
}

function imports(style: JsStyle): CodeLine {
  const from = jsString('kysely', style);
  if (style.module === 'ts') return [0, `import { type Kysely, sql } from ${from}${end(style)}`];
  if (style.module === 'esm') return [0, `import { sql } from ${from}${end(style)}`];
  return [0, `const { sql } = require(${from})${end(style)}`];
}

/**
 * A Kysely migration: `up`/`down(db)` running each statement with sql``.execute(db). Kysely's Migrator runs a
 * whole migrate call in one transaction on PostgreSQL unless created with `disableTransactions: true`: a draft
 * that cannot run in a transaction says so in the file.
 */
export const writeKysely: FormatWriter = (draft, folder, context) => {
  const style = detectJsStyle(folder, context, TEMPLATE_STYLE);
  const newest = newestName(folder);
  const file = `${nextPrefix(newest, context.now, timestamp14)}${prefixSeparator(newest)}${draft.name}${style.extension}`;
  const lines: CodeLine[] = [...draftHeader(draft), imports(style), [0, '']];
  if (!draft.transactional)
    lines.push(
      ...comment([
        'Must run outside a transaction (CREATE INDEX CONCURRENTLY …): Kysely wraps each migrate call in one',
        'transaction unless the Migrator is created with `disableTransactions: true` (kysely-ctl: --no-transaction).',
        'Apply it on its own: migrateTo / migrateUp with that option.',
      ]),
    );
  lines.push(...direction('up', draft.up, style), [0, ''], ...direction('down', draft.down, style));
  return [{ path: inFolder(folder, file), text: renderLines(lines, style), edit: false }];
};
