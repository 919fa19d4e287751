/**
 * What the Rails reader knows of the database from the migrations it has read so far, in version order: each
 * table's primary key (and the sequence behind it) and its indexes with their columns. Rails' rename_table and
 * rename_column rename the primary key index, the id sequence and the indexes whose names are Rails' default names,
 * all found in the database at run time (pk_and_sequence_for, indexes); the reader finds them here instead.
 *
 * The state is kept from the SQL the migrations run: the statements the reader writes for Rails' calls (a regular
 * shape) and the SQL of `execute`. A statement that may change a table's indexes in a way not followed here (SQL of
 * another shape, a call not translated) leaves that table uncertain: its renames are then not written, and a note
 * says so.
 */

/** An index: its columns, or none for an index on an expression (whose name is never a Rails default). */
interface KnownIndex {
  columns?: string[];
}

export interface KnownTable {
  /**
   * The primary key column as pk_and_sequence_for finds it: one whose values come from a sequence (serial,
   * identity) or a nextval/uuid_generate default. Absent when the table has no such key.
   */
  pk?: { column: string; sequence?: string };
  indexes: Map<string, KnownIndex>;
  /** Why the indexes may not be the ones listed here. */
  uncertain?: string;
}

/** PostgreSQL's limit on an identifier, in bytes. */
const MAX_IDENTIFIER = 63;

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
const QNAME = String.raw`(?:${IDENT}\.)?${IDENT}`;

/** A name as PostgreSQL reads it: quoted as written, unquoted in lower case; `public.` dropped; another schema's: undefined. */
function nameOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const parts: string[] = [];
  const part = new RegExp(IDENT, 'y');
  let index = 0;
  while (index < text.length) {
    part.lastIndex = index;
    const match = part.exec(text);
    if (!match) return undefined;
    const raw = match[0];
    parts.push(raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw.toLowerCase());
    index = part.lastIndex;
    if (text[index] === '.') index++;
    else break;
  }
  if (index !== text.length || parts.length > 2) return undefined;
  if (parts.length === 2 && parts[0] !== 'public') return undefined;
  return parts.at(-1);
}

/** Splits at top-level commas (outside brackets and quotes). */
function topLevelList(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === "'" || char === '"') {
      const close = text.indexOf(char, index + 1);
      index = close === -1 ? text.length : close;
    } else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ',' && depth === 0) {
      items.push(text.slice(start, index).trim());
      start = index + 1;
    }
  }
  items.push(text.slice(start).trim());
  return items.filter(Boolean);
}

/** The text inside the brackets that open at `open`, and the index after them. */
function bracketed(text: string, open: number): { inner: string; end: number } | undefined {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    const char = text[index]!;
    if (char === "'") {
      const close = text.indexOf("'", index + 1);
      index = close === -1 ? text.length : close;
    } else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return { inner: text.slice(open + 1, index), end: index + 1 };
  }
  return undefined;
}

