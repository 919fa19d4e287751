import type { Position, Statement } from '../model.js';
import { parseVerdict } from '../sql/parse-verdict.js';
import type { ParserDialect } from '../sql/sql-parser.js';

/**
 * The statement model the MySQL/MariaDB and SQLite rules read: what kind of statement, which table, and for
 * ALTER TABLE each clause (add / drop / modify / rename …) with its column definition. ALTER clauses are
 * recognized from the statement's own keywords, so forms the full parser does not know (DROP PRIMARY KEY,
 * CONVERT TO CHARACTER SET, ALTER COLUMN … SET DEFAULT) are still checked; the parser's verdict is kept, and a
 * statement it could not parse is reported with its position instead of being skipped.
 */

export type DdlKind =
  | 'alter-table'
  | 'create-table'
  | 'create-index'
  | 'drop-table'
  | 'drop-index'
  | 'rename-table'
  | 'set'
  | 'pragma'
  | 'insert'
  | 'update'
  | 'delete'
  | 'begin'
  | 'commit'
  | 'rollback'
  | 'savepoint'
  | 'other';

export interface ColumnDefinition {
  /** Lower case as written, e.g. `varchar(255)`, `int unsigned`, `enum('a','b')`. */
  type: string;
  notNull: boolean;
  hasDefault: boolean;
  primaryKey: boolean;
  unique: boolean;
  autoIncrement: boolean;
  generated: boolean;
  /** The DEFAULT expression as written, when there is one. */
  defaultText?: string;
  /** FIRST or AFTER col (MySQL column position). */
  position?: string;
  references?: string;
  /** The whole declared type as written, before the first constraint (`FLOATING POINT`, `UNSIGNED BIG INT`). */
  declaredType: string;
  /** ENUM / SET members as written, in order. */
  members?: string[];
  /** CHARACTER SET / COLLATE of a text column, lower case, when written. */
  charset?: string;
  collation?: string;
}

export type AlterAction =
  | { type: 'add-column'; column: string; definition: ColumnDefinition; text: string }
  | { type: 'drop-column'; column: string; text: string }
  | { type: 'modify-column'; column: string; newName?: string; definition: ColumnDefinition; text: string }
  | { type: 'rename-column'; column: string; newName: string; text: string }
  | { type: 'add-index'; unique: boolean; fulltext: boolean; columns: IndexColumn[]; text: string }
  | { type: 'drop-index'; text: string }
  | { type: 'add-primary-key'; text: string }
  | { type: 'drop-primary-key'; text: string }
  | { type: 'add-foreign-key'; text: string }
  | { type: 'drop-constraint'; text: string }
  | { type: 'add-constraint'; text: string }
  | { type: 'rename-table'; newName: string; text: string }
  | { type: 'column-default'; column: string; text: string }
  | { type: 'convert-charset'; text: string }
  | { type: 'table-option'; text: string }
  | { type: 'unrecognized'; text: string };

export interface IndexColumn {
  name: string;
  /** Prefix length, `col(20)`. */
  length?: number;
}

export interface DdlStatement extends Statement {
  index: number;
  kind: DdlKind;
  /** The table the statement is about, unquoted, as written (`db.t` when qualified). */
  table?: string;
  actions: AlterAction[];
  /** ALGORITHM= / LOCK= given on the statement (upper case). */
  algorithm?: string;
  lock?: string;
  /** SET / PRAGMA name and value. */
  setting?: { name: string; value: string };
  /** CREATE TABLE columns, in order. */
  columns?: Array<{ name: string; definition: ColumnDefinition }>;
  /** CREATE TABLE's table-level constraints and CREATE INDEX columns. */
  tableConstraints?: string[];
  /** INSERT … SELECT reads this table; UPDATE/DELETE without WHERE. */
  selectsFrom?: string;
  unfiltered?: boolean;
  /** Where the full parser stopped, in the file, when it could not parse the statement. */
  parseError?: { message: string; position: Position };
}

/** Builds the model of one split statement; `index` is its place in the file. */
export function modelStatement(statement: Statement, index: number, dialect: ParserDialect): DdlStatement {
  const text = stripComments(statement.sql);
  const model: DdlStatement = { ...statement, index, kind: 'other', actions: [] };
  const parsed = parseVerdict(statement.sql, dialect);
  if ('error' in parsed) {
    const { line, column } = parsed.error.position;
    model.parseError = {
      message: parsed.error.message,
      position: {
        line: statement.span.start.line + line - 1,
        column: line === 1 ? statement.span.start.column + column - 1 : column,
      },
    };
  }
  recognize(model, text, 'hasWhere' in parsed ? parsed.hasWhere : undefined);
  return model;
}

