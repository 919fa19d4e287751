import { blockCommentEnd } from '../../sql/block-comment.js';
import type { Rule } from '../types.js';
import { alterTableOf, nodeAs, step } from './ast.js';

const DROPPABLE = new Set([
  'OBJECT_TABLE',
  'OBJECT_INDEX',
  'OBJECT_VIEW',
  'OBJECT_MATVIEW',
  'OBJECT_SEQUENCE',
  'OBJECT_SCHEMA',
  'OBJECT_TYPE',
  'OBJECT_DOMAIN',
  'OBJECT_FUNCTION',
  'OBJECT_TRIGGER',
]);

/** The statement with IF [NOT] EXISTS added where PostgreSQL accepts it, or undefined when it cannot be. */
function robust(sql: string, ast: Parameters<typeof nodeAs>[0], cmdCount: number): string | undefined {
  if (nodeAs(ast, 'CreateStmt'))
    return sql.replace(
      /^CREATE\s+((?:GLOBAL\s+|LOCAL\s+)?(?:TEMP|TEMPORARY|UNLOGGED)\s+)?TABLE\s+/i,
      (match) => `${match}IF NOT EXISTS `,
    );
  if (nodeAs(ast, 'IndexStmt'))
    return sql.replace(/^CREATE\s+(UNIQUE\s+)?INDEX\s+(CONCURRENTLY\s+)?/i, (match) => `${match}IF NOT EXISTS `);
  if (nodeAs(ast, 'CreateSchemaStmt')) return sql.replace(/^CREATE\s+SCHEMA\s+/i, (match) => `${match}IF NOT EXISTS `);
  if (nodeAs(ast, 'DropStmt')) {
    return sql.replace(
      /^DROP\s+(MATERIALIZED\s+VIEW|TABLE|INDEX|VIEW|SEQUENCE|SCHEMA|TYPE|DOMAIN|FUNCTION|TRIGGER)\s+(CONCURRENTLY\s+)?/i,
      (match) => `${match}IF EXISTS `,
    );
  }
  if (cmdCount === 1) {
    return sql
      .replace(
        /\bADD\s+(?:COLUMN\s+)?(?!CONSTRAINT\b|PRIMARY\b|UNIQUE\b|CHECK\b|FOREIGN\b|EXCLUDE\b)/i,
        'ADD COLUMN IF NOT EXISTS ',
      )
      .replace(/\bDROP\s+CONSTRAINT\s+/i, 'DROP CONSTRAINT IF EXISTS ')
      .replace(
        /\bDROP\s+(?:COLUMN\s+)?(?!CONSTRAINT\b|NOT\b|DEFAULT\b|EXPRESSION\b|IDENTITY\b)/i,
        'DROP COLUMN IF EXISTS ',
      );
  }
  return undefined;
}

export const preferRobustStatements: Rule = {
  meta: {
    id: 'prefer-robust-statements',
    title: 'Non-idempotent DDL outside a transaction',
    category: 'safe',
    defaultSeverity: 'info',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'Outside a transaction a migration that fails halfway leaves its first statements applied; re-running it then fails on "already exists" / "does not exist" unless each statement tolerates being run twice.',
    safeAlternative:
      'Use IF NOT EXISTS / IF EXISTS (or run the migration in a transaction, when nothing in it needs to run outside one).',
    examples: {
      bad: 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);',
      good: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_idx ON orders (user_id);',
    },
    peers: { squawk: 'prefer-robust-stmts' },
  },
  appliesTo: ['CreateStmt', 'IndexStmt', 'CreateSchemaStmt', 'DropStmt', 'AlterTableStmt'],
  check(context) {
    if (context.inTransaction) return [];
    const ast = context.statement.ast;
    // A failed statement changes nothing, so the migration's last statement never runs twice on its own result —
    // except a concurrent index build, whose failure leaves an INVALID index of the same name behind.
    const concurrentBuild = nodeAs(ast, 'IndexStmt')?.concurrent === true;
    if (!concurrentBuild && nothingFollows(context.source, context.statement.offset.end)) return [];
    const create = nodeAs(ast, 'CreateStmt');
    const index = nodeAs(ast, 'IndexStmt');
    const schema = nodeAs(ast, 'CreateSchemaStmt');
    const drop = nodeAs(ast, 'DropStmt');
    const altered = alterTableOf(context);
    let fragile = false;
    if (create && !create.if_not_exists) fragile = true;
    if (index && !index.if_not_exists && index.idxname) fragile = true;
    if (schema && !schema.if_not_exists) fragile = true;
    if (drop && !drop.missing_ok && DROPPABLE.has(drop.removeType ?? '')) fragile = true;
    if (altered) {
      fragile = altered.cmds.some(
        (cmd) =>
          (cmd.subtype === 'AT_AddColumn' || cmd.subtype === 'AT_DropColumn' || cmd.subtype === 'AT_DropConstraint') &&
          !cmd.missing_ok,
      );
    }
    if (!fragile) return [];
    const sql = context.statement.sql.trim();
    const rewritten = robust(sql, ast, altered?.cmds.length ?? 0);
    return [
      {
        message:
          'This statement fails if the migration is re-run after a partial failure outside a transaction; make it tolerate an earlier run.',
        ...(rewritten && rewritten !== sql
          ? {
              fix: {
                summary: 'Add IF [NOT] EXISTS.',
                steps: [step('The same statement, safe to run twice.', `${rewritten};`, { outsideTransaction: true })],
              },
            }
          : {}),
      },
    ];
  },
};

/** Only blanks, semicolons and comments after `from`: no statement follows in the migration. */
function nothingFollows(source: string, from: number): boolean {
  let at = from;
  while (at < source.length) {
    const char = source[at] as string;
    if (char === ';' || char === ' ' || char === '\n' || char === '\t' || char === '\r' || char === '\f') at++;
    else if (source.startsWith('--', at)) {
      const newline = source.indexOf('\n', at);
      at = newline === -1 ? source.length : newline + 1;
    } else if (source.startsWith('/*', at)) at = blockCommentEnd(source, at);
    else return false;
  }
  return true;
}
