import { UserError } from '../errors.js';
import type { Engine, Migration, Statement } from '../model.js';
import { offeringParses, parsePostgres } from '../sql/postgres.js';
import { type SplitDialect, splitSql } from '../sql/split.js';

/**
 * Splits SQL text into statements for an engine. A section of a file (the `-- migrate:up` half of a dbmate
 * file) is split in place: everything outside it is blanked, keeping newlines, so spans stay file positions.
 */
export async function splitStatements(
  text: string,
  engine: Engine | undefined,
  file: string,
  section?: { start: number; end: number },
): Promise<Statement[]> {
  const source = section ? blankOutside(text, section.start, section.end) : text;
  if (engine === 'postgresql' || engine === 'cockroachdb') {
    // The check that follows a one-shot read takes this parse instead of parsing the text again.
    const parsed = await parsePostgres(source, file, true);
    return parsed.map(({ ast: _ast, ...statement }) => statement);
  }
  if (engine === undefined && offeringParses()) {
    // A one-shot check of a folder whose engine its format does not say: the check is most likely PostgreSQL's
    // (the default), which would split the text and then parse it. Parsing it here once serves both; text
    // PostgreSQL cannot parse is split as before, and its syntax error is reported by the check that parses it.
    try {
      const parsed = await parsePostgres(source, file, true);
      return parsed.map(({ ast: _ast, ...statement }) => statement);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
    }
  }
  return splitSql(source, dialectOf(engine));
}

export function dialectOf(engine: Engine | undefined): SplitDialect {
  if (engine === 'mysql' || engine === 'mariadb') return 'mysql';
  if (engine === 'sqlite') return 'sqlite';
  return 'generic';
}

function blankOutside(text: string, start: number, end: number): string {
  const blank = (part: string) => part.replace(/[^\n]/g, ' ');
  return blank(text.slice(0, start)) + text.slice(start, end) + blank(text.slice(end));
}

/** Statements compiled from code (knex, TypeORM, Sequelize): spans are in the compiled text, origin in the source. */
export function compiledStatement(sql: string, origin: Statement['origin']): Statement {
  const lines = sql.split('\n');
  const last = lines[lines.length - 1] ?? '';
  return {
    sql,
    span: { start: { line: 1, column: 1 }, end: { line: lines.length, column: last.length + 1 } },
    offset: { start: 0, end: sql.length },
    ...(origin ? { origin } : {}),
  };
}

/** A listed (not compiled) migration with the SQL its tool produced: the same migration, now compiled. */
export function withCompiledSql(listed: Migration, sql: Pick<Migration, 'up' | 'down' | 'notes'>): Migration {
  const { compiled: _notCompiled, ...rest } = listed;
  return { ...rest, ...sql };
}
