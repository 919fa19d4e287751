import * as ddl from './ddl.js';
import { type DslValue, symbolOrString } from './dsl-source.js';
import { columnType, defaultOf, type TableRef, truthy, tupleItems } from './ecto-types.js';

/**
 * An `alter table(…) do … end` block as Ecto's PostgreSQL adapter runs it (ecto_sql 3.13,
 * Ecto.Adapters.Postgres.Connection): Ecto.Migration queues each add/modify/remove of the block as one change, and
 * execute_ddl({:alter, table, changes}) writes ONE `ALTER TABLE "t" <change>, <change>, …` with the primary key of
 * the changes appended (`, ADD PRIMARY KEY (…)`), then COMMENT ON statements for the table and its columns.
 */

/** One queued change, as Ecto.Migration.Runner keeps it: `{:add, column, type, opts}`, `{:remove, column}` … */
export interface EctoChange {
  action: 'add' | 'add_if_not_exists' | 'modify' | 'remove' | 'remove_if_exists';
  column: string;
  /** Absent for `remove :c` and `remove_if_exists :c`. */
  type?: DslValue;
  /** Absent for the changes Ecto queues without options (`remove :c`, `remove_if_exists :c[, type]`). */
  opts?: Map<string, DslValue>;
}

/** A change the reader cannot write as Ecto would: reported at its line as untranslated. */
export class NotTranslated extends Error {}

const quote = (name: string) => ddl.quote('postgresql', name);
/** Ecto's quote_names: joined by a bare comma. */
const quoteNames = (names: string[]) => names.map(quote).join(',');

type Call = Extract<DslValue, { kind: 'call' }>;

function referenceOf(type: DslValue | undefined): Call | undefined {
  return type?.kind === 'call' && type.name === 'references' ? type : undefined;
}

/** `references(…)` or `{references(…), opts}` (a modify's from:): the reference whose constraint Ecto drops. */
function fromReference(from: DslValue | undefined): Call | undefined {
  return referenceOf(from) ?? referenceOf(tupleItems(from)?.positional[0]);
}

function referenceName(ref: Call, table: TableRef, column: string): string {
  return quote(symbolOrString(ref.args.keywords.get('name')) ?? `${table.bare}_${column}_fkey`);
}

/** Ecto's reference_column_type: the key's serial types become the integer type they hold. */
function referenceColumnType(ref: Call, opts: Map<string, DslValue>): string {
  const type = ref.args.keywords.get('type');
  const name = type === undefined ? 'bigserial' : symbolOrString(type);
  if (name === 'serial') return 'integer';
  if (name === 'bigserial' || name === 'identity') return 'bigint';
  return typeOf(type, opts);
}

function typeOf(type: DslValue | undefined, opts: Map<string, DslValue>): string {
  const sql = columnType('postgresql', type, opts);
  if (!sql) throw new NotTranslated('the column type is not translated');
  return sql;
}

const ON_DELETE: Record<string, string> = {
  nilify_all: ' ON DELETE SET NULL',
  default_all: ' ON DELETE SET DEFAULT',
  delete_all: ' ON DELETE CASCADE',
  restrict: ' ON DELETE RESTRICT',
  nothing: '',
};
const ON_UPDATE: Record<string, string> = {
  nilify_all: ' ON UPDATE SET NULL',
  update_all: ' ON UPDATE CASCADE',
  restrict: ' ON UPDATE RESTRICT',
  nothing: '',
};
const MATCH: Record<string, string> = { full: ' MATCH FULL', simple: ' MATCH SIMPLE', partial: ' MATCH PARTIAL' };

function onDelete(value: DslValue | undefined): string {
  if (value === undefined) return '';
  const atom = symbolOrString(value);
  if (atom !== undefined && ON_DELETE[atom] !== undefined) return ON_DELETE[atom];
  // {:nilify, [:a, :b]} / {:default, [:a]}: only those columns.
  const [action, columns] = tupleItems(value)?.positional ?? [];
  const names = columns?.kind === 'array' ? columns.items.map(symbolOrString).filter((name) => name !== undefined) : [];
  const what =
    symbolOrString(action) === 'nilify' ? 'SET NULL' : symbolOrString(action) === 'default' ? 'SET DEFAULT' : '';
  if (!what || names.length === 0) throw new NotTranslated('on_delete: is not one Ecto takes');
  return ` ON DELETE ${what} (${quoteNames(names)})`;
}

