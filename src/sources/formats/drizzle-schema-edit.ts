import type { Change, ColumnSpec } from '../../generate/changes.js';
import type { GeneratedFile, MigrationDraft, WriteContext } from '../../generate/types.js';
import { type ForeignKey, findTable, type Schema, type Table } from '../../schema/model.js';

/**
 * The Drizzle schema.ts edit for a generated migration: new tables as `<dialect>Table(...)` exports, added and
 * dropped columns in the table's object, imports kept in step. Changes the builder cannot say (a type with no
 * column builder, renames, indexes) leave the file as it is; the migration is still right on its own.
 */

type Dialect = 'pg' | 'sqlite' | 'mysql';

const TABLE_FUNCTION: Record<Dialect, string> = { pg: 'pgTable', sqlite: 'sqliteTable', mysql: 'mysqlTable' };

export interface DrizzleSchemaEdit {
  file?: GeneratedFile;
  /** The changes schema.ts does not say after the edit (`rename_column users.name`): drizzle-kit would undo them. */
  unsaid: string[];
}

export function editDrizzleSchema(
  draft: MigrationDraft,
  path: string | undefined,
  context: WriteContext,
): DrizzleSchemaEdit {
  const original = path ? context.read(path) : undefined;
  if (!path || original === undefined) return { unsaid: [] };
  const dialect = dialectOf(original, draft.engine);
  const editor = new DrizzleSchema(original, dialect, context.schemaAfter);
  const unsaid = draft.changes.filter((change) => !editor.apply(change)).map(changeLabel);
  const text = editor.finish();
  return { ...(text === original ? {} : { file: { path, text, edit: true } }), unsaid };
}

/** `add_index orders`, `rename_column users.name → full_name`: which change, in a few words. */
function changeLabel(change: Change): string {
  const fields = change as Record<string, unknown>;
  const column =
    typeof fields.column === 'string' ? fields.column : (fields.column as { name?: string } | undefined)?.name;
  const target = [fields.table, column].filter(Boolean).join('.') || (fields.name as string | undefined);
  const renamed = typeof fields.from === 'string' ? `${fields.from} → ${fields.to}` : undefined;
  return [change.op, target, renamed].filter(Boolean).join(' ');
}

function dialectOf(text: string, engine: string): Dialect {
  const imported = /drizzle-orm\/(pg|sqlite|mysql)-core/.exec(text)?.[1] as Dialect | undefined;
  if (imported) return imported;
  return engine === 'sqlite' ? 'sqlite' : engine === 'mysql' || engine === 'mariadb' ? 'mysql' : 'pg';
}

/** The name drizzle gives a foreign key declared with `.references()`. */
export function drizzleForeignKeyName(table: string, key: ForeignKey): string {
  return `${table}_${key.columns.join('_')}_${key.referencedTable}_${key.referencedColumns.join('_')}_fk`;
}

const camel = (name: string) => name.replace(/[_-]+([a-zA-Z0-9])/g, (_m, letter: string) => letter.toUpperCase());

class DrizzleSchema {
  private readonly imports = new Set<string>();
  private needsSql = false;

  constructor(
    private text: string,
    private readonly dialect: Dialect,
    private readonly after: Schema | undefined,
  ) {}

  /** Says the change in the file; false when it cannot (schema.ts then differs from the database). */
  apply(change: Change): boolean {
    const before = this.text;
    if (change.op === 'create_table') {
      if (this.tableBody(change.table)) return true;
      this.createTable(change.table, change.columns);
    } else if (change.op === 'add_column') this.addColumn(change.table, change.column);
    else if (change.op === 'drop_column') this.dropColumn(change.table, change.column);
    else if (change.op === 'create_enum' && this.dialect === 'pg') {
      if (this.enumVariable(change.name)) return true;
      this.createEnum(change.name, change.values);
    }
    return this.text !== before;
  }

  /** `export const postStatus = pgEnum('post_status', [...])`, after the imports: tables use it as they load. */
  private createEnum(name: string, values: string[]): void {
    if (this.enumVariable(name)) return;
    this.imports.add('pgEnum');
    const line = `export const ${camel(name)} = pgEnum(${this.string(name)}, [${values.map((value) => this.string(value)).join(', ')}]);`;
    const imports = [...this.text.matchAll(/^import[^;]*;[ \t]*$/gm)].at(-1);
    const at = imports ? imports.index + imports[0].length : 0;
    this.text = `${this.text.slice(0, at)}\n\n${line}${this.text.slice(at).replace(/^\n*/, '\n\n')}`;
  }