const NAME = String.raw`(?:\x60[^\x60]+\x60|"[^"]+"|\[[^\]]+\]|[\w$]+)(?:\s*\.\s*(?:\x60[^\x60]+\x60|"[^"]+"|[\w$]+))?`;

type Recognizer<T> = [RegExp, (match: RegExpExecArray, target: T, text: string) => void];

const head = (pattern: string) => new RegExp(`^${pattern}`, 'i');

/** Statement kinds by their leading keywords, first match wins. */
const STATEMENTS: Array<Recognizer<DdlStatement>> = [
  [
    head(String.raw`ALTER\s+(?:ONLINE\s+|IGNORE\s+)?TABLE\s+(?:IF\s+EXISTS\s+)?(${NAME})\s*`),
    (match, model, text) => {
      model.kind = 'alter-table';
      model.table = unquote(match[1] ?? '');
      for (const clause of splitTopLevel(text.slice(match[0].length), ',')) alterClause(model, clause.trim());
    },
  ],
  [
    head(String.raw`CREATE\s+(?:TEMP(?:ORARY)?\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(${NAME})`),
    (match, model, text) => {
      model.kind = 'create-table';
      model.table = unquote(match[1] ?? '');
      createTable(model, text.slice(match[0].length));
    },
  ],
  [
    head(
      String.raw`CREATE\s+(?:UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:${NAME})\s+ON\s+(${NAME})`,
    ),
    (match, model, text) => {
      model.kind = 'create-index';
      model.table = unquote(match[1] ?? '');
      optionsOf(model, text);
    },
  ],
  [
    head(String.raw`DROP\s+(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+EXISTS\s+)?(${NAME})`),
    (match, model) => {
      model.kind = 'drop-table';
      model.table = unquote(match[1] ?? '');
    },
  ],
  [
    head(String.raw`DROP\s+INDEX\s+(?:IF\s+EXISTS\s+)?(?:${NAME})(?:\s+ON\s+(${NAME}))?`),
    (match, model, text) => {
      model.kind = 'drop-index';
      if (match[1]) model.table = unquote(match[1]);
      optionsOf(model, text);
    },
  ],
  [
    head(String.raw`RENAME\s+TABLES?\s+(${NAME})\s+TO\s+(${NAME})`),
    (match, model, text) => {
      model.kind = 'rename-table';
      model.table = unquote(match[1] ?? '');
      model.actions.push({ type: 'rename-table', newName: unquote(match[2] ?? ''), text });
    },
  ],
  [
    head(String.raw`PRAGMA\s+(?:\w+\.)?(\w+)\s*(?:=\s*|\(\s*)?([^)]*)`),
    (match, model) => {
      model.kind = 'pragma';
      model.setting = { name: (match[1] ?? '').toLowerCase(), value: (match[2] ?? '').trim() };
    },
  ],
  [
    head(String.raw`SET\s+(?:SESSION\s+|GLOBAL\s+|LOCAL\s+|@@(?:session\.|global\.)?)?(\w+)\s*(?:=|:=|TO)\s*(.*)$`),
    (match, model) => {
      model.kind = 'set';
      model.setting = { name: (match[1] ?? '').toLowerCase(), value: (match[2] ?? '').trim() };
    },
  ],
  [
    head(String.raw`INSERT\s+(?:IGNORE\s+|OR\s+\w+\s+)?INTO\s+(${NAME})`),
    (match, model, text) => {
      model.kind = 'insert';
      model.table = unquote(match[1] ?? '');
      const from = /\bSELECT\b[\s\S]*?\bFROM\s+(\S+)/i.exec(text);
      if (from?.[1]) model.selectsFrom = unquote(from[1].replace(/[;)]+$/, ''));
    },
  ],
  [
    head(String.raw`UPDATE\s+(${NAME})`),
    (match, model, text) => {
      model.kind = 'update';
      model.table = unquote(match[1] ?? '');
      model.unfiltered = !/\bWHERE\b/i.test(text);
    },
  ],
  [
    head(String.raw`DELETE\s+FROM\s+(${NAME})`),
    (match, model, text) => {
      model.kind = 'delete';
      model.table = unquote(match[1] ?? '');
      model.unfiltered = !/\bWHERE\b/i.test(text);
    },
  ],
  [
    head(String.raw`(?:BEGIN(?!\s+NOT\s+ATOMIC)|START\s+TRANSACTION)\b`),
    (_, model) => {
      model.kind = 'begin';
    },
  ],
  [
    head(String.raw`(?:COMMIT|END)\b`),
    (_, model) => {
      model.kind = 'commit';
    },
  ],
  [
    head(String.raw`(?:SAVEPOINT|RELEASE)\b|ROLLBACK\s+(?:TRANSACTION\s+|WORK\s+)?TO\b`),
    (_, model) => {
      model.kind = 'savepoint';
    },
  ],
  [
    head(String.raw`ROLLBACK\b`),
    (_, model) => {
      model.kind = 'rollback';
    },
  ],
];