function option(table: Record<string, string>, value: DslValue | undefined, what: string): string {
  if (value === undefined || value.kind === 'nil') return '';
  const sql = table[symbolOrString(value) ?? ''];
  if (sql === undefined) throw new NotTranslated(`${what} is not one Ecto takes`);
  return sql;
}

/** Ecto's reference_expr: `CONSTRAINT "t_c_fkey" FOREIGN KEY ("c") REFERENCES "other"("id") …`. */
function referenceExpr(ref: Call, table: TableRef, column: string): string {
  const k = ref.args.keywords;
  const target = symbolOrString(ref.args.positional[0]);
  if (!target) throw new NotTranslated('the referenced table is not a literal');
  const prefix = symbolOrString(k.get('prefix')) ?? table.prefix;
  const pairs: [string, string][] = [[column, symbolOrString(k.get('column')) ?? 'id']];
  const withColumns = k.get('with');
  if (withColumns?.kind === 'keywords') {
    for (const [local, remote] of withColumns.entries) {
      const name = symbolOrString(remote);
      if (!name) throw new NotTranslated('with: names columns that are not literals');
      pairs.push([local, name]);
    }
  } else if (withColumns !== undefined) throw new NotTranslated('with: is not a literal keyword list');
  return [
    `CONSTRAINT ${referenceName(ref, table, column)} FOREIGN KEY (${quoteNames(pairs.map(([local]) => local))})`,
    ` REFERENCES ${prefix ? `${quote(prefix)}.` : ''}${quote(target)}(${quoteNames(pairs.map(([, remote]) => remote))})`,
    option(MATCH, k.get('match'), 'match:'),
    onDelete(k.get('on_delete')),
    option(ON_UPDATE, k.get('on_update'), 'on_update:'),
    k.get('validate')?.kind === 'bool' && !truthy(k.get('validate')) ? ' NOT VALID' : '',
  ].join('');
}

/** ` DEFAULT …` for the column's type (a list for an array column becomes `ARRAY[…]::type[]`). */
function defaultExpr(value: DslValue, type: DslValue | undefined): string {
  const sql = defaultOf('postgresql', value, type);
  if (sql === 'unknown' || sql === undefined)
    throw new NotTranslated('the default is not a literal, a list for an array column or fragment("…")');
  return ` DEFAULT ${ddl.defaultSql('postgresql', sql)}`;
}

function collation(opts: Map<string, DslValue>): string {
  if (!opts.has('collation')) return '';
  const name = symbolOrString(opts.get('collation'));
  if (name === undefined) throw new NotTranslated('collation: is not a literal');
  return ` COLLATE ${quote(name)}`;
}

/** Ecto's column_options for an added column: default, then NULL / NOT NULL, then the collation. */
function columnOptions(type: DslValue | undefined, opts: Map<string, DslValue>): string {
  const allowsNull = nullable(opts);
  return [
    opts.has('default') ? defaultExpr(opts.get('default')!, type) : '',
    allowsNull === undefined ? '' : allowsNull ? ' NULL' : ' NOT NULL',
    collation(opts),
  ].join('');
}

/** null: true or false; nil or none leaves nullability alone; anything else cannot be written. */
function nullable(opts: Map<string, DslValue>): boolean | undefined {
  const value = opts.get('null');
  if (value === undefined || value.kind === 'nil') return undefined;
  if (value.kind === 'bool') return value.value;
  throw new NotTranslated('null: is not true or false');
}