/** The SQL statements of a text: split at semicolons outside quotes, dollar quotes and comments. */
export function sqlStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let index = 0;
  while (index < sql.length) {
    const char = sql[index]!;
    if (char === "'" || char === '"') {
      const close = sql.indexOf(char, index + 1);
      index = close === -1 ? sql.length : close + 1;
      continue;
    }
    if (char === '-' && sql[index + 1] === '-') {
      const close = sql.indexOf('\n', index);
      index = close === -1 ? sql.length : close + 1;
      continue;
    }
    if (char === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(index))?.[0];
      if (tag) {
        const close = sql.indexOf(tag, index + tag.length);
        index = close === -1 ? sql.length : close + tag.length;
        continue;
      }
    }
    if (char === ';') {
      out.push(sql.slice(start, index));
      start = index + 1;
    }
    index++;
  }
  out.push(sql.slice(start));
  return out
    .map((statement) =>
      statement
        .replace(/^(\s*--[^\n]*\n)+/, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter(Boolean);
}

/** The serial or identity sequence PostgreSQL makes for `table`.`column` (truncated when the name is too long). */
function sequenceName(table: string, column: string): string {
  const name = `${table}_${column}_seq`;
  // A longer name is shortened by PostgreSQL: it is never the name Rails looks for, which is all that matters here.
  return Buffer.byteLength(name) <= MAX_IDENTIFIER ? name : `${name.slice(0, MAX_IDENTIFIER - 1)}~`;
}

/** Statements that change no table's indexes, primary key or name. */
const NO_STRUCTURE =
  /^(SELECT|INSERT|UPDATE|DELETE|WITH|COMMENT|ANALYZE|VACUUM|SET|RESET|GRANT|REVOKE|TRUNCATE|REFRESH|NOTIFY|LOCK|BEGIN|COMMIT|CREATE (OR REPLACE )?(FUNCTION|TRIGGER|VIEW|EXTENSION|TYPE|SCHEMA|SEQUENCE|MATERIALIZED VIEW|AGGREGATE|COLLATION|DOMAIN)|DROP (FUNCTION|TRIGGER|VIEW|EXTENSION|TYPE|SCHEMA|SEQUENCE|MATERIALIZED VIEW|AGGREGATE|DOMAIN))\b/i;

/** Migration calls and SQL that may add, drop or rename an index, a primary key or a table. */
const CHANGES_INDEXES =
  /\b(add_index|remove_index|rename_index|rename_table|rename_column|remove_columns?|drop_table|create_table|create_join_table|change_table|add_reference|remove_reference|add_belongs_to|remove_belongs_to|execute_drop|index:|\w+\.(index|references|belongs_to|remove|rename))\b|\b(CREATE\s+(UNIQUE\s+)?INDEX|DROP\s+INDEX|ALTER\s+INDEX|RENAME\s+(TO|COLUMN)|RENAME\s+\S+\s+TO|DROP\s+COLUMN|DROP\s+TABLE|CREATE\s+TABLE|PRIMARY\s+KEY|UNIQUE|DROP\s+CONSTRAINT)\b/i;

export class RailsSchema {
  readonly tables = new Map<string, KnownTable>();

  /** A copy to read a `def down` with: what it does stays out of this schema. */
  copy(): RailsSchema {
    const copy = new RailsSchema();
    for (const [name, table] of this.tables)
      copy.tables.set(name, {
        ...table,
        ...(table.pk ? { pk: { ...table.pk } } : {}),
        indexes: new Map([...table.indexes].map(([index, known]) => [index, { ...known }])),
      });
    return copy;
  }

  /** Applies the statements of `sql` (one statement the reader wrote, or the SQL of an `execute`). */
  apply(sql: string): void {
    for (const statement of sqlStatements(sql)) this.statement(statement);
  }

  /**
   * A statement the reader could not translate (`text`: its whole source; `helpers`: the helper methods and constants
   * of the class it names): when it may change indexes, primary keys or table names, the tables it names (`only`:
   * the table of its create_table or change_table block), else those its helpers name, else every table, are in
   * doubt.
   */
  untranslated(text: string, why: string, { only, helpers = '' }: { only?: string; helpers?: string } = {}): void {
    if (!CHANGES_INDEXES.test(`${text}\n${helpers}`)) return;
    const named = only ? [only] : this.mentioned(text);
    const inHelpers = named.length ? named : this.mentioned(helpers);
    for (const table of inHelpers.length ? inHelpers : [...this.tables.keys()]) this.doubt(table, why);
  }

  private doubt(table: string, why: string): void {
    const known = this.tables.get(table);
    if (known && !known.uncertain) known.uncertain = why;
  }

  private mentioned(text: string): string[] {
    return [...this.tables.keys()].filter((table) =>
      new RegExp(`(^|[^\\w$])${table.replace(/[$]/g, '\\$')}([^\\w$]|$)`, 'i').test(text),
    );
  }

  private statement(statement: string): void {
    const TABLE = '^CREATE (?:(?:GLOBAL|LOCAL) )?(?:TEMP |TEMPORARY |UNLOGGED )?TABLE ';
    const forms: [string, (match: RegExpExecArray) => void][] = [
      [
        `${TABLE}(IF NOT EXISTS )?(${QNAME}) ?\\(`,
        (match) => {
          const table = nameOf(match[2]);
          if (!table || (match[1] && this.tables.has(table))) return;
          const body = bracketed(statement, match[0].length - 1);
          this.tables.set(
            table,
            body ? this.createdTable(table, body.inner) : { indexes: new Map(), uncertain: 'CREATE TABLE' },
          );
        },
      ],
      [
        `${TABLE}(?:IF NOT EXISTS )?(${QNAME})`,
        (match) => {
          const table = nameOf(match[1]);
          if (table) this.tables.set(table, { indexes: new Map(), uncertain: 'a table made from a query or a table' });
        },
      ],
      [
        `^CREATE (UNIQUE )?INDEX (?:CONCURRENTLY )?(IF NOT EXISTS )?(${IDENT} )?ON (?:ONLY )?(${QNAME}) ?(?:USING \\w+ ?)?\\(`,
        (match) => {
          const name = nameOf(match[3]?.trim());
          const table = nameOf(match[4]);
          const known = table ? this.tables.get(table) : undefined;
          if (!known || !name || (match[2] && known.indexes.has(name))) return;
          const list = bracketed(statement, match[0].length - 1);
          const columns = list ? topLevelList(list.inner).map(plainColumn) : [undefined];
          known.indexes.set(
            name,
            columns.every((column) => column !== undefined) ? { columns: columns as string[] } : {},
          );
        },
      ],
      [
        '^DROP INDEX (?:CONCURRENTLY )?(?:IF EXISTS )?(.+?)(?: CASCADE| RESTRICT)?$',
        (match) => {
          for (const name of topLevelList(match[1]!).map(nameOf))
            if (name) for (const table of this.tables.values()) table.indexes.delete(name);
        },
      ],
      [
        `^ALTER INDEX (?:IF EXISTS )?(${QNAME}) RENAME TO (${IDENT})$`,
        (match) => this.renameIndex(nameOf(match[1]), nameOf(match[2])),
      ],
      [
        `^ALTER SEQUENCE (?:IF EXISTS )?(${QNAME}) RENAME TO (${IDENT})$`,
        (match) => this.renameSequence(nameOf(match[1]), nameOf(match[2])),
      ],
      [
        '^DROP TABLE (?:IF EXISTS )?(.+?)(?: CASCADE| RESTRICT)?$',
        (match) => {
          for (const name of topLevelList(match[1]!).map(nameOf)) if (name) this.tables.delete(name);
        },
      ],
      [
        `^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?(${QNAME}) (.*)$`,
        (match) => {
          const table = nameOf(match[1]);
          if (table) this.alterTable(table, match[2]!, statement);
        },
      ],
    ];
    for (const [pattern, apply] of forms) {
      const match = new RegExp(pattern, 'is').exec(statement);
      if (match) {
        apply(match);
        return;
      }
    }
    if (NO_STRUCTURE.test(statement)) return;
    // Another statement that changes tables (a DO block, CREATE RULE …): the tables it names are in doubt.
    for (const table of this.mentioned(statement)) this.doubt(table, 'SQL the reader does not follow');
  }

  private createdTable(table: string, body: string): KnownTable {
    const created: KnownTable = { indexes: new Map() };
    const types = new Map<string, string>();
    let pkColumns: string[] | undefined;
    for (const item of topLevelList(body)) {
      const constraint = /^(?:CONSTRAINT \S+ )?PRIMARY KEY ?\((.*)\)/is.exec(item);
      if (constraint) {
        pkColumns = topLevelList(constraint[1]!).map((each) => nameOf(each) ?? '');
        continue;
      }
      if (/^(CONSTRAINT|UNIQUE|CHECK|FOREIGN|EXCLUDE|LIKE)\b/i.test(item)) continue;
      const column = new RegExp(`^(${IDENT}) (.*)$`, 's').exec(item);
      const name = nameOf(column?.[1]);
      if (!name || !column) continue;
      types.set(name, column[2]!);
      if (/\bPRIMARY KEY\b/i.test(column[2]!)) pkColumns = [name];
    }
    const pk = pkColumns?.length === 1 ? pkColumns[0]! : undefined;
    const definition = pk ? (types.get(pk) ?? '') : '';
    if (pk && /^(small|big)?serial\d?\b|\bGENERATED (ALWAYS|BY DEFAULT) AS IDENTITY\b/i.test(definition))
      created.pk = { column: pk, sequence: sequenceName(table, pk) };
    else if (pk && /\bDEFAULT\b.*\b(nextval|uuid_generate)/i.test(definition)) created.pk = { column: pk };
    return created;
  }

  private alterTable(table: string, actions: string, statement: string): void {
    const renameTable = new RegExp(`^RENAME TO (${IDENT})$`, 'i').exec(actions);
    if (renameTable) {
      const to = nameOf(renameTable[1]);
      if (!to) return;
      const known = this.tables.get(table);
      // ALTER TABLE on a sequence renames it (Rails' own rename_table writes it so).
      if (!known) this.renameSequence(table, to);
      else {
        this.tables.delete(table);
        this.tables.set(to, known);
      }
      return;
    }
    const known = this.tables.get(table);
    if (!known) return;
    const renameColumn = new RegExp(`^RENAME (?:COLUMN )?(${IDENT}) TO (${IDENT})$`, 'i').exec(actions);
    if (renameColumn) {
      const [from, to] = [nameOf(renameColumn[1]), nameOf(renameColumn[2])];
      if (!from || !to) return;
      for (const index of known.indexes.values())
        if (index.columns) index.columns = index.columns.map((column) => (column === from ? to : column));
      if (known.pk?.column === from) known.pk = { ...known.pk, column: to };
      return;
    }
    for (const action of topLevelList(actions)) {
      const dropColumn = new RegExp(`^DROP (?:COLUMN )?(?:IF EXISTS )?(${IDENT})(?: CASCADE| RESTRICT)?$`, 'i').exec(
        action,
      );
      const dropped = dropColumn && !/^DROP (CONSTRAINT|DEFAULT|NOT NULL|EXPRESSION|IDENTITY)\b/i.test(action);
      if (dropped) {
        const column = nameOf(dropColumn[1]);
        // PostgreSQL drops the indexes on a dropped column with it.
        for (const [name, index] of known.indexes)
          if (!index.columns || index.columns.includes(column ?? '')) known.indexes.delete(name);
        if (known.pk?.column === column) delete known.pk;
        continue;
      }
      const dropConstraint = new RegExp(`^DROP CONSTRAINT (?:IF EXISTS )?(${IDENT})`, 'i').exec(action);
      if (dropConstraint) {
        const name = nameOf(dropConstraint[1]);
        if (name) known.indexes.delete(name);
        continue;
      }
      const keyColumn = new RegExp(
        `^ADD (?:COLUMN )?(?:IF NOT EXISTS )?(${IDENT}) ((?:small|big)?serial) PRIMARY KEY$`,
        'i',
      ).exec(action);
      const column = nameOf(keyColumn?.[1]);
      if (column && !known.pk) {
        known.pk = { column, sequence: sequenceName(table, column) };
        continue;
      }
      if (/^ADD (CONSTRAINT \S+ )?(PRIMARY KEY|UNIQUE|EXCLUDE)\b|\bPRIMARY KEY\b|^RENAME CONSTRAINT\b/i.test(action)) {
        this.doubt(table, `${statement.slice(0, 60)}…`);
        return;
      }
    }
  }

  private renameIndex(from: string | undefined, to: string | undefined): void {
    if (!from || !to) return;
    for (const table of this.tables.values()) {
      const index = table.indexes.get(from);
      if (!index) continue;
      table.indexes.delete(from);
      table.indexes.set(to, index);
    }
  }

  private renameSequence(from: string | undefined, to: string | undefined): void {
    if (!from || !to) return;
    for (const table of this.tables.values()) if (table.pk?.sequence === from) table.pk = { ...table.pk, sequence: to };
  }
}

/** An index element that is a column (with its opclass, collation or order), by name; undefined for an expression. */
function plainColumn(element: string): string | undefined {
  const match = new RegExp(`^(${IDENT})(?: COLLATE ${QNAME}| \\w+_ops| ASC| DESC| NULLS (?:FIRST|LAST))*$`, 'i').exec(
    element.trim(),
  );
  return match ? nameOf(match[1]) : undefined;
}