function recognize(model: DdlStatement, text: string, hasWhere: boolean | undefined): void {
  for (const [pattern, apply] of STATEMENTS) {
    const match = pattern.exec(text);
    if (!match) continue;
    apply(match, model, text);
    break;
  }
  // The parse tree knows a WHERE inside a string or comment from a real one.
  if (hasWhere !== undefined && (model.kind === 'update' || model.kind === 'delete')) model.unfiltered = !hasWhere;
}

const CONSTRAINT = String.raw`ADD\s+(?:CONSTRAINT\s+(?:${NAME}\s+)?)?`;

/** ALTER TABLE clauses by their leading keywords, first match wins. */
const CLAUSES: Array<Recognizer<DdlStatement>> = [
  [
    head(String.raw`(ALGORITHM|LOCK)\s*=?\s*(\w+)`),
    (match, model) => {
      if ((match[1] ?? '').toUpperCase() === 'ALGORITHM') model.algorithm = (match[2] ?? '').toUpperCase();
      else model.lock = (match[2] ?? '').toUpperCase();
    },
  ],
  [head(String.raw`${CONSTRAINT}PRIMARY\s+KEY`), (_, model, text) => push(model, { type: 'add-primary-key', text })],
  [head(String.raw`${CONSTRAINT}FOREIGN\s+KEY`), (_, model, text) => push(model, { type: 'add-foreign-key', text })],
  [
    head(String.raw`${CONSTRAINT}(UNIQUE|FULLTEXT|SPATIAL|INDEX|KEY)\b`),
    (match, model, text) => {
      const kind = (match[1] ?? '').toUpperCase();
      const fulltext = kind === 'FULLTEXT' || kind === 'SPATIAL';
      push(model, { type: 'add-index', unique: kind === 'UNIQUE', fulltext, columns: indexColumns(text), text });
    },
  ],
  [head(String.raw`ADD\s+(?:CONSTRAINT|CHECK)\b`), (_, model, text) => push(model, { type: 'add-constraint', text })],
  [
    head(String.raw`ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(${NAME})\s+([\s\S]+)$`),
    (match, model, text) => {
      const definition = columnDefinition(match[2] ?? '');
      push(model, { type: 'add-column', column: unquote(match[1] ?? ''), definition, text });
    },
  ],
  [head(String.raw`DROP\s+PRIMARY\s+KEY`), (_, model, text) => push(model, { type: 'drop-primary-key', text })],
  [head(String.raw`DROP\s+(?:INDEX|KEY)\b`), (_, model, text) => push(model, { type: 'drop-index', text })],
  [
    head(String.raw`DROP\s+(?:FOREIGN\s+KEY|CONSTRAINT|CHECK)\b`),
    (_, model, text) => push(model, { type: 'drop-constraint', text }),
  ],
  [
    head(String.raw`DROP\s+(?:COLUMN\s+)?(?:IF\s+EXISTS\s+)?(${NAME})`),
    (match, model, text) => push(model, { type: 'drop-column', column: unquote(match[1] ?? ''), text }),
  ],
  [
    head(String.raw`MODIFY\s+(?:COLUMN\s+)?(?:IF\s+EXISTS\s+)?(${NAME})\s+([\s\S]+)$`),
    (match, model, text) => {
      const definition = columnDefinition(match[2] ?? '');
      push(model, { type: 'modify-column', column: unquote(match[1] ?? ''), definition, text });
    },
  ],
  [
    head(String.raw`CHANGE\s+(?:COLUMN\s+)?(?:IF\s+EXISTS\s+)?(${NAME})\s+(${NAME})\s+([\s\S]+)$`),
    (match, model, text) => {
      const column = unquote(match[1] ?? '');
      const newName = unquote(match[2] ?? '');
      const renamed = newName.toLowerCase() !== column.toLowerCase();
      const definition = columnDefinition(match[3] ?? '');
      push(model, { type: 'modify-column', column, ...(renamed ? { newName } : {}), definition, text });
    },
  ],
  [
    head(String.raw`RENAME\s+COLUMN\s+(${NAME})\s+TO\s+(${NAME})`),
    (match, model, text) =>
      push(model, { type: 'rename-column', column: unquote(match[1] ?? ''), newName: unquote(match[2] ?? ''), text }),
  ],
  [head(String.raw`RENAME\s+(?:INDEX|KEY)\b`), (_, model, text) => push(model, { type: 'drop-index', text })],
  [
    head(String.raw`RENAME\s+(?:TO\s+|AS\s+)?(${NAME})`),
    (match, model, text) => push(model, { type: 'rename-table', newName: unquote(match[1] ?? ''), text }),
  ],
  [
    head(String.raw`ALTER\s+(?:COLUMN\s+)?(${NAME})\s+(?:SET|DROP)\s+DEFAULT`),
    (match, model, text) => push(model, { type: 'column-default', column: unquote(match[1] ?? ''), text }),
  ],
  [
    head(String.raw`CONVERT\s+TO\s+(?:CHARACTER\s+SET|CHARSET)`),
    (_, model, text) => push(model, { type: 'convert-charset', text }),
  ],
  [
    head(String.raw`(?:DEFAULT\s+)?(?:CHARACTER\s+SET|CHARSET|COLLATE|COMMENT|AUTO_INCREMENT|ENGINE|ROW_FORMAT)\b`),
    (_, model, text) => push(model, { type: 'table-option', text }),
  ],
];