/** One change as Ecto's column_change writes it, subcommands of the block's ALTER TABLE. */
export function alterSubcommand(table: TableRef, change: EctoChange): string {
  const column = quote(change.column);
  const opts = change.opts ?? new Map<string, DslValue>();
  const ref = referenceOf(change.type);
  switch (change.action) {
    case 'add':
    case 'add_if_not_exists': {
      const head = `ADD COLUMN ${change.action === 'add_if_not_exists' ? 'IF NOT EXISTS ' : ''}${column} `;
      if (ref)
        return `${head}${referenceColumnType(ref, opts)}${columnOptions(ref.args.keywords.get('type'), opts)}, ADD ${referenceExpr(ref, table, change.column)}`;
      return `${head}${typeOf(change.type, opts)}${columnOptions(change.type, opts)}`;
    }
    case 'modify': {
      const from = fromReference(opts.get('from'));
      const allowsNull = nullable(opts);
      return [
        from ? `DROP CONSTRAINT ${referenceName(from, table, change.column)}, ` : '',
        `ALTER COLUMN ${column} TYPE ${ref ? referenceColumnType(ref, opts) : typeOf(change.type, opts)}`,
        ref ? `, ADD ${referenceExpr(ref, table, change.column)}` : '',
        allowsNull === undefined ? '' : `, ALTER COLUMN ${column} ${allowsNull ? 'DROP' : 'SET'} NOT NULL`,
        opts.has('default')
          ? `, ALTER COLUMN ${column} SET${defaultExpr(opts.get('default')!, ref ? ref.args.keywords.get('type') : change.type)}`
          : '',
        collation(opts),
      ].join('');
    }
    case 'remove':
      return `${ref ? `DROP CONSTRAINT ${referenceName(ref, table, change.column)}, ` : ''}DROP COLUMN ${column}`;
    case 'remove_if_exists':
      return `${ref ? `DROP CONSTRAINT IF EXISTS ${referenceName(ref, table, change.column)}, ` : ''}DROP COLUMN IF EXISTS ${column}`;
  }
}

/**
 * The statements Ecto runs for the block: the ALTER TABLE, with `, ADD PRIMARY KEY (…)` for the changes marked
 * primary_key: (Ecto's pk_definition, removals aside), then the table's and the columns' comments.
 */
export function alterStatements(table: TableRef, changes: EctoChange[]): string[] {
  const name = ddl.quoteTable('postgresql', table.name);
  const keys = changes
    .filter((change) => change.opts && change.action !== 'remove' && truthy(change.opts.get('primary_key')))
    .map((change) => change.column);
  const comment = (on: string, value: DslValue | undefined) => {
    if (value === undefined || value.kind === 'nil') return [];
    const text = symbolOrString(value);
    if (text === undefined) throw new NotTranslated('comment: is not a literal');
    return [`COMMENT ON ${on} IS ${ddl.stringLiteral('postgresql', text)}`];
  };
  return [
    `ALTER TABLE ${name} ${changes.map((change) => alterSubcommand(table, change)).join(', ')}${keys.length ? `, ADD PRIMARY KEY (${quoteNames(keys)})` : ''}`,
    ...comment(`TABLE ${name}`, table.options.get('comment')),
    ...changes
      .filter((change) => change.opts && change.action !== 'remove')
      .flatMap((change) => comment(`COLUMN ${name}.${quote(change.column)}`, change.opts!.get('comment'))),
  ];
}

/**
 * The block Ecto's runner runs to undo `changes` (table_reverse): in reverse order, an add becomes a remove, a
 * remove with its type an add, a modify with from: the modify back (a from: `{type, opts}` gives the options to
 * restore). Undefined when one change has no inverse (remove without a type, modify without from:, the
 * if-(not-)exists forms): rolling back raises.
 */
export function reverseChanges(changes: EctoChange[]): EctoChange[] | undefined {
  const reversed: EctoChange[] = [];
  for (const change of changes) {
    const { column, type, opts } = change;
    if (change.action === 'add')
      reversed.unshift({ action: 'remove', column, ...(type ? { type } : {}), opts: new Map() });
    else if (change.action === 'remove' && type && opts) reversed.unshift({ action: 'add', column, type, opts });
    else if (change.action === 'modify' && type && opts) {
      const from = opts.get('from');
      if (from === undefined || from.kind === 'nil') return undefined;
      const split = typeWithOptions(from);
      // The modify back drops the constraint of the reference it undoes (Ecto's from: on the reversed change).
      const back = new Map(split ? split.opts : opts);
      back.set('from', type);
      reversed.unshift({ action: 'modify', column, type: split ? split.type : from, opts: back });
    } else return undefined;
  }
  return reversed;
}

/** A from: `{type, opts}` (Ecto: a 2-tuple whose second element is a keyword list); undefined for a bare type. */
function typeWithOptions(from: DslValue): { type: DslValue; opts: Map<string, DslValue> } | undefined {
  const items = tupleItems(from);
  if (!items) return undefined;
  const [type, second] = items.positional;
  if (!type) return undefined;
  if (items.positional.length === 1) return { type, opts: items.keywords };
  const empty = (second?.kind === 'array' && second.items.length === 0) || second?.kind === 'keywords';
  if (items.positional.length === 2 && empty && items.keywords.size === 0)
    return { type, opts: new Map(second.kind === 'keywords' ? second.entries : []) };
  return undefined;
}