  /** The export holding the pgEnum of that type name, when the file declares one. */
  private enumVariable(name: string): string | undefined {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`export\\s+const\\s+(\\w+)\\s*=\\s*pgEnum\\(\\s*(['"\`])${escaped}\\2`).exec(this.text)?.[1];
  }

  finish(): string {
    if (this.imports.size === 0 && !this.needsSql) return this.text;
    const module = `drizzle-orm/${this.dialect}-core`;
    const pattern = new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*(['"])${module}\\2;?`);
    const match = pattern.exec(this.text);
    if (match) {
      const names = new Set(
        match[1]!
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      );
      for (const name of this.imports) names.add(name);
      const quote = match[2]!;
      this.text = this.text.replace(
        pattern,
        `import { ${[...names].sort().join(', ')} } from ${quote}${module}${quote};`,
      );
    } else {
      this.text = `import { ${[...this.imports].sort().join(', ')} } from '${module}';\n${this.text}`;
    }
    if (this.needsSql && !/import\s*\{[^}]*\bsql\b[^}]*\}\s*from\s*['"]drizzle-orm['"]/.test(this.text))
      this.text = `import { sql } from 'drizzle-orm';\n${this.text}`;
    return this.text;
  }

  /** [start of the columns object's body, index of its closing brace] for the table's export. */
  private tableBody(table: string): { variable: string; open: number; close: number } | undefined {
    const header = new RegExp(
      `export\\s+const\\s+(\\w+)\\s*=\\s*${TABLE_FUNCTION[this.dialect]}\\(\\s*(['"\`])${table.replace(/[$]/g, '\\$')}\\2\\s*,\\s*\\{`,
    ).exec(this.text);
    if (!header) return undefined;
    const open = header.index + header[0].length;
    let depth = 1;
    for (let index = open; index < this.text.length; index++) {
      const char = this.text[index];
      if (char === '{' || char === '(' || char === '[') depth++;
      if (char === '}' || char === ')' || char === ']') depth--;
      if (depth === 0) return { variable: header[1]!, open, close: index };
    }
    return undefined;
  }

  private columnLine(column: ColumnSpec, namedKeys: ForeignKey[] = []): string | undefined {
    const enumType = this.dialect === 'pg' ? this.enumVariable(column.type.trim()) : undefined;
    const builder = enumType
      ? { call: `${enumType}(${this.string(column.name)})`, import: '' }
      : columnBuilder(column, this.dialect);
    if (!builder) return undefined;
    let line = builder.call;
    if (builder.import) this.imports.add(builder.import);
    // Our MySQL and SQLite DDL say a generated key as AUTO_INCREMENT / PRIMARY KEY AUTOINCREMENT.
    const counted = column.generated !== undefined && column.generated !== 'identity';
    if (counted && this.dialect === 'mysql') line += '.autoincrement()';
    if (column.primaryKey)
      line += column.generated && this.dialect === 'sqlite' ? '.primaryKey({ autoIncrement: true })' : '.primaryKey()';
    // Our PostgreSQL DDL says GENERATED BY DEFAULT AS IDENTITY.
    if (column.generated === 'identity' && this.dialect === 'pg') line += '.generatedByDefaultAsIdentity()';
    else if (column.nullable === false) line += '.notNull()';
    if (column.unique) line += '.unique()';
    if (column.default !== undefined) line += this.defaultCall(column.default, builder.import);
    if (column.references && !namedKeys.some((key) => key.columns.includes(column.name))) {
      const target = this.tableBody(column.references.table);
      const referenced = column.references.columns?.[0] ?? 'id';
      const key = target ? this.propertyOf(target, referenced) : undefined;
      if (target && key) line += `.references(() => ${target.variable}.${key})`;
    }
    return `${camel(column.name)}: ${line}`;
  }

  private defaultCall(value: string, builder: string): string {
    const text = value.trim();
    // numeric/decimal columns hold strings in drizzle (exact values), so their defaults are strings too.
    if (/^-?\d+(\.\d+)?$/.test(text))
      return ['numeric', 'decimal'].includes(builder) ? `.default(${this.string(text)})` : `.default(${text})`;
    if (/^(true|false)$/i.test(text)) return `.default(${text.toLowerCase()})`;
    const literal = /^'((?:[^']|'')*)'$/.exec(text);
    if (literal) return `.default(${this.string(literal[1]!.replace(/''/g, "'"))})`;
    if (/^now\(\)$|^current_timestamp$/i.test(text) && builder === 'timestamp' && this.dialect === 'pg')
      return '.defaultNow()';
    this.needsSql = true;
    return `.default(sql\`${text.replace(/`/g, '\\`')}\`)`;
  }

  /** A string literal in the file's own quote style. */
  private string(value: string): string {
    const quote = /Table\(\s*(['"])/.exec(this.text)?.[1] ?? "'";
    const escaped = value.replace(/\\/g, '\\\\').replaceAll(quote, `\\${quote}`);
    return `${quote}${escaped}${quote}`;
  }

  /** The property key of a column in a table object (`userId: integer('user_id')` → userId). */
  private propertyOf(body: { open: number; close: number }, column: string): string | undefined {
    const object = this.text.slice(body.open, body.close);
    const match = new RegExp(`(\\w+)\\s*:\\s*\\w+\\(\\s*(['"\`])${column}\\2`).exec(object);
    return match?.[1];
  }

  private createTable(table: string, columns: ColumnSpec[]): void {
    if (this.tableBody(table)) return;
    const created = this.after ? findTable(this.after, table) : undefined;
    const namedKeys =
      created && this.dialect !== 'sqlite'
        ? created.foreignKeys.filter((key) => key.name !== drizzleForeignKeyName(table, key))
        : [];
    const lines = columns.map((column) => this.columnLine(column, namedKeys));
    if (lines.some((line) => line === undefined)) return;
    const extras = created ? this.tableExtras(created, namedKeys) : undefined;
    if (extras === null) return;
    this.imports.add(TABLE_FUNCTION[this.dialect]);
    const indent = /^([ \t]+)\w+\s*:/m.exec(this.text)?.[1] ?? '  ';
    const quote = /Table\(\s*(['"])/.exec(this.text)?.[1] ?? "'";
    const extraBlock = extras?.length
      ? `, (table) => [\n${extras.map((line) => `${indent}${line},`).join('\n')}\n]`
      : '';
    const block = `export const ${camel(table)} = ${TABLE_FUNCTION[this.dialect]}(${quote}${table}${quote}, {\n${lines
      .map((line) => `${indent}${line},`)
      .join('\n')}\n}${extraBlock});\n`;
    this.text = `${this.text.replace(/\s*$/, '\n')}\n${block}`;
  }

  /**
   * What the migration created beside the columns, in the table's third argument: its own indexes (the one every
   * foreign key gets) and foreign keys whose names drizzle would not derive; null when a part cannot be said.
   */
  private tableExtras(table: Table, namedKeys: ForeignKey[]): string[] | null {
    const lines: string[] = [];
    const property = (column: string) => `table.${camel(column)}`;
    for (const key of namedKeys) {
      const target = this.tableBody(key.referencedTable);
      const targetKeys = target ? key.referencedColumns.map((column) => this.propertyOf(target, column)) : [];
      if (!target || targetKeys.some((item) => !item)) return null;
      this.imports.add('foreignKey');
      let line = `foreignKey({ name: ${this.string(key.name)}, columns: [${key.columns.map(property).join(', ')}], foreignColumns: [${targetKeys.map((item) => `${target.variable}.${item}`).join(', ')}] })`;
      if (key.onDelete !== 'no action') line += `.onDelete(${this.string(key.onDelete)})`;
      if (key.onUpdate !== 'no action') line += `.onUpdate(${this.string(key.onUpdate)})`;
      lines.push(line);
    }
    const constraints = new Set([table.primaryKey?.name, ...table.uniques.map((unique) => unique.name)]);
    for (const index of table.indexes) {
      if (constraints.has(index.name) || /^sqlite_autoindex_/.test(index.name)) continue;
      if (index.where || index.columns.some((column) => !/^\w+$/.test(column))) return null;
      const builder = index.unique ? 'uniqueIndex' : 'index';
      this.imports.add(builder);
      lines.push(`${builder}(${this.string(index.name)}).on(${index.columns.map(property).join(', ')})`);
    }
    return lines;
  }

  private addColumn(table: string, column: ColumnSpec): void {
    const body = this.tableBody(table);
    if (!body) return;
    const line = this.columnLine(column);
    if (!line) return;
    const before = this.text.slice(0, body.close).replace(/\s*$/, '');
    const indent = /\n([ \t]+)\S[^\n]*$/.exec(before)?.[1] ?? '  ';
    const separator = before.endsWith(',') || before.endsWith('{') ? '' : ',';
    this.text = `${before}${separator}\n${indent}${line},\n${this.text.slice(body.close)}`;
  }

  private dropColumn(table: string, column: string): void {
    const body = this.tableBody(table);
    if (!body) return;
    const object = this.text.slice(body.open, body.close);
    const kept = object.replace(new RegExp(`\\n[ \\t]*\\w+\\s*:\\s*\\w+\\(\\s*(['"\`])${column}\\1[^\\n]*`), '');
    this.text = `${this.text.slice(0, body.open)}${kept}${this.text.slice(body.close)}`;
  }
}

/** The drizzle column builder for an SQL type, or undefined when the dialect's core has none for it. */
function columnBuilder(column: ColumnSpec, dialect: Dialect): { call: string; import: string } | undefined {
  const raw = column.type.trim().toLowerCase().replace(/\s+/g, ' ');
  const name = raw.replace(/\s*\(.*\)$/, '');
  const args = /\(([^)]*)\)/
    .exec(raw)?.[1]
    ?.split(',')
    .map((arg) => arg.trim());
  const quoted = `'${column.name.replace(/'/g, "\\'")}'`;
  const make = (builder: string, options?: string) => ({
    call: `${builder}(${quoted}${options ? `, ${options}` : ''})`,
    import: builder,
  });
  const tables: Record<Dialect, Record<string, () => { call: string; import: string }>> = {
    pg: {
      serial: () => make('serial'),
      integer: () => make('integer'),
      int: () => make('integer'),
      int4: () => make('integer'),
      smallint: () => make('smallint'),
      bigint: () => make('bigint', "{ mode: 'number' }"),
      bigserial: () => make('bigserial', "{ mode: 'number' }"),
      text: () => make('text'),
      varchar: () => make('varchar', args?.[0] ? `{ length: ${args[0]} }` : undefined),
      'character varying': () => make('varchar', args?.[0] ? `{ length: ${args[0]} }` : undefined),
      boolean: () => make('boolean'),
      bool: () => make('boolean'),
      timestamp: () => make('timestamp'),
      'timestamp without time zone': () => make('timestamp'),
      timestamptz: () => make('timestamp', '{ withTimezone: true }'),
      'timestamp with time zone': () => make('timestamp', '{ withTimezone: true }'),
      date: () => make('date'),
      numeric: () => make('numeric', args?.length === 2 ? `{ precision: ${args[0]}, scale: ${args[1]} }` : undefined),
      uuid: () => make('uuid'),
      jsonb: () => make('jsonb'),
      json: () => make('json'),
      real: () => make('real'),
      'double precision': () => make('doublePrecision'),
    },
    sqlite: {
      integer: () => make('integer'),
      int: () => make('integer'),
      text: () => make('text'),
      // SQLite stores varchar(n) as TEXT; sqlite-core says the length on text() (drizzle-kit writes the same).
      varchar: () => make('text', args?.[0] ? `{ length: ${args[0]} }` : undefined),
      'character varying': () => make('text', args?.[0] ? `{ length: ${args[0]} }` : undefined),
      real: () => make('real'),
      blob: () => make('blob'),
      numeric: () => make('numeric'),
    },
    mysql: {
      int: () => make('int'),
      integer: () => make('int'),
      bigint: () => make('bigint', "{ mode: 'number' }"),
      varchar: () => make('varchar', `{ length: ${args?.[0] ?? 255} }`),
      text: () => make('text'),
      boolean: () => make('boolean'),
      datetime: () => make('datetime'),
      timestamp: () => make('timestamp'),
      decimal: () => make('decimal', args?.length === 2 ? `{ precision: ${args[0]}, scale: ${args[1]} }` : undefined),
      json: () => make('json'),
    },
  };
  return tables[dialect][name]?.();
}
