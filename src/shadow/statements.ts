import type { Migration, Statement } from '../model.js';
import { cannotRunInTransaction } from '../sources/execution.js';
import { parsePostgres } from '../sql/postgres.js';
import { splitSql } from '../sql/split.js';
import type { ShadowEngine } from './types.js';

/** Splits raw SQL for the shadow's engine: the real PostgreSQL parser, the quote-aware splitter elsewhere. */
export async function splitForEngine(sql: string, engine: ShadowEngine, file?: string): Promise<Statement[]> {
  if (sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '').trim() === '') return [];
  if (engine === 'postgresql') {
    const parsed = await parsePostgres(sql, file);
    return parsed.map(({ ast: _ast, ...statement }) => statement);
  }
  return splitSql(sql, engine);
}

/** Statements PostgreSQL refuses inside a transaction block. */
export function mustRunOutsideTransaction(statement: Statement, engine: ShadowEngine): boolean {
  return engine === 'postgresql' && cannotRunInTransaction(statement.sql);
}

/** A migration built from raw SQL text (the tool's `migration`/`down` inputs and plain .sql files). */
export async function migrationFromSql(options: {
  id: string;
  path: string;
  up: string;
  down?: string;
  engine: ShadowEngine;
  downPath?: string;
}): Promise<Migration> {
  const up = await splitForEngine(options.up, options.engine, options.path);
  const downFile = options.downPath ?? options.path;
  const down =
    options.down === undefined
      ? undefined
      : (await splitForEngine(options.down, options.engine, downFile)).map((statement) =>
          downFile === options.path
            ? statement
            : {
                ...statement,
                origin: { file: downFile, line: statement.span.start.line, column: statement.span.start.column },
              },
        );
  const transactional = !up.some((statement) => mustRunOutsideTransaction(statement, options.engine));
  return {
    id: options.id,
    name: options.id,
    path: options.path,
    format: 'sql',
    up,
    ...(down ? { down } : {}),
    transactional,
    notes: transactional ? [] : ['contains statements that must run outside a transaction (CONCURRENTLY)'],
  };
}
