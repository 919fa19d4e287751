/**
 * Puts the parameters a migration passed with its SQL (`queryRunner.query(sql, [a, b])`, Sequelize's `bind`)
 * into the SQL as literals, as the database would see them, so the recorded statement is complete SQL that the
 * checks can parse. Placeholders inside string literals, quoted identifiers and comments are left alone.
 */

export type PlaceholderStyle = 'dollar' | 'question';

/** `$1`/`$name` (PostgreSQL, Sequelize bind) or `?` (MySQL, SQLite). */
export function placeholderStyle(dialect: string): PlaceholderStyle {
  return /postgres|cockroach/.test(dialect) ? 'dollar' : 'question';
}

export function inlineParameters(
  sql: string,
  parameters: readonly unknown[] | Record<string, unknown>,
  style: PlaceholderStyle,
  dialect: string,
): string {
  const positional = Array.isArray(parameters) ? parameters : undefined;
  const named = Array.isArray(parameters) ? undefined : (parameters as Record<string, unknown>);
  let out = '';
  let next = 0;
  let index = 0;
  while (index < sql.length) {
    const char = sql[index] as string;
    const skipped = skipQuotedOrComment(sql, index);
    if (skipped > index) {
      out += sql.slice(index, skipped);
      index = skipped;
      continue;
    }
    if (style === 'dollar' && char === '$') {
      const match = /^\$(\d+|[A-Za-z_]\w*)/.exec(sql.slice(index));
      const key = match?.[1];
      if (key !== undefined) {
        const value = /^\d+$/.test(key) ? positional?.[Number(key) - 1] : named?.[key];
        const has = /^\d+$/.test(key)
          ? positional !== undefined && Number(key) <= positional.length
          : named && key in named;
        if (has) {
          out += sqlLiteral(value, dialect);
          index += key.length + 1;
          continue;
        }
      }
    }
    if (style === 'question' && char === '?' && positional && next < positional.length) {
      out += sqlLiteral(positional[next++], dialect);
      index++;
      continue;
    }
    out += char;
    index++;
  }
  return out;
}

/** The end of a string literal, quoted identifier, dollar-quoted body or comment starting at `index`, else index. */
function skipQuotedOrComment(sql: string, index: number): number {
  const char = sql[index];
  if (char === "'" || char === '"' || char === '`') {
    let at = index + 1;
    while (at < sql.length) {
      if (sql[at] === '\\' && char === "'") at += 2;
      else if (sql[at] === char && sql[at + 1] === char) at += 2;
      else if (sql[at] === char) return at + 1;
      else at++;
    }
    return sql.length;
  }
  if (char === '-' && sql[index + 1] === '-') {
    const end = sql.indexOf('\n', index);
    return end === -1 ? sql.length : end;
  }
  if (char === '/' && sql[index + 1] === '*') {
    const end = sql.indexOf('*/', index + 2);
    return end === -1 ? sql.length : end + 2;
  }
  if (char === '$') {
    const tag = /^\$([A-Za-z_]\w*)?\$/.exec(sql.slice(index))?.[0];
    if (tag) {
      const end = sql.indexOf(tag, index + tag.length);
      return end === -1 ? sql.length : end + tag.length;
    }
  }
  return index;
}

export function sqlLiteral(value: unknown, dialect: string): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return /sqlite/.test(dialect) ? (value ? '1' : '0') : value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return quote(value.toISOString(), dialect);
  if (typeof value === 'string') return quote(value, dialect);
  return quote(JSON.stringify(value), dialect);
}

function quote(text: string, dialect: string): string {
  const escaped = text.replaceAll("'", "''");
  return /mysql|mariadb/.test(dialect) ? `'${escaped.replaceAll('\\', '\\\\')}'` : `'${escaped}'`;
}