function push(model: DdlStatement, action: AlterAction): void {
  model.actions.push(action);
}

function alterClause(model: DdlStatement, clause: string): void {
  if (!clause) return;
  for (const [pattern, apply] of CLAUSES) {
    const match = pattern.exec(clause);
    if (!match) continue;
    apply(match, model, clause);
    return;
  }
  push(model, { type: 'unrecognized', text: clause });
}

/** `varchar(255) NOT NULL DEFAULT '' AFTER id` → its parts. */
export function columnDefinition(text: string): ColumnDefinition {
  const typeMatch = /^((?:\w+)(?:\s*\([^)]*\))?(?:\s+(?:UNSIGNED|SIGNED|ZEROFILL|BINARY|VARYING|PRECISION))*)/i.exec(
    text.trim(),
  );
  const type = (typeMatch?.[1] ?? '')
    .replace(/\s+/g, ' ')
    .replace(/\s*\(\s*/, '(')
    .toLowerCase();
  const written = text.slice((typeMatch?.[1] ?? '').length + (text.length - text.trimStart().length));
  const rest = maskQuoted(written);
  const defaultMatch = /\bDEFAULT\s+(\([^)]*\)|'[^']*'|"[^"]*"|[\w.+-]+(?:\(\))?)/i.exec(rest);
  const position = /\b(FIRST|AFTER\s+\S+)\s*$/i.exec(rest);
  const references = /\bREFERENCES\s+(\S+)/i.exec(rest);
  const definition: ColumnDefinition = {
    type,
    declaredType: declaredTypeOf(text),
    notNull: /\bNOT\s+NULL\b/i.test(rest) || /\bPRIMARY\s+KEY\b/i.test(rest),
    hasDefault: defaultMatch !== null && !/^NULL$/i.test(defaultMatch[1] ?? ''),
    primaryKey: /\bPRIMARY\s+KEY\b/i.test(rest),
    unique: /\bUNIQUE\b/i.test(rest),
    autoIncrement: /\bAUTO_?INCREMENT\b/i.test(rest),
    generated: /\b(?:GENERATED\s+ALWAYS\s+)?AS\s*\(/i.test(rest),
  };
  if (defaultMatch?.[1])
    definition.defaultText = written
      .slice(defaultMatch.index, defaultMatch.index + defaultMatch[0].length)
      .replace(/^DEFAULT\s+/i, '');
  if (position?.[1]) definition.position = position[1].replace(/\s+/g, ' ');
  if (references?.[1]) definition.references = unquote(references[1].replace(/\(.*$/, ''));
  if (/^(?:enum|set)\(/.test(type)) definition.members = quotedMembers(text.slice(text.indexOf('(') + 1));
  const charset = /\b(?:CHARACTER\s+SET|CHARSET)\s*=?\s*['"]?(\w+)/i.exec(rest);
  const collation = /\bCOLLATE\s*=?\s*['"]?(\w+)/i.exec(rest);
  if (charset?.[1]) definition.charset = charset[1].toLowerCase();
  if (collation?.[1]) definition.collation = collation[1].toLowerCase();
  return definition;
}

const CONSTRAINT_WORD =
  /^(?:CONSTRAINT|PRIMARY|NOT|NULL|UNIQUE|CHECK|DEFAULT|COLLATE|REFERENCES|GENERATED|AS|AUTO_INCREMENT|AUTOINCREMENT|ON|COMMENT|CHARACTER|CHARSET|FIRST|AFTER)$/i;

/** The type's words and their parenthesized arguments, up to the first constraint keyword. */
function declaredTypeOf(text: string): string {
  const words: string[] = [];
  const token = /\s*([A-Za-z_]\w*)(\s*\([^)]*\))?/y;
  let match = token.exec(text);
  while (match && !CONSTRAINT_WORD.test(match[1] ?? '')) {
    words.push(`${match[1]}${(match[2] ?? '').trim()}`);
    match = token.exec(text);
  }
  return words.join(' ');
}

/** `'a','it''s')…` → ['a', "it's"]: the quoted members up to the closing parenthesis. */
function quotedMembers(list: string): string[] {
  const members: string[] = [];
  const member = /\s*'((?:[^'\\]|\\.|'')*)'\s*(,|\))/y;
  let match = member.exec(list);
  while (match) {
    members.push((match[1] ?? '').replace(/''/g, "'").replace(/\\(.)/g, '$1'));
    if (match[2] === ')') break;
    match = member.exec(list);
  }
  return members;
}

