import path from 'node:path';
import type { Engine } from '../../model.js';
import type { PackageContext } from '../../project/context.js';
import type { MigrationScan } from '../../project/migrations.js';
import { dirOf, joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { readText } from '../files.js';
import type { FormatRead, FormatReader } from '../types.js';
import * as ddl from './ddl.js';
import type { DslOperation, DslTranslation } from './dsl-migration.js';
import { readDslFolder, scanDslFolders } from './dsl-reader.js';
import {
  type DslArgs,
  type DslNode,
  type DslValue,
  names,
  parseCall,
  parseDslTree,
  symbolOrString,
} from './dsl-source.js';
import {
  activeRecordVersionOf,
  integerKeysOf,
  migrationVersionOf,
  plural,
  railsIndexName,
  singular,
} from './rails-names.js';
import {
  assignmentOf,
  type Literals,
  literalsOf,
  literalValue,
  modifierOf,
  resolveArgs,
  unresolvedInterpolation,
} from './rails-ruby.js';
import { SCENIC_CALLS, scenicDefinitions, scenicStatements, withDefinitionReference } from './rails-scenic.js';
import { RailsSchema } from './rails-schema.js';

/** `<timestamp>_<name>.rb`, or `<timestamp>_<name>.<engine>.rb` for migrations copied from a Rails engine. */
const FILE = /^(\d+)_(\w+)(?:\.\w+)?\.rb$/;

/**
 * Database type names a migration may pass where Rails expects one of its own (`add_column :t, :c, :int`,
 * remove_column's third argument): the adapter writes them into the SQL as they are.
 */
const NATIVE_TYPE_NAMES: Readonly<Record<ddl.DdlEngine, ReadonlySet<string>>> = {
  postgresql: new Set([
    'int',
    'int2',
    'int4',
    'int8',
    'smallint',
    'bigint',
    'serial',
    'bigserial',
    'smallserial',
    'real',
    'float4',
    'float8',
    'numeric',
    'varchar',
    'citext',
    'bool',
    'timestamptz',
    'timetz',
    'interval',
    'uuid',
    'json',
    'jsonb',
    'bytea',
    'inet',
    'cidr',
    'macaddr',
    'hstore',
    'money',
    'xml',
    'tsvector',
    'point',
  ]),
  mysql: new Set([
    'int',
    'smallint',
    'bigint',
    'tinyint',
    'mediumint',
    'double',
    'varchar',
    'char',
    'longtext',
    'mediumtext',
    'tinytext',
    'blob',
    'longblob',
    'json',
  ]),
  sqlite: new Set(['int', 'integer', 'real', 'text', 'blob', 'numeric']),
};

/** Rails' column types per engine (Rails 7 defaults: datetime has precision 6). */
function columnType(engine: ddl.DdlEngine, type: string, args: DslArgs): string | undefined {
  const limit = numberOf(args.keywords.get('limit'));
  const precision = numberOf(args.keywords.get('precision'));
  const scale = numberOf(args.keywords.get('scale'));
  const mysql = engine === 'mysql';
  const base = ((): string | undefined => {
    switch (type) {
      case 'string':
        return mysql
          ? `varchar(${limit ?? 255})`
          : limit
            ? `varchar(${limit})`
            : engine === 'sqlite'
              ? 'varchar'
              : 'character varying';
      case 'text':
        return 'text';
      case 'integer':
        return limit && limit >= 5 ? 'bigint' : limit && limit <= 2 ? 'smallint' : mysql ? 'int' : 'integer';
      case 'bigint':
        return 'bigint';
      case 'float':
        return 'float';
      case 'decimal':
      case 'numeric':
        return precision ? `decimal(${precision}${scale !== undefined ? `,${scale}` : ''})` : 'decimal';
      case 'datetime':
        return engine === 'postgresql' ? `timestamp(${precision ?? 6})` : `datetime(${precision ?? 6})`;
      case 'timestamp':
        return engine === 'postgresql' ? 'timestamp' : 'datetime';
      case 'timestamptz':
        return 'timestamp with time zone';
      case 'time':
        return 'time';
      case 'date':
        return 'date';
      case 'binary':
        return engine === 'postgresql' ? 'bytea' : 'blob';
      case 'boolean':
        return mysql ? 'tinyint(1)' : 'boolean';
      case 'json':
        return 'json';
      case 'jsonb':
        return engine === 'postgresql' ? 'jsonb' : 'json';
      case 'uuid':
        return engine === 'postgresql' ? 'uuid' : 'varchar(36)';
      case 'citext':
      case 'inet':
      case 'cidr':
      case 'macaddr':
      case 'hstore':
      case 'ltree':
      case 'tsvector':
      case 'interval':
      case 'money':
      case 'point':
      case 'xml':
        return engine === 'postgresql' ? type : undefined;
      case 'enum': {
        // PostgreSQL only: the type create_enum made.
        const enumType = symbolOrString(args.keywords.get('enum_type'));
        return engine === 'postgresql' && enumType ? ddl.quote(engine, enumType) : undefined;
      }
      default:
        return undefined;
    }
  })();
  if (!base) return undefined;
  return truthy(args.keywords.get('array')) && engine === 'postgresql' ? `${base}[]` : base;
}

/** The names Rails' adapters give themselves (`connection.adapter_name`), per engine, lower case. */
const ADAPTER_NAMES: Record<ddl.DdlEngine, readonly string[]> = {
  postgresql: ['postgresql', 'postgis'],
  mysql: ['mysql', 'mysql2', 'trilogy'],
  sqlite: ['sqlite', 'sqlite3'],
};

/** `connection.adapter_name == "SQLServer"` (or `!=`, `.downcase`): true or false for the engine; else undefined. */
function adapterCondition(condition: string, engine: ddl.DdlEngine): boolean | undefined {
  const match =
    /^\(?\s*(?:ActiveRecord::Base\.)?connection\.adapter_name(?:\.(?:downcase|to_s))?\s*(==|!=)\s*["'](\w+)["']\s*\)?$/.exec(
      condition.trim(),
    );
  if (!match) return undefined;
  const equal = (ADAPTER_NAMES[engine] ?? []).includes((match[2] ?? '').toLowerCase());
  return match[1] === '==' ? equal : !equal;
}

/**
 * A type given as a string Rails does not know, with more than a name in it (`'uuid USING bounce_key::uuid'`): the
 * adapter's type_to_sql writes such a type into the SQL as it is.
 */
function writtenType(value: DslValue | undefined): string | undefined {
  return value?.kind === 'string' && !value.interpolated && /\W/.test(value.value.trim())
    ? value.value.trim()
    : undefined;
}

/** A type Rails does not know, named as the type argument: PostgreSQL takes it by name (an enum, a domain). */
function customType(engine: ddl.DdlEngine, type: string): string | undefined {
  return engine === 'postgresql' && /^[a-z_][a-z0-9_]*$/.test(type) ? ddl.quote(engine, type) : undefined;
}

function numberOf(value: DslValue | undefined): number | undefined {
  return value?.kind === 'number' ? value.value : undefined;
}

function truthy(value: DslValue | undefined): boolean {
  return value !== undefined && !(value.kind === 'bool' && !value.value) && value.kind !== 'nil';
}

/**
 * A column default as Rails writes it into the SQL. `type`, the column's Rails type when known: Rails type-casts a
 * default to it before quoting it (quote_default_expression serializes through the type, and a date or time type's
 * serialize casts), so a string it cannot read as a date or time becomes NULL.
 */
function defaultOf(
  value: DslValue | undefined,
  type?: string,
  engine?: ddl.DdlEngine,
): ddl.DefaultValue | undefined | 'unknown' {
  if (value === undefined) return undefined;
  switch (value.kind) {
    case 'string':
      if (value.interpolated) return 'unknown';
      return type && TIME_TYPES.has(type) ? castTimeDefault(value.value, type, engine) : { literal: value.value };
    case 'symbol':
      return { literal: value.value };
    case 'number':
      return { literal: value.value };
    case 'bool':
      return { literal: value.value };
    case 'nil':
      return { literal: null };
    case 'array':
      return value.items.length === 0 ? { sql: "'{}'" } : 'unknown';
    case 'keywords':
      return value.entries.length === 0 ? { sql: "'{}'" } : 'unknown';
    case 'lambda': {
      const body = /^["'](.*)["']$/s.exec(value.body)?.[1];
      return body !== undefined ? { sql: body } : 'unknown';
    }
    default:
      return 'unknown';
  }
}

/** Why a default is not translated: not a literal, or a date or time string Rails may or may not read. */
function notLiteralDefault(value: DslValue | undefined, type: string): string {
  return value?.kind === 'string' && !value.interpolated
    ? `Rails casts the default to :${type}, and the reader cannot tell whether it reads this string as one`
    : 'the default is not a literal';
}

/**
 * create_join_table's table: the two names in order, joined by `_`, a prefix they share written once
 * (ModelSchema.derive_join_table_name: web_hooks + web_hook_event_types → web_hook_event_types_hooks).
 */
function joinTableName(first: string, second: string): string {
  return [first, second]
    .sort()
    .join(' ')
    .replace(/^(.*_)(.+) \1(.+)/, '$1$2_$3')
    .replace(' ', '_');
}

/** A statement's source with the statements of its block. */
function subtreeText(node: DslNode): string {
  return [node.text, ...(node.children ?? []).map(subtreeText)].join('\n');
}

/**
 * The renames of rename_table or rename_column after the ALTER TABLE (or, `back`, their inverse). Rails renames the
 * sequence with ALTER TABLE, which PostgreSQL takes for a sequence too; ALTER SEQUENCE says the same plainly.
 */
function renameStatements(engine: ddl.DdlEngine, renames: [string, string, string][], back = false): string[] {
  return renames.map(([kind, from, to]) => {
    const [a, b] = back ? [to, from] : [from, to];
    return `ALTER ${kind} ${ddl.quote(engine, a)} RENAME TO ${ddl.quote(engine, b)}`;
  });
}

/** What change_column_null(t, c, false, default) runs first on PostgreSQL: the NULL rows get the default. */
function fillNulls(engine: ddl.DdlEngine, table: string, column: string, value: ddl.DefaultValue): string {
  const quoted = ddl.quote(engine, column);
  return `UPDATE ${ddl.quoteTable(engine, table)} SET ${quoted}=${ddl.defaultSql(engine, value)} WHERE ${quoted} IS NULL`;
}

/** Rails types whose values are cast from strings as ActiveModel's Date, DateTime and Time types do. */
const TIME_TYPES = new Set(['datetime', 'timestamp', 'timestamptz', 'date', 'time']);

/**
 * A string default of a date or time column, cast as Rails casts it: Date._parse finds no year (for a time, no hour)
 * in a string without a digit, so `'current_timestamp'` or `'now'` is nil, written DEFAULT NULL; an ISO date or time
 * is a value PostgreSQL reads the same, kept; PostgreSQL's adapter reads 'infinity' and '-infinity' as infinite
 * values ('Infinity'). Another string with digits may or may not parse: not translated.
 */
function castTimeDefault(text: string, type: string, engine?: ddl.DdlEngine): ddl.DefaultValue | 'unknown' {
  if (engine === 'postgresql' && type !== 'time' && (text === 'infinity' || text === '-infinity'))
    return { literal: text === 'infinity' ? 'Infinity' : '-Infinity' };
  if (!/\d/.test(text)) return { literal: null };
  const iso = type === 'time' ? /^\d\d:\d\d(:\d\d(\.\d+)?)?$/ : /^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?)?$/;
  return iso.test(text) ? { literal: text } : 'unknown';
}

const FK_ACTIONS: Record<string, string> = {
  cascade: 'CASCADE',
  nullify: 'SET NULL',
  restrict: 'RESTRICT',
  no_action: 'NO ACTION',
};

/** `connection.execute(…)` or `ActiveRecord::Base.connection.execute(…)`: group 1 is what precedes `execute`. */
const CONNECTION_EXECUTE = /^((?:ActiveRecord::Base\.)?connection\.)execute\b/;

/** Calls whose result a migration may keep in a variable (`x = execute "…"`): the call runs all the same. */
const ASSIGNED_CALLS = new Set(['execute', 'update', 'DB.exec']);
/**
 * Migration calls that write their arguments into SQL (an interpolation there makes the SQL unknown); other names
 * are either not translated at all or, like `say`, print their strings.
 */
const MIGRATION_VERB =
  /^(execute|update|DB\.exec|Migration::ColumnDropper\.execute_drop|add_\w+|remove_\w+|change_\w+|create_\w+|drop_\w+|rename_\w+|validate_\w+|enable_extension|disable_extension)$/;

class RailsTranslator {
  /** Line of a `raise ActiveRecord::IrreversibleMigration`, when the method raises it. */
  irreversibleAt: number | undefined;
  /** The literals of the method being read and of the class (what `#{name}` in its strings writes). */
  literals: Literals = new Map();
  /** The statements read are applied to the schema (off for calls that may not run, see bodyUnrecorded). */
  recording = false;
  /** Operations already applied to the schema. */
  private readonly recorded = new WeakSet<DslOperation>();
  /** The source of the class's helper methods and constants, by name: what a call the reader skips may run. */
  classTexts = new Map<string, string>();
  /** The Scenic view definitions of db/views, by file name. */
  viewDefinitions: ReadonlyMap<string, string> = new Map();
  /** The class's methods that take no arguments, by name: a bare call runs the method's body. */
  helperMethods = new Map<string, DslNode>();
  /** The helper methods being read, innermost last: a method that calls itself is not read again. */
  private readonly inlined: string[] = [];
  /** The blocks given to the helper methods being read (what their `yield` runs), innermost last. */
  private readonly blocks: DslNode[][] = [];

  constructor(
    readonly engine: ddl.DdlEngine,
    readonly out: DslTranslation,
    /** The class's `ActiveRecord::Migration[7.2]` version: it decides how long index names are shortened. */
    readonly migrationVersion?: number,
    /** The migration keeps Rails < 5.1's integer keys: serial primary keys, integer references. */
    readonly integerKeys = false,
    /** The `ActiveRecord::Migration[x.y]` version (0 unversioned), whose compatibility layer Rails applies. */
    readonly activeRecordVersion?: number,
    /** What the migrations read before this one (and this one so far) did to the database. */
    public schema: RailsSchema = new RailsSchema(),
  ) {}

  /** Translates a method body; `target` receives the operations (up list, or down list for `def down`). */
  body(nodes: DslNode[], target: DslOperation[], direction: 'change' | 'up' | 'down'): undefined {
    for (const node of nodes) {
      const errors = this.out.errors.length;
      try {
        this.statement(node, target, direction);
      } catch (error) {
        this.out.fail(node.line, node.text, error);
      }
      if (this.recording) this.record(target, node, errors);
    }
  }

  /**
   * What the statement just read runs, applied to the schema the reader keeps (see RailsSchema); a statement it could
   * not translate leaves the tables it may have changed in doubt.
   */
  private record(target: DslOperation[], node: DslNode, errors: number): void {
    this.applyNew(target);
    if (this.out.errors.length <= errors) return;
    const text = subtreeText(node);
    const helpers = [...this.classTexts]
      .filter(([name]) => new RegExp(`\\b${name}\\b`).test(text))
      .map(([, body]) => body)
      .join('\n');
    const call = /^(create_table|change_table)\b/.test(node.text) ? parseCall(node.text, 'ruby') : undefined;
    const only = call ? symbolOrString(call.args.positional[0]) : undefined;
    this.schema.untranslated(text, `${this.out.file}:${node.line} is not translated`, {
      ...(only ? { only } : {}),
      helpers,
    });
  }

  /** The operations of `target` not yet applied to the schema, applied. */
  private applyNew(target: DslOperation[]): void {
    for (const operation of target) {
      if (this.recorded.has(operation)) continue;
      this.recorded.add(operation);
      for (const sql of operation.up) this.schema.apply(sql);
    }
  }

  /** `body` with the schema left alone: calls that may not run now (the other direction of a reversible block). */
  private bodyUnrecorded(nodes: DslNode[], target: DslOperation[], direction: 'change' | 'up' | 'down'): void {
    const recording = this.recording;
    this.recording = false;
    try {
      this.body(nodes, target, direction);
    } finally {
      this.recording = recording;
    }
  }

  /**
   * The renames Rails' PostgreSQL adapter runs after renaming a table: the primary key index and, when it has the
   * default name, the id sequence (what pk_and_sequence_for finds), then each index whose name is the default name
   * for the old table (rename_table_indexes, in name order). Undefined when the reader does not know the table's
   * indexes: a note says what is missing.
   */
  private tableRenames(line: number, from: string, to: string): [kind: string, from: string, to: string][] | undefined {
    const known = this.knownTable(
      from,
      (why) =>
        `Line ${line}: rename_table also renames ${from}'s primary key index, its id sequence (when it has the default name) and its indexes with Rails' default names; the reader does not know ${from}'s (${why}), so those renames are not in the SQL.`,
    );
    if (!known) return undefined;
    const renames: [string, string, string][] = [];
    if (known.pk) {
      renames.push(['INDEX', `${from}_pkey`, `${to}_pkey`]);
      if (known.pk.sequence === `${from}_${known.pk.column}_seq`)
        renames.push(['SEQUENCE', known.pk.sequence, `${to}_${known.pk.column}_seq`]);
    }
    for (const [name, index] of byName(known.indexes)) {
      if (index.columns && name === railsIndexName(from, index.columns, this.migrationVersion))
        renames.push(['INDEX', name, railsIndexName(to, index.columns, this.migrationVersion)]);
    }
    return renames;
  }

  /**
   * The indexes Rails' rename_column renames: those of the table whose name is the default name for their columns
   * with the old column (rename_column_indexes, in name order). Undefined when the reader does not know them.
   */
  private columnRenames(line: number, table: string, from: string, to: string): [string, string, string][] | undefined {
    const known = this.knownTable(
      table,
      (why) =>
        `Line ${line}: rename_column also renames ${table}'s indexes on ${from} that have Rails' default names; the reader does not know ${table}'s indexes (${why}), so those renames are not in the SQL.`,
    );
    if (!known) return undefined;
    const renames: [string, string, string][] = [];
    for (const [name, index] of byName(known.indexes)) {
      if (index.columns?.includes(from) && name === railsIndexName(table, index.columns, this.migrationVersion)) {
        const columns = index.columns.map((column) => (column === from ? to : column));
        renames.push(['INDEX', name, railsIndexName(table, columns, this.migrationVersion)]);
      }
    }
    return renames;
  }

  /** The table as the reader's schema knows it; when it does not know it for sure, `note(why)` is said instead. */
  private knownTable(table: string, note: (why: string) => string) {
    const known = this.schema.tables.get(table);
    if (known && !known.uncertain) return known;
    this.out.notes.push(note(known?.uncertain ?? 'no migration it read creates the table'));
    return undefined;
  }

  private statement(node: DslNode, target: DslOperation[], direction: 'change' | 'up' | 'down'): undefined {
    if (direction === 'down' && /^raise\b/.test(node.text)) {
      target.push({ line: node.line, up: [], call: node.text });
      this.irreversibleAt = node.line;
      return;
    }
    // A guard (`if index_exists?(…)` block or `… unless column_exists?(…)` modifier) depends on the database:
    // the guarded calls are translated as if the guard let them run, and that assumption is noted.
    const block = /^(if|unless)\s+(.+)$/s.exec(node.text);
    if (block && node.children) {
      const branch = node.children.findIndex((child) => /^(else|elsif)\b/.test(child.text));
      // `if connection.adapter_name == "SQLServer"`: decided by the engine the migrations are read for.
      const adapter = adapterCondition(block[2] ?? '', this.engine);
      const hasElsif = node.children.some((child) => /^elsif\b/.test(child.text));
      if (adapter !== undefined && !hasElsif) {
        const taken = block[1] === 'unless' ? !adapter : adapter;
        const ifBranch = branch === -1 ? node.children : node.children.slice(0, branch);
        const elseBranch = branch === -1 ? [] : node.children.slice(branch + 1);
        return this.body(taken ? ifBranch : elseBranch, target, direction);
      }
      const guarded = (branch === -1 ? node.children : node.children.slice(0, branch)).map((child) => {
        const text = withExistenceGuard(child.text, block[1] as 'if' | 'unless', block[2] ?? '');
        return text === undefined ? child : { ...child, text };
      });
      this.out.notes.push(
        `Line ${node.line}: \`${block[1]} ${block[2]}\` depends on the database; read as if it lets the calls run${branch === -1 ? '' : ' (the else branch is not read)'}.`,
      );
      return this.body(guarded, target, direction);
    }
    if (node.text === 'begin' && node.children) return this.beginBlock(node, target, direction);
    // Discourse's SafeMigrate only switches its own check of the SQL on and off: nothing runs in the database.
    if (/^Migration::SafeMigrate\.(enable|disable)!$/.test(node.text)) return;
    const guardReturn = /^(return|next)\s+(if|unless)\s+(.+)$/s.exec(node.text);
    if (guardReturn) {
      this.out.notes.push(
        `Line ${node.line}: \`${guardReturn[1]} ${guardReturn[2]} ${guardReturn[3]}\` depends on the database or environment; read as if it does not return.`,
      );
      return;
    }
    const modifier = /^(if|unless)\b/.test(node.text) ? undefined : modifierOf(node.text);
    if (modifier && parseCall(modifier.statement, 'ruby')) {
      const { keyword, condition } = modifier;
      // `add_index … unless index_exists?(…)` runs only when the index is absent: that is IF NOT EXISTS.
      const guarded = withExistenceGuard(modifier.statement, keyword, condition);
      this.out.notes.push(
        guarded === undefined
          ? `Line ${node.line}: \`${keyword} ${condition}\` depends on the database; read as if it lets the call run.`
          : `Line ${node.line}: \`${keyword} ${condition}\` is read as IF ${keyword === 'unless' ? 'NOT ' : ''}EXISTS.`,
      );
      return this.statement({ ...node, text: guarded ?? modifier.statement }, target, direction);
    }
    const unknown = (why = 'this call is not translated'): undefined =>
      this.out.unknown(node.line, node.text, why, 'Check this change by hand, or write it as `execute "<SQL>"`.');
    const assignment = assignmentOf(node.text);
    if (assignment) {
      // A literal bound to a name runs nothing (its value is what `#{name}` writes); `x = execute "…"` (or
      // `rows += DB.exec "…"`) runs the call.
      if (literalValue(assignment.value) && (assignment.operator === '' || assignment.operator === '||')) return;
      const called = parseCall(assignment.value, 'ruby')?.name;
      if (called && ASSIGNED_CALLS.has(called))
        return this.statement({ ...node, text: assignment.value }, target, direction);
      return unknown();
    }
    if (node.text === 'yield' && this.blocks.length > 0) return this.yieldBlock(target, direction);
    const own = /^(\w+[!?]?)(?:\(\))?$/.exec(node.text)?.[1];
    const method = own === undefined ? undefined : this.helperMethods.get(own);
    if (own && method && !this.inlined.includes(own)) return this.helperBody(own, method, node, target, direction);
    // The migration's execute passes its SQL to connection.execute: called directly, it runs the same SQL.
    const onConnection = CONNECTION_EXECUTE.exec(node.text);
    if (onConnection)
      return this.statement({ ...node, text: node.text.slice(onConnection[1]!.length) }, target, direction);
    // A helper of the project's own namespace: `Migration::ColumnDropper.execute_drop(:t, [:c])`.
    const helper = /^((?:[A-Z]\w*::)+[A-Z]\w*\.\w+[!?]?)(?=[\s(]|$)/.exec(node.text);
    const parsed = helper
      ? (() => {
          const rest = parseCall(`helper${node.text.slice(helper[1]!.length)}`, 'ruby');
          return rest ? { ...rest, name: helper[1]! } : undefined;
        })()
      : parseCall(/^(create|update)_view\b/.test(node.text) ? withDefinitionReference(node.text) : node.text, 'ruby');
    if (!parsed) return unknown('this statement is not a migration call the reader understands');
    const call = { ...parsed, args: resolveArgs(parsed.args, this.literals) };
    const { name, args } = call;
    const interpolation = MIGRATION_VERB.test(name) ? unresolvedInterpolation(args) : undefined;
    if (interpolation)
      return unknown(
        `${interpolation} interpolates a value that is not a literal of the file, so the SQL is not known`,
      );
    const a = args.positional;
    const k = args.keywords;
    const push = (up: string[], down: string[] | undefined): undefined => {
      target.push({ line: node.line, up, call: node.text, ...(down ? { down } : {}) });
    };
    const e = this.engine;
    const table = symbolOrString(a[0]);
    if (SCENIC_CALLS.has(name)) {
      const view = scenicStatements(name, args, this.viewDefinitions, e);
      return 'unknown' in view ? unknown(view.unknown) : push(view.up, view.down);
    }
    switch (name) {
      case 'create_table':
      case 'create_join_table':
        return this.createTable(node, call.name, args, target);
      case 'change_table':
        if (!table || !node.children) return unknown();
        return this.changeTable(table, node.children, target, direction, truthy(k.get('bulk')) ? node : undefined);
      case 'drop_table': {
        if (!table) return unknown();
        const up = [
          ddl.dropTable(e, table, {
            ifExists: truthy(k.get('if_exists')),
            cascade: symbolOrString(k.get('force')) === 'cascade',
          }),
        ];
        // With a block, drop_table knows the table it would recreate.
        if (node.children) {
          const recreate: DslOperation[] = [];
          this.createTable(node, 'create_table', args, recreate);
          return push(
            up,
            recreate.flatMap((operation) => operation.up),
          );
        }
        return push(up, undefined);
      }
      case 'create_enum':
      case 'drop_enum': {
        const values = a[1]?.kind === 'array' ? a[1].items.map(symbolOrString) : undefined;
        if (!table || e !== 'postgresql') return unknown();
        const drop = `DROP TYPE ${truthy(k.get('if_exists')) ? 'IF EXISTS ' : ''}${ddl.quote(e, table)}`;
        if (!values || values.some((value) => value === undefined)) {
          return name === 'drop_enum' ? push([drop], undefined) : unknown('the enum values are not literal');
        }
        const create = `CREATE TYPE ${ddl.quote(e, table)} AS ENUM (${(values as string[]).map((value) => ddl.stringLiteral(e, value)).join(', ')})`;
        return name === 'create_enum' ? push([create], [drop]) : push([drop], [create]);
      }
      case 'rename_index': {
        const from = symbolOrString(a[1]);
        const to = symbolOrString(a[2]);
        if (!table || !from || !to) return unknown();
        const rename = (a: string, b: string) =>
          e === 'mysql'
            ? `ALTER TABLE ${ddl.quoteTable(e, table)} RENAME INDEX ${ddl.quote(e, a)} TO ${ddl.quote(e, b)}`
            : `ALTER INDEX ${ddl.quote(e, a)} RENAME TO ${ddl.quote(e, b)}`;
        if (e === 'sqlite') return unknown('SQLite cannot rename an index');
        return push([rename(from, to)], [rename(to, from)]);
      }
      case 'rename_table': {
        const to = symbolOrString(a[1]);
        if (!table || !to) return unknown();
        const renames = e === 'postgresql' ? this.tableRenames(node.line, table, to) : undefined;
        const tooLong = renames?.find(([, , name]) => Buffer.byteLength(name) > 63);
        if (tooLong)
          return unknown(`Rails refuses to rename index ${tooLong[1]} to ${tooLong[2]}, a name over 63 characters`);
        return push(
          [ddl.renameTable(e, table, to), ...renameStatements(e, renames ?? [])],
          [ddl.renameTable(e, to, table), ...renameStatements(e, renames ?? [], true)],
        );
      }
      case 'add_column': {
        const column = symbolOrString(a[1]);
        const type = symbolOrString(a[2]);
        if (!table || !column || !type) return unknown();
        const spec = this.column(node, column, type, args, { named: true, written: writtenType(a[2]) });
        if (!spec) return;
        return push(
          [ddl.addColumn(e, table, spec, truthy(k.get('if_not_exists')))],
          [ddl.dropColumn(e, table, column)],
        );
      }
      case 'remove_column':
      case 'remove_columns': {
        if (!table) return unknown();
        const columns = a.slice(1).map(symbolOrString);
        if (columns.some((column) => column === undefined) || !columns.length) return unknown();
        const typeGiven = symbolOrString(a[2]);
        // remove_column(table, column, type = nil, **options): the third argument is a type, a Rails one or the
        // database's own (`:int`). Only Rails 3 took a list of columns there.
        const oldStyleList =
          typeGiven !== undefined &&
          !columnType(e, typeGiven, { positional: [], keywords: new Map() }) &&
          !NATIVE_TYPE_NAMES[e].has(typeGiven.toLowerCase());
        if (name === 'remove_column' && a.length >= 3 && !oldStyleList) {
          const type = symbolOrString(a[2]);
          const spec = type ? this.column(node, columns[0]!, type, args) : undefined;
          const up = [ddl.dropColumn(e, table, columns[0]!, truthy(k.get('if_exists')))];
          return push(up, spec ? [ddl.addColumn(e, table, spec)] : undefined);
        }
        return push(
          columns.map((column) => ddl.dropColumn(e, table, column!, truthy(k.get('if_exists')))),
          undefined,
        );
      }
      case 'rename_column': {
        const from = symbolOrString(a[1]);
        const to = symbolOrString(a[2]);
        if (!table || !from || !to) return unknown();
        const renames = e === 'postgresql' ? this.columnRenames(node.line, table, from, to) : undefined;
        const tooLong = renames?.find(([, , name]) => Buffer.byteLength(name) > 63);
        if (tooLong)
          return unknown(`Rails refuses to rename index ${tooLong[1]} to ${tooLong[2]}, a name over 63 characters`);
        return push(
          [ddl.renameColumn(e, table, from, to), ...renameStatements(e, renames ?? [])],
          [ddl.renameColumn(e, table, to, from), ...renameStatements(e, renames ?? [], true)],
        );
      }
      case 'change_column': {
        const column = symbolOrString(a[1]);
        const type = symbolOrString(a[2]);
        if (!table || !column || !type) return unknown();
        const sqlType = columnType(e, type, args) ?? customType(e, type) ?? writtenType(a[2]);
        if (!sqlType) return unknown(`column type :${type} is not translated`);
        const using = k.get('using');
        if (using && using.kind !== 'string') return unknown('using: is not a literal string');
        const value = defaultOf(k.get('default'), type, e);
        if (value === 'unknown') return unknown(notLiteralDefault(k.get('default'), type));
        if (e === 'postgresql') return push(this.changeColumnPostgres(table, column, sqlType, k, value), undefined);
        const up = [ddl.changeType(e, table, column, sqlType, using?.value)];
        if (k.has('null')) up.push(ddl.setNotNull(e, table, column, !truthy(k.get('null')), sqlType));
        if (value) up.push(ddl.setDefault(e, table, column, value));
        return push(up, undefined);
      }
      case 'change_column_null': {
        const column = symbolOrString(a[1]);
        if (!table || !column || a[2]?.kind !== 'bool') return unknown();
        const notNull = !a[2].value;
        const up: string[] = [];
        if (notNull && a[3] !== undefined && a[3].kind !== 'nil') {
          const fill = defaultOf(a[3]);
          if (!fill || fill === 'unknown') return unknown('the fill value is not a literal');
          up.push(fillNulls(e, table, column, fill));
        }
        up.push(ddl.setNotNull(e, table, column, notNull));
        return push(up, [ddl.setNotNull(e, table, column, !notNull)]);
      }
      case 'change_column_default': {
        const column = symbolOrString(a[1]);
        if (!table || !column) return unknown();
        const options = a[2]?.kind === 'keywords' ? new Map(a[2].entries) : k;
        if (options.has('to') || options.has('from')) {
          const to = defaultOf(options.get('to'));
          const from = defaultOf(options.get('from'));
          if (to === 'unknown' || from === 'unknown') return unknown('the default is not a literal');
          const sql = (value: ddl.DefaultValue | undefined) =>
            ddl.setDefault(e, table, column, value && 'literal' in value && value.literal === null ? undefined : value);
          return push([sql(to)], [sql(from)]);
        }
        const value = defaultOf(a[2]);
        if (value === 'unknown') return unknown('the default is not a literal');
        return push(
          [ddl.setDefault(e, table, column, value && 'literal' in value && value.literal === null ? undefined : value)],
          undefined,
        );
      }
      case 'add_index': {
        const columns = names(a[1]) ?? (a[1]?.kind === 'string' ? [a[1].value] : undefined);
        if (!table || !columns) return unknown();
        const index = this.index(table, columns, k);
        return push(
          [ddl.createIndex(e, index)],
          [ddl.dropIndex(e, table, index.name, { concurrently: index.concurrently ?? false })],
        );
      }
      case 'remove_index': {
        if (!table) return unknown();
        const columns = names(a[1]) ?? names(k.get('column'));
        const indexName =
          symbolOrString(k.get('name')) ?? (columns ? this.index(table, columns, new Map()).name : undefined);
        if (!indexName) return unknown();
        const concurrently = symbolOrString(k.get('algorithm')) === 'concurrently';
        const up = [ddl.dropIndex(e, table, indexName, { concurrently, ifExists: truthy(k.get('if_exists')) })];
        return push(
          up,
          columns ? [ddl.createIndex(e, { ...this.index(table, columns, k), name: indexName })] : undefined,
        );
      }
      case 'add_reference':
      case 'add_belongs_to': {
        const reference = symbolOrString(a[1]);
        if (!table || !reference) return unknown();
        const operations = this.reference(node, table, reference, args);
        if (!operations) return;
        return push(operations.up, operations.down);
      }
      case 'remove_reference':
      case 'remove_belongs_to': {
        const reference = symbolOrString(a[1]);
        if (!table || !reference) return unknown();
        const operations = this.reference(node, table, reference, args);
        if (!operations) return;
        return push([...operations.down], operations.up);
      }
      case 'add_foreign_key': {
        const to = symbolOrString(a[1]);
        if (!table || !to) return unknown();
        const column = symbolOrString(k.get('column')) ?? `${singular(to)}_id`;
        const fkName = symbolOrString(k.get('name')) ?? ddl.railsForeignKeyName(table, column);
        const sql = ddl.addForeignKey(e, table, [column], {
          table: to,
          columns: [symbolOrString(k.get('primary_key')) ?? 'id'],
          name: fkName,
          ...(FK_ACTIONS[symbolOrString(k.get('on_delete')) ?? '']
            ? { onDelete: FK_ACTIONS[symbolOrString(k.get('on_delete'))!] }
            : {}),
          ...(FK_ACTIONS[symbolOrString(k.get('on_update')) ?? '']
            ? { onUpdate: FK_ACTIONS[symbolOrString(k.get('on_update'))!] }
            : {}),
          ...(k.get('validate')?.kind === 'bool' && !truthy(k.get('validate')) ? { validate: false } : {}),
        });
        return push([sql], [ddl.dropConstraint(e, table, fkName, 'foreign')]);
      }
      case 'remove_foreign_key': {
        if (!table) return unknown();
        const to = symbolOrString(a[1]);
        const column = symbolOrString(k.get('column')) ?? (to ? `${singular(to)}_id` : undefined);
        const fkName = symbolOrString(k.get('name')) ?? (column ? ddl.railsForeignKeyName(table, column) : undefined);
        if (!fkName) return unknown();
        return push([ddl.dropConstraint(e, table, fkName, 'foreign')], undefined);
      }
      case 'validate_foreign_key': {
        const to = symbolOrString(a[1]);
        const fkName =
          symbolOrString(k.get('name')) ??
          (table && to ? ddl.railsForeignKeyName(table, `${singular(to)}_id`) : undefined);
        if (!table || !fkName) return unknown();
        return push([`ALTER TABLE ${ddl.quoteTable(e, table)} VALIDATE CONSTRAINT ${ddl.quote(e, fkName)}`], []);
      }
      case 'add_check_constraint': {
        const expression = a[1]?.kind === 'string' ? a[1].value : undefined;
        const checkName = symbolOrString(k.get('name'));
        if (!table || !expression || !checkName)
          return unknown('add_check_constraint without a literal expression and name:');
        // validate: false → NOT VALID: the rows are checked by a later validate_check_constraint.
        const validated = !(k.get('validate')?.kind === 'bool' && !truthy(k.get('validate')));
        return push(
          [ddl.addCheck(e, table, checkName, expression, validated)],
          [ddl.dropConstraint(e, table, checkName, 'check')],
        );
      }
      case 'remove_check_constraint': {
        // remove_check_constraint :t, 'expr', name: 'x' (the expression, when given, recreates it on the way down).
        const expression = a[1]?.kind === 'string' ? a[1].value : undefined;
        const checkName = symbolOrString(k.get('name'));
        if (!table || !checkName) return unknown('remove_check_constraint without a literal name:');
        return push(
          [ddl.dropConstraint(e, table, checkName, 'check', truthy(k.get('if_exists')))],
          expression ? [ddl.addCheck(e, table, checkName, expression)] : undefined,
        );
      }
      case 'add_timestamps':
      case 'remove_timestamps': {
        if (!table) return unknown();
        const value = defaultOf(k.get('default'), 'datetime', e);
        if (value === 'unknown') return unknown(notLiteralDefault(k.get('default'), 'datetime'));
        const columns = ['created_at', 'updated_at'].map((column) => ({
          name: column,
          type: columnType(e, 'datetime', args) ?? 'timestamp',
          nullable: k.has('null') ? truthy(k.get('null')) : false,
          ...(value ? { default: value } : {}),
        }));
        const add = columns.map((column) => ddl.addColumn(e, table, column));
        const drop = columns.map((column) => ddl.dropColumn(e, table, column.name));
        return name === 'add_timestamps' ? push(add, drop) : push(drop, add);
      }
      case 'enable_extension':
      case 'disable_extension': {
        const extension = symbolOrString(a[0]);
        if (!extension) return unknown();
        const create = `CREATE EXTENSION IF NOT EXISTS ${ddl.quote(e, extension)}`;
        const drop = `DROP EXTENSION IF EXISTS ${ddl.quote(e, extension)}`;
        return name === 'enable_extension' ? push([create], [drop]) : push([drop], [create]);
      }
      case 'execute':
      // ActiveRecord's update(sql, name = nil) runs the SQL as execute does.
      case 'update':
      // Discourse's MiniSql connection: DB.exec(sql) runs the SQL as it is; parameters are written in at run time.
      case 'DB.exec': {
        if (a[0]?.kind !== 'string' || a[0].interpolated)
          return unknown(`${name} with SQL that is not a literal string`);
        if (name === 'DB.exec' && (a.length > 1 || k.size > 0))
          return unknown('DB.exec with parameters: MiniSql writes their values into the SQL at run time');
        if (name === 'update' && (k.size > 0 || a.length > 2 || (a[1] !== undefined && a[1].kind !== 'string')))
          return unknown();
        return push([a[0].value.trim().replace(/;\s*$/, '')], undefined);
      }
      case 'Migration::ColumnDropper.execute_drop': {
        // Discourse: for each column, drop_readonly (its read-only trigger function, in the discourse_functions
        // schema when that exists, and the one an older version put in public), then the column itself.
        const columns = names(a[1]);
        if (!table || !columns) return unknown('execute_drop without a literal table and columns');
        return push(
          columns.flatMap((column) => {
            const fn = `raise_${table}_${column}_readonly()`;
            return [
              `DROP FUNCTION IF EXISTS discourse_functions.${fn} CASCADE`,
              `DROP FUNCTION IF EXISTS ${fn} CASCADE`,
              `ALTER TABLE ${table} DROP COLUMN IF EXISTS ${column}`,
            ];
          }),
          undefined,
        );
      }
      case 'reversible':
        return this.reversible(node, target, direction);
      case 'up_only':
        if (call.block !== undefined)
          return this.body(
            parseDslTree(call.block, 'ruby', node.line),
            target,
            direction === 'change' ? 'up' : direction,
          );
        if (node.children) {
          const inner: DslOperation[] = [];
          this.bodyUnrecorded(node.children, inner, 'up');
          for (const operation of inner) target.push({ ...operation, down: [] });
          return;
        }
        return unknown();
      case 'say_with_time':
      case 'suppress_messages':
      case 'safety_assured':
      case 'revert':
        if (name === 'revert') return unknown('revert of another migration is not translated');
        if (node.children) return this.body(node.children, target, direction);
        if (call.block !== undefined) return this.body(parseDslTree(call.block, 'ruby', node.line), target, direction);
        return unknown();
      case 'validate_check_constraint': {
        const checkName = symbolOrString(k.get('name'));
        if (!table || !checkName) return unknown('validate_check_constraint without a literal name:');
        return push([`ALTER TABLE ${ddl.quoteTable(e, table)} VALIDATE CONSTRAINT ${ddl.quote(e, checkName)}`], []);
      }
      case 'say':
        return;
      default:
        return unknown();
    }
  }

  /**
   * change_column on PostgreSQL. From Rails 5.2 the adapter sends one ALTER TABLE: the new type (COLLATE, USING),
   * then `default:` (SET DEFAULT, or DROP DEFAULT for nil), then `null:` (SET or DROP NOT NULL). Migrations of 5.1 and
   * older keep the statements of Rails 5.1: the type change alone, then change_column_default, then
   * change_column_null, which with `null: false` and a default first fills the NULL rows with it (an UPDATE). Rails 4
   * (an unversioned migration) skipped the default when it was nil with `null: false`.
   */
  private changeColumnPostgres(
    table: string,
    column: string,
    sqlType: string,
    k: Map<string, DslValue>,
    value: ddl.DefaultValue | undefined,
  ): string[] {
    const e = this.engine;
    const quoted = ddl.quote(e, column);
    const collation = symbolOrString(k.get('collation'));
    const using = k.get('using');
    const type = `ALTER COLUMN ${quoted} TYPE ${sqlType}${collation ? ` COLLATE "${collation}"` : ''}${using?.kind === 'string' ? ` USING ${using.value}` : ''}`;
    // Rails tests the default as written: a value that casts to nil (a date string it cannot read) is SET DEFAULT NULL.
    const isNil = k.get('default') === undefined || k.get('default')?.kind === 'nil' || value === undefined;
    const nullValue = k.get('null');
    const withDefault =
      k.has('default') && !(this.activeRecordVersion === 0 && nullValue?.kind === 'bool' && !nullValue.value && isNil);
    const defaultClause = withDefault
      ? `ALTER COLUMN ${quoted} ${isNil ? 'DROP DEFAULT' : `SET DEFAULT ${ddl.defaultSql(e, value!)}`}`
      : undefined;
    const nullClause = k.has('null')
      ? `ALTER COLUMN ${quoted} ${truthy(nullValue) ? 'DROP' : 'SET'} NOT NULL`
      : undefined;
    const alter = `ALTER TABLE ${ddl.quoteTable(e, table)} `;
    if (this.activeRecordVersion === undefined || this.activeRecordVersion >= 5.2)
      return [`${alter}${[type, defaultClause, nullClause].filter(Boolean).join(', ')}`];
    const fill = nullClause !== undefined && !truthy(nullValue) && !isNil ? [fillNulls(e, table, column, value!)] : [];
    return [
      `${alter}${type}`,
      ...(defaultClause ? [`${alter}${defaultClause}`] : []),
      ...fill,
      ...(nullClause ? [`${alter}${nullClause}`] : []),
    ];
  }

  /**
   * `begin … end` around migration calls: its body runs, then its `else` part, then its `ensure` part; a `rescue`
   * part runs only when the body raises, so it is not read (and that is noted). `begin … end until/while …` is a
   * loop whose body runs an unknown number of times: not translated.
   */
  /** A call of one of the class's own argument-less methods: its body, read as a begin block (a def may rescue). */
  private helperBody(
    name: string,
    method: DslNode,
    call: DslNode,
    target: DslOperation[],
    direction: 'change' | 'up' | 'down',
  ): undefined {
    this.out.notes.push(`Line ${call.line}: ${name} is read from its definition (line ${method.line}).`);
    this.inlined.push(name);
    this.blocks.push(call.children ?? []);
    try {
      return this.methodBody(method, target, direction);
    } finally {
      this.inlined.pop();
      this.blocks.pop();
    }
  }

  /** `yield` in a helper method: the block its caller gave, read where the caller wrote it. */
  private yieldBlock(target: DslOperation[], direction: 'change' | 'up' | 'down'): undefined {
    const block = this.blocks.pop() ?? [];
    try {
      return this.body(block, target, direction);
    } finally {
      this.blocks.push(block);
    }
  }

  /** A method's body, which may end in `rescue` as a begin block does. */
  methodBody(method: DslNode, target: DslOperation[], direction: 'change' | 'up' | 'down'): undefined {
    return this.beginBlock({ text: 'begin', line: method.line, children: method.children ?? [] }, target, direction);
  }

  private beginBlock(node: DslNode, target: DslOperation[], direction: 'change' | 'up' | 'down'): undefined {
    if (node.after !== undefined)
      return this.out.unknown(
        node.line,
        `begin … end ${node.after}`,
        'a begin … end loop runs its body an unknown number of times',
        'Check this loop by hand.',
      );
    const parts: { kind: string; nodes: DslNode[] }[] = [{ kind: 'begin', nodes: [] }];
    for (const child of node.children ?? []) {
      const marker = /^(rescue|else|ensure)\b/.exec(child.text)?.[1];
      if (marker && !child.children) parts.push({ kind: marker, nodes: [] });
      else parts[parts.length - 1]!.nodes.push(child);
    }
    if (parts.some((part) => part.kind === 'rescue'))
      this.out.notes.push(
        `Line ${node.line}: begin … rescue is read as if nothing raises: the rescue part is not read.`,
      );
    for (const kind of ['begin', 'else', 'ensure'])
      for (const part of parts) if (part.kind === kind) this.body(part.nodes, target, direction);
  }

  private reversible(node: DslNode, target: DslOperation[], direction: 'change' | 'up' | 'down'): undefined {
    const parameter = node.params ?? 'dir';
    const up: DslOperation[] = [];
    const down: DslOperation[] = [];
    for (const child of node.children ?? []) {
      const call = parseCall(child.text, 'ruby');
      const which = call?.name === `${parameter}.up` ? up : call?.name === `${parameter}.down` ? down : undefined;
      if (!call || !which) {
        this.out.unknown(
          child.line,
          child.text,
          `only ${parameter}.up / ${parameter}.down belong in reversible`,
          'Move other calls out of the reversible block.',
        );
        continue;
      }
      const body = call.block !== undefined ? parseDslTree(call.block, 'ruby', child.line) : (child.children ?? []);
      this.bodyUnrecorded(body, which, 'up');
    }
    const chosen = direction === 'down' ? down : up;
    const other = direction === 'down' ? up : down;
    target.push({
      line: node.line,
      up: chosen.flatMap((operation) => operation.up),
      down: other.flatMap((operation) => operation.up),
      call: node.text,
    });
  }

  /**
   * A column of `type` (a Rails type, `enum` with `enum_type:`, or `virtual` with `as:` and `stored: true`).
   * `named`: the type was given as the type argument (`add_column :t, :c, :user_role`), where PostgreSQL takes a
   * type Rails does not know by its name, as Rails does; `written`, such a type given as SQL (see writtenType).
   */
  private column(
    node: DslNode,
    name: string,
    type: string,
    args: DslArgs,
    { named = false, written }: { named?: boolean; written?: string } = {},
  ): ddl.ColumnSpec | undefined {
    if (type === 'virtual') return this.generatedColumn(node, name, args);
    // A :primary_key column: PostgreSQL's native bigserial primary key; Migration[5.0] and older make it an integer
    // primary key, which the adapter writes as serial.
    if (type === 'primary_key' && this.engine === 'postgresql')
      return { name, type: this.integerKeys ? 'serial' : 'bigserial', primaryKey: true };
    const sizing = ['limit', 'precision', 'scale'].find(
      (key) =>
        args.keywords.has(key) && args.keywords.get(key)?.kind !== 'number' && args.keywords.get(key)?.kind !== 'nil',
    );
    if (sizing) {
      this.out.unknown(node.line, node.text, `${sizing}: is not a literal number`, 'Check this column by hand.');
      return undefined;
    }
    const sqlType =
      columnType(this.engine, type, args) ??
      (NATIVE_TYPE_NAMES[this.engine].has(type.toLowerCase()) ? type.toLowerCase() : undefined) ??
      (named ? customType(this.engine, type) : undefined) ??
      written;
    if (!sqlType) {
      this.out.unknown(
        node.line,
        node.text,
        `column type :${type} is not translated for ${this.engine}`,
        'Check this column by hand.',
      );
      return undefined;
    }
    const value = defaultOf(args.keywords.get('default'), type, this.engine);
    if (value === 'unknown') {
      this.out.unknown(
        node.line,
        node.text,
        notLiteralDefault(args.keywords.get('default'), type),
        'Check this column by hand.',
      );
      return undefined;
    }
    return {
      name,
      type: sqlType,
      ...(args.keywords.has('null') ? { nullable: truthy(args.keywords.get('null')) } : {}),
      ...(value ? { default: value } : {}),
    };
  }

  /** `t.virtual :total, type: :decimal, as: "price * qty", stored: true` → a stored generated column. */
  private generatedColumn(node: DslNode, name: string, args: DslArgs): ddl.ColumnSpec | undefined {
    const innerType = symbolOrString(args.keywords.get('type'));
    const expression = args.keywords.get('as');
    const sqlType = innerType ? columnType(this.engine, innerType, args) : undefined;
    if (!sqlType || expression?.kind !== 'string' || expression.interpolated || !truthy(args.keywords.get('stored'))) {
      this.out.unknown(
        node.line,
        node.text,
        'a virtual column is translated when it gives type:, a literal as: and stored: true',
        'Check this column by hand.',
      );
      return undefined;
    }
    const nullable = args.keywords.has('null') && !truthy(args.keywords.get('null')) ? ' NOT NULL' : '';
    return {
      name,
      type: sqlType,
      raw: `${ddl.quote(this.engine, name)} ${sqlType} GENERATED ALWAYS AS (${expression.value.trim()}) STORED${nullable}`,
    };
  }

  /**
   * add_index's index. A column string with a non-word character is an expression, written as it is and named after
   * its words (`'lower(name)'` → index_tags_on_lower_name); named columns get their `opclass:` (PostgreSQL) and
   * `order:` (`:desc` for every column, or `{ created_at: :desc }`), upper-cased, as Rails appends them.
   */
  private index(table: string, columns: string[], k: Map<string, DslValue>): ddl.IndexSpec {
    const where = k.get('where');
    const e = this.engine;
    const expression = columns.length === 1 && /\W/.test(columns[0]!) ? columns[0]! : undefined;
    const perColumn = (option: DslValue | undefined, column: string): string | undefined =>
      option?.kind === 'keywords'
        ? symbolOrString(option.entries.find(([name]) => name === column)?.[1])
        : symbolOrString(option);
    const written = expression
      ? [expression]
      : columns.map((column) => {
          const opclass = e === 'postgresql' ? perColumn(k.get('opclass'), column) : undefined;
          const order = perColumn(k.get('order'), column);
          if (!opclass && !order) return column;
          return `${ddl.quote(e, column)}${opclass ? ` ${opclass}` : ''}${order ? ` ${order.toUpperCase()}` : ''}`;
        });
    const nameColumns = expression ? [(expression.match(/\w+/g) ?? []).join('_')] : columns;
    return {
      table,
      columns: written,
      name: symbolOrString(k.get('name')) ?? railsIndexName(table, nameColumns, this.migrationVersion),
      unique: truthy(k.get('unique')),
      concurrently: symbolOrString(k.get('algorithm')) === 'concurrently',
      ...(where?.kind === 'string' ? { where: where.value } : {}),
      ...(symbolOrString(k.get('using')) ? { using: symbolOrString(k.get('using'))! } : {}),
      ifNotExists: truthy(k.get('if_not_exists')),
    };
  }

  /** `add_reference :orders, :user, foreign_key: true, index: true`: the column, its index and foreign key. */
  private reference(
    node: DslNode,
    table: string,
    reference: string,
    args: DslArgs,
  ): { up: string[]; down: string[] } | undefined {
    const e = this.engine;
    const k = args.keywords;
    const polymorphic = truthy(k.get('polymorphic'));
    const type = symbolOrString(k.get('type')) ?? (this.integerKeys ? 'integer' : 'bigint');
    const sqlType = columnType(e, type, { positional: [], keywords: new Map() });
    if (!sqlType) {
      this.out.unknown(
        node.line,
        node.text,
        `reference type :${type} is not translated`,
        'Check this reference by hand.',
      );
      return undefined;
    }
    const column = `${reference}_id`;
    const nullable = k.has('null') ? truthy(k.get('null')) : undefined;
    const up = [
      ddl.addColumn(e, table, { name: column, type: sqlType, ...(nullable !== undefined ? { nullable } : {}) }),
    ];
    const down: string[] = [];
    if (polymorphic)
      up.push(ddl.addColumn(e, table, { name: `${reference}_type`, type: columnType(e, 'string', args)! }));
    const indexOption = k.get('index');
    // Migration[4.2] keeps Rails 4's references without an index unless `index:` asks for one.
    const legacy = this.activeRecordVersion !== undefined && this.activeRecordVersion < 5;
    if (indexOption === undefined ? !legacy : truthy(indexOption)) {
      const columns = polymorphic ? [`${reference}_type`, column] : [column];
      const options = indexOption?.kind === 'keywords' ? new Map(indexOption.entries) : new Map<string, DslValue>();
      const index = this.index(table, columns, options);
      up.push(ddl.createIndex(e, index));
      down.push(ddl.dropIndex(e, table, index.name, { concurrently: index.concurrently ?? false }));
    }
    const foreignKey = k.get('foreign_key');
    if (truthy(foreignKey) && !polymorphic) {
      const options = foreignKey?.kind === 'keywords' ? new Map(foreignKey.entries) : new Map<string, DslValue>();
      const to = symbolOrString(options.get('to_table')) ?? plural(reference);
      const fkName = symbolOrString(options.get('name')) ?? ddl.railsForeignKeyName(table, column);
      const onDelete = FK_ACTIONS[symbolOrString(options.get('on_delete')) ?? ''];
      up.push(
        ddl.addForeignKey(e, table, [column], {
          table: to,
          columns: [symbolOrString(options.get('primary_key')) ?? 'id'],
          name: fkName,
          ...(onDelete ? { onDelete } : {}),
        }),
      );
      down.unshift(ddl.dropConstraint(e, table, fkName, 'foreign'));
    }
    down.push(ddl.dropColumn(e, table, column));
    if (polymorphic) down.push(ddl.dropColumn(e, table, `${reference}_type`));
    return { up, down };
  }

  private createTable(node: DslNode, name: string, args: DslArgs, target: DslOperation[]): undefined {
    const e = this.engine;
    const k = args.keywords;
    let table = symbolOrString(args.positional[0]);
    if (name === 'create_join_table') {
      const [first, second] = [symbolOrString(args.positional[0]), symbolOrString(args.positional[1])];
      if (!first || !second)
        return this.out.unknown(
          node.line,
          node.text,
          'create_join_table needs two table names',
          'Check this table by hand.',
        );
      table = symbolOrString(k.get('table_name')) ?? joinTableName(first, second);
    }
    if (!table)
      return this.out.unknown(node.line, node.text, 'the table name is not a literal', 'Check this table by hand.');
    const columns: ddl.ColumnSpec[] = [];
    const after: { sql: string; line: number }[] = [];
    const idOption = k.get('id');
    if (name === 'create_join_table') {
      for (const other of [symbolOrString(args.positional[0])!, symbolOrString(args.positional[1])!]) {
        columns.push({ name: `${singular(other)}_id`, type: this.integerKeys ? 'integer' : 'bigint', nullable: false });
      }
    } else if (!(idOption?.kind === 'bool' && !idOption.value)) {
      const pk = symbolOrString(k.get('primary_key')) ?? 'id';
      const idType = symbolOrString(idOption) ?? 'primary_key';
      if (idType === 'uuid') {
        columns.push({
          name: pk,
          type: columnType(e, 'uuid', args)!,
          primaryKey: true,
          nullable: false,
          ...(e === 'postgresql' ? { default: { sql: 'gen_random_uuid()' } } : {}),
        });
      } else if (
        idType === 'primary_key' ||
        idType === 'bigint' ||
        idType === 'integer' ||
        idType === 'bigserial' ||
        idType === 'serial'
      ) {
        const small = idType === 'integer' || idType === 'serial' || (idType === 'primary_key' && this.integerKeys);
        const type =
          e === 'postgresql'
            ? small
              ? 'serial'
              : 'bigserial'
            : e === 'mysql'
              ? `${small ? 'int' : 'bigint'} NOT NULL AUTO_INCREMENT`
              : 'integer';
        columns.push({
          name: pk,
          type: e === 'sqlite' ? 'integer' : type,
          primaryKey: true,
          ...(e === 'sqlite' ? {} : {}),
        });
      } else {
        const type = columnType(e, idType, args);
        if (!type)
          return this.out.unknown(
            node.line,
            node.text,
            `primary key type :${idType} is not translated`,
            'Check this table by hand.',
          );
        columns.push({ name: pk, type, primaryKey: true });
      }
    }
    const parameter = node.params ?? 't';
    for (const child of node.children ?? []) {
      try {
        this.tableColumn(child, parameter, table, columns, after);
      } catch (error) {
        this.out.fail(child.line, child.text, error);
      }
    }
    const up: string[] = [];
    if (symbolOrString(k.get('force')) === 'cascade' || truthy(k.get('force'))) {
      up.push(ddl.dropTable(e, table, { ifExists: true, cascade: symbolOrString(k.get('force')) === 'cascade' }));
    }
    const options = k.get('options');
    up.push(
      ddl.createTable(e, table, columns, {
        ifNotExists: truthy(k.get('if_not_exists')),
        ...(options?.kind === 'string' && e === 'mysql' ? { suffix: options.value } : {}),
      }),
    );
    target.push({ line: node.line, up, down: [ddl.dropTable(e, table)], call: node.text });
    // Indexes and foreign keys of the table follow it, at their own lines; dropping the table drops them.
    for (const statement of after)
      target.push({ line: statement.line, up: [statement.sql], down: [], call: node.text });
  }

  /** One `t.<type> :name, …` (or t.references, t.timestamps, t.index) inside create_table. */
  private tableColumn(
    child: DslNode,
    parameter: string,
    table: string,
    columns: ddl.ColumnSpec[],
    after: { sql: string; line: number }[],
  ): undefined {
    const call = parseCall(child.text, 'ruby');
    const method = call?.name.startsWith(`${parameter}.`) ? call.name.slice(parameter.length + 1) : undefined;
    if (!call || !method) {
      this.out.unknown(
        child.line,
        child.text,
        `expected ${parameter}.<type> inside create_table`,
        'Check this column by hand.',
      );
      return;
    }
    const args = resolveArgs(call.args, this.literals);
    const interpolation = unresolvedInterpolation(args);
    if (interpolation) {
      this.out.unknown(
        child.line,
        child.text,
        `${interpolation} interpolates a value that is not a literal of the file, so the SQL is not known`,
        'Check this column by hand.',
      );
      return;
    }
    const e = this.engine;
    if (method === 'timestamps') {
      const type = columnType(e, 'datetime', args)!;
      const nullable = args.keywords.has('null') ? truthy(args.keywords.get('null')) : false;
      columns.push({ name: 'created_at', type, nullable }, { name: 'updated_at', type, nullable });
      return;
    }
    if (method === 'index') {
      const list = names(args.positional[0]);
      if (!list)
        return this.out.unknown(
          child.line,
          child.text,
          'the index columns are not literals',
          'Check this index by hand.',
        );
      after.push({ sql: ddl.createIndex(e, this.index(table, list, args.keywords)), line: child.line });
      return;
    }
    if (method === 'foreign_key') {
      // t.foreign_key :blobs, column: :blob_id → add_foreign_key after the table exists.
      const operations: DslOperation[] = [];
      const rest = child.text.replace(/^\w+\.foreign_key\s*\(?/, '').replace(/\)$/, '');
      this.statement({ text: `add_foreign_key :${table}, ${rest}`, line: child.line }, operations, 'up');
      for (const operation of operations) for (const sql of operation.up) after.push({ sql, line: child.line });
      return;
    }
    if (method === 'check_constraint') {
      const expression = args.positional[0];
      const checkName = symbolOrString(args.keywords.get('name')) ?? `chk_rails_${table}`;
      if (expression?.kind !== 'string')
        return this.out.unknown(
          child.line,
          child.text,
          'the check expression is not a literal',
          'Check this constraint by hand.',
        );
      after.push({ sql: ddl.addCheck(e, table, checkName, expression.value), line: child.line });
      return;
    }
    if (method === 'references' || method === 'belongs_to') {
      for (const value of args.positional) {
        const reference = symbolOrString(value);
        if (!reference) continue;
        const operations = this.reference(child, table, reference, args);
        if (!operations) return;
        // The column goes into CREATE TABLE; the index and foreign key follow it.
        for (const sql of operations.up) {
          const added = /^ALTER TABLE \S+ ADD COLUMN (.*)$/s.exec(sql);
          if (added) columns.push({ name: '', type: '', raw: added[1]! });
          else after.push({ sql, line: child.line });
        }
      }
      return;
    }
    const type = method === 'column' ? symbolOrString(args.positional[1]) : method;
    const columnNames = (method === 'column' ? args.positional.slice(0, 1) : args.positional).map(symbolOrString);
    if (!type || columnNames.some((name) => name === undefined) || !columnNames.length) {
      this.out.unknown(
        child.line,
        child.text,
        'the column is not written with literal names',
        'Check this column by hand.',
      );
      return;
    }
    for (const name of columnNames as string[]) {
      const spec = this.column(child, name, type, args);
      if (!spec) return;
      columns.push(spec);
      const index = args.keywords.get('index');
      if (truthy(index)) {
        const options = index?.kind === 'keywords' ? new Map(index.entries) : new Map<string, DslValue>();
        after.push({ sql: ddl.createIndex(e, this.index(table, [name], options)), line: child.line });
      }
    }
  }

  private changeTable(
    table: string,
    children: DslNode[],
    target: DslOperation[],
    direction: 'change' | 'up' | 'down',
    /** The `change_table …, bulk: true` call: its column changes go to the database as one ALTER TABLE. */
    bulk?: DslNode,
  ): undefined {
    const first = target.length;
    this.changeTableCalls(table, children, target, direction);
    // SQLite's adapter cannot alter in bulk: Rails sends the statements one by one there.
    if (bulk && this.engine !== 'sqlite' && target.length - first > 1) {
      const operation = bulkOperation(target.splice(first), this.engine, table, bulk);
      // Its parts were applied to the schema one by one.
      if (this.recording) this.recorded.add(operation);
      target.push(operation);
    }
  }

  private changeTableCalls(
    table: string,
    children: DslNode[],
    target: DslOperation[],
    direction: 'change' | 'up' | 'down',
  ): void {
    for (const child of children) {
      const call = parseCall(child.text, 'ruby');
      const method = call?.name.replace(/^\w+\./, '');
      if (!call || !method) {
        this.out.unknown(child.line, child.text, 'not a change_table call', 'Check this change by hand.');
        continue;
      }
      // t.<type> :col → add_column; t.remove → remove_column; t.rename → rename_column; t.index → add_index …
      const rest = child.text
        .replace(/^\w+\.\w+[?!]?\s*\(?/, '')
        .replace(/\)$/, '')
        .trimStart();
      const prefix = `:${table}, `;
      const translated: Record<string, string> = {
        remove: 'remove_columns',
        rename: 'rename_column',
        index: 'add_index',
        remove_index: 'remove_index',
        references: 'add_reference',
        belongs_to: 'add_reference',
        remove_references: 'remove_reference',
        timestamps: 'add_timestamps',
        remove_timestamps: 'remove_timestamps',
        change: 'change_column',
        change_default: 'change_column_default',
        change_null: 'change_column_null',
        column: 'add_column',
        check_constraint: 'add_check_constraint',
        remove_check_constraint: 'remove_check_constraint',
        foreign_key: 'add_foreign_key',
      };
      const rewritten = translated[method]
        ? `${translated[method]} ${prefix}${rest}`
        : method === 'enum' ||
            method === 'virtual' ||
            columnType(this.engine, method, { positional: [], keywords: new Map() })
          ? `add_column ${prefix}${rest.replace(/^(:\w+)/, `$1, :${method}`)}`
          : undefined;
      if (!rewritten) {
        this.out.unknown(
          child.line,
          child.text,
          'this change_table call is not translated',
          'Check this change by hand.',
        );
        continue;
      }
      try {
        this.statement({ text: rewritten.replace(/,\s*$/, ''), line: child.line }, target, direction);
      } catch (error) {
        this.out.fail(child.line, child.text, error);
      }
      // The next call sees this one's change: a rename_column finds the indexes Rails would find by then.
      if (this.recording) this.applyNew(target);
    }
  }
}

/**
 * A `bulk: true` block's operations as Rails runs them: its ALTER TABLE statements of the table, one after
 * another, joined into one (Rails' bulk_change_table), other statements (indexes) and renames kept apart. The
 * down is the operations' downs in reverse order, or none when one of them cannot be reversed.
 */
function bulkOperation(operations: DslOperation[], engine: ddl.DdlEngine, table: string, node: DslNode): DslOperation {
  const prefix = `ALTER TABLE ${ddl.quoteTable(engine, table)} `;
  const joinable = (sql: string) => sql.startsWith(prefix) && !/^RENAME\b/i.test(sql.slice(prefix.length));
  const up: string[] = [];
  for (const sql of operations.flatMap((operation) => operation.up)) {
    const last = up[up.length - 1];
    if (last !== undefined && joinable(last) && joinable(sql))
      up[up.length - 1] = `${last}, ${sql.slice(prefix.length)}`;
    else up.push(sql);
  }
  const reversible = operations.every((operation) => operation.down !== undefined);
  return {
    line: operations[0]?.line ?? node.line,
    up,
    ...(reversible ? { down: [...operations].reverse().flatMap((operation) => operation.down ?? []) } : {}),
    call: node.text,
  };
}

/** Calls an existence guard turns into IF NOT EXISTS (run when absent) or IF EXISTS (run when present). */
const GUARDED_OPTION: Record<string, 'if_not_exists' | 'if_exists'> = {
  add_index: 'if_not_exists',
  add_column: 'if_not_exists',
  create_table: 'if_not_exists',
  remove_index: 'if_exists',
  remove_column: 'if_exists',
  drop_table: 'if_exists',
};

/**
 * The call with the IF [NOT] EXISTS option an existence guard amounts to: `unless index_exists?(…)` before an
 * add_index, `if column_exists?(…)` before a remove_column. Undefined when the guard is not such a test or the
 * call does not take the option it would need.
 */
function withExistenceGuard(call: string, keyword: 'if' | 'unless', condition: string): string | undefined {
  const test = /^\s*(!\s*)?(?:\w+\.)?(?:index|index_name|column|table)_exists\?/.exec(condition);
  const name = /^(\w+)/.exec(call)?.[1];
  if (!test || !name) return undefined;
  const runsWhenPresent = (keyword === 'if') !== Boolean(test[1]);
  const option = GUARDED_OPTION[name];
  if (option !== (runsWhenPresent ? 'if_exists' : 'if_not_exists')) return undefined;
  if (/\b(if_exists|if_not_exists):/.test(call)) return call;
  const parenthesised = /^(\w+)\((.*)\)$/s.exec(call.trim());
  return parenthesised
    ? `${parenthesised[1]}(${parenthesised[2]}, ${option}: true)`
    : `${call.trimEnd()}, ${option}: true`;
}

function engineOfDatabaseYml(text: string): Engine | undefined {
  const adapter = /^\s*adapter:\s*["']?(\w+)/m.exec(text)?.[1];
  if (!adapter) return undefined;
  if (/postg|postgis/.test(adapter)) return 'postgresql';
  if (/mysql|trilogy/.test(adapter)) return 'mysql';
  if (/sqlite/.test(adapter)) return 'sqlite';
  return undefined;
}

/**
 * Rails: `db/migrate/<timestamp>_<name>.rb`, read statically. `change` calls get a derived down (their inverse
 * in reverse order) unless one is irreversible; `up`/`down` methods are read as written. Each migration runs in a
 * transaction on PostgreSQL and SQLite unless the class says `disable_ddl_transaction!`.
 */
export const rails: FormatReader = {
  format: 'rails',
  priority: 12,
  tool: 'rails',
  label: 'Rails',
  scan: scanRails,
  async read(context) {
    const yml =
      (await readText(path.join(context.root, 'config', 'database.yml'))) ??
      (await readText(path.join(context.root, 'config', 'database.yml.sample'))) ??
      '';
    const declared = engineOfDatabaseYml(yml);
    const engine = context.engine ?? declared ?? 'postgresql';
    const result: FormatRead = { migrations: [], errors: [], engine };
    if (!context.engine && !declared) {
      result.notes = ['No engine given and config/database.yml names no adapter: translated for PostgreSQL.'];
    }
    const alongside = postDeploymentFolders(relativeToRoot(context.root, context.directory)).map((folder) =>
      path.join(context.root, folder),
    );
    // The tables and indexes the migrations make, read in version order (the earlier ones too when one is checked).
    const schema = new RailsSchema();
    const viewDefinitions = await scenicDefinitions(context.root);
    return readDslFolder(
      context,
      result,
      'rails',
      FILE,
      ({ source, translation }) => {
        const tree = parseDslTree(source, 'ruby');
        const klass = tree.find((node) => /^class\s/.test(node.text));
        const members = klass?.children ?? [];
        const translator = new RailsTranslator(
          ddl.ddlEngine(engine),
          translation,
          migrationVersionOf(klass?.text),
          integerKeysOf(klass?.text),
          activeRecordVersionOf(klass?.text),
          schema,
        );
        translator.viewDefinitions = viewDefinitions;
        const method = (methodName: string) =>
          members.find((node) => new RegExp(`^def\\s+(self\\.)?${methodName}\\b`).test(node.text));
        const change = method('change');
        const upMethod = method('up');
        const downMethod = method('down');
        const transactional =
          !members.some((node) => node.text === 'disable_ddl_transaction!') &&
          engine !== 'mysql' &&
          engine !== 'mariadb';
        if (!klass) {
          translation.unknown(
            1,
            source.trim().split('\n')[0] ?? '',
            'no migration class found',
            'A Rails migration defines `class X < ActiveRecord::Migration[…]`.',
          );
        }
        // The class's constants bound to literals, then each method's own literals (what `#{name}` writes).
        const constants = literalsOf(members.filter((node) => /^[A-Z]\w*\s*(\|\|)?=[^=]/.test(node.text)));
        for (const member of members) {
          const named = /^(?:def\s+(?:self\.)?(\w+[!?]?)|([A-Z]\w*)\s*(?:\|\|)?=[^=])/.exec(member.text);
          const name = named?.[1] ?? named?.[2];
          if (name && !['up', 'down', 'change'].includes(name)) translator.classTexts.set(name, subtreeText(member));
          const helper = /^def\s+(\w+[!?]?)\s*(?:\(\s*\))?$/.exec(member.text)?.[1];
          if (helper && member.children && !['up', 'down', 'change'].includes(helper))
            translator.helperMethods.set(helper, member);
        }
        const read = (methodNode: DslNode, target: DslOperation[], direction: 'change' | 'up' | 'down') => {
          translator.literals = literalsOf(methodNode.children ?? [], constants);
          // `def down` runs only on a rollback, after up: it reads (and changes) a copy of the schema as up left it.
          translator.schema = direction === 'down' ? schema.copy() : schema;
          translator.recording = true;
          translator.methodBody(methodNode, target, direction);
        };
        if (change) read(change, translation.up, 'change');
        else if (upMethod) {
          read(upMethod, translation.up, 'up');
          if (downMethod) {
            read(downMethod, translation.down, 'down');
            if (translator.irreversibleAt !== undefined) {
              translation.down.length = 0;
              translation.notes.push(`down raises (line ${translator.irreversibleAt}): irreversible by design.`);
            }
          }
        } else if (klass) {
          translation.unknown(
            klass.line,
            klass.text,
            'the class defines neither change nor up',
            'Define `def change` or `def up` / `def down`.',
          );
        }
        for (const member of members) {
          if (member === change || member === upMethod || member === downMethod) continue;
          // Constants (`COLUMNS = %i[…]`), nested model classes (`class User < ApplicationRecord`), `include` of
          // helper modules and visibility keywords define things and run no SQL by themselves; a call that uses
          // one is reported where it is.
          if (
            member.text === 'disable_ddl_transaction!' ||
            /^def\s/.test(member.text) ||
            /^[A-Z]\w*\s*(\|\|)?=[^=]/.test(member.text) ||
            /^(class|module)\s+[A-Z]/.test(member.text) ||
            /^include\s+[A-Z][\w:]*$/.test(member.text) ||
            /^(private|protected|public)$/.test(member.text)
          ) {
            continue;
          }
          translation.unknown(
            member.line,
            member.text,
            'this class-level call is not translated',
            'Check what it does by hand.',
          );
        }
        if (!transactional && engine !== 'mysql' && engine !== 'mariadb')
          translation.notes.push('disable_ddl_transaction!: runs outside a transaction.');
        else if (engine === 'mysql' || engine === 'mariadb')
          translation.notes.push(
            'MySQL commits each DDL statement implicitly: no transaction protects this migration.',
          );
        return { transactional, mode: change ? 'change' : 'up-down' };
      },
      alongside,
      true,
    );
  },
};

/** detect_setup: `db/migrate/*.rb` with Rails migration classes. */
export function scanRails(context: PackageContext): MigrationScan[] {
  return scanDslFolders(
    context,
    'rails',
    /(^|\/)db\/migrate$/,
    FILE,
    (text) => ({
      hasDown: /^\s*def\s+down\b/m.test(text) || /^\s*def\s+change\b/m.test(text),
      transactional: !/disable_ddl_transaction!/.test(text),
    }),
    {
      naming: 'YYYYMMDDHHMMSS_name',
      extension: '.rb',
      moduleStyle: 'ruby',
      transaction:
        'per migration on PostgreSQL and SQLite (opt out with disable_ddl_transaction!); MySQL DDL commits implicitly',
    },
    postDeploymentFolders,
  );
}

/**
 * db/post_migrate beside db/migrate: post-deployment migrations (GitLab's and Mastodon's convention), which their
 * configuration adds to Rails' migration paths, so db:migrate applies both folders in one version order.
 */
function postDeploymentFolders(dir: string): string[] {
  return [joinRelative(dirOf(dir), 'post_migrate')];
}

/** Map entries in name order. */
function byName<T>(entries: ReadonlyMap<string, T>): Array<[string, T]> {
  return [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