function createTable(model: DdlStatement, rest: string): void {
  const open = rest.indexOf('(');
  if (open === -1) return;
  const body = rest.slice(open + 1, matchingParen(rest, open));
  model.columns = [];
  model.tableConstraints = [];
  for (const part of splitTopLevel(body, ',')) {
    const item = part.trim();
    if (/^(?:CONSTRAINT|PRIMARY|UNIQUE|FOREIGN|CHECK|KEY|INDEX|FULLTEXT|SPATIAL)\b/i.test(item)) {
      model.tableConstraints.push(item);
      continue;
    }
    const column = new RegExp(`^(${NAME})\\s*([\\s\\S]*)$`).exec(item);
    if (column?.[1]) model.columns.push({ name: unquote(column[1]), definition: columnDefinition(column[2] ?? '') });
  }
}

function optionsOf(model: DdlStatement, text: string): void {
  const algorithm = /\bALGORITHM\s*=?\s*(\w+)/i.exec(text);
  const lock = /\bLOCK\s*=?\s*(\w+)/i.exec(text);
  if (algorithm?.[1]) model.algorithm = algorithm[1].toUpperCase();
  if (lock?.[1]) model.lock = lock[1].toUpperCase();
}

export function indexColumns(clause: string): IndexColumn[] {
  const open = clause.indexOf('(');
  if (open === -1) return [];
  const list = clause.slice(open + 1, matchingParen(clause, open));
  return splitTopLevel(list, ',').map((part) => {
    const match = new RegExp(`^\\s*(${NAME})\\s*(?:\\(\\s*(\\d+)\\s*\\))?`).exec(part);
    const name = unquote(match?.[1] ?? part.trim());
    return match?.[2] ? { name, length: Number(match[2]) } : { name };
  });
}

/** `\`db\`.\`t\`` → `db.t`. */
export function unquote(name: string): string {
  return name.replace(/[`"[\]]/g, '').replace(/\s*\.\s*/g, '.');
}

/** Splits on `separator` outside parentheses and quotes. */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "'" || char === '"' || char === '`') {
      const close = text.indexOf(char, i + 1);
      i = close === -1 ? text.length : close;
    } else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((part) => part.trim() !== '');
}

function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const char = text[i];
    if (char === "'" || char === '"' || char === '`') {
      const close = text.indexOf(char, i + 1);
      i = close === -1 ? text.length : close;
    } else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return i;
  }
  return text.length;
}

/** Quoted text replaced by spaces of the same length, so keywords inside strings are not matched. */
function maskQuoted(text: string): string {
  return text.replace(
    /'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*"/g,
    (quoted) => `'${' '.repeat(Math.max(0, quoted.length - 2))}'`,
  );
}

function stripComments(sql: string): string {
  return sql
    .replace(/\/\*(?!!)[\s\S]*?\*\//g, ' ')
    .replace(/(^|\n)\s*(?:--|#)[^\n]*/g, '$1')
    .trim();
}
