import path from 'node:path';
import type { Engine } from '../../model.js';
import type { PackageContext } from '../../project/context.js';
import type { MigrationScan } from '../../project/migrations.js';
import { relativeToRoot } from '../../root.js';
import { listEntries, readText, selected } from '../files.js';
import type { FormatRead, FormatReader, ReadContext } from '../types.js';
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
import { alterStatements, alterSubcommand, type EctoChange, NotTranslated, reverseChanges } from './ecto-alter.js';
import { columnType, defaultOf, ON_DELETE, type TableRef, tableOf, truthy, tupleItems } from './ecto-types.js';

/**
 * `.exs` scripts in priv/<repo>/migrations; `.ex` modules where the migrations are compiled with the app. Ecto's
 * migrator takes any `<integer>_<anything>.exs` (Integer.parse of the root name, then "_" and the name), so the
 * name may hold hyphens (plausible's 20230406110926_associate-goals-with-sites.exs).
 */
const FILE = /^(\d+)_(.*)\.exs?$/;

class EctoTranslator {
  constructor(
    readonly engine: ddl.DdlEngine,
    readonly out: DslTranslation,
  ) {}

  /** Module attributes bound to a literal (`@new_index unique_index(…)`), by name. */
  readonly attributes = new Map<string, DslValue>();
  /** Variables of the method being read bound to a literal (`create_query = "CREATE TYPE …"`), by name. */
  private bindings = new Map<string, DslValue>();

  /** A module attribute (`@name value`): kept when its value is a literal, to stand for `@name` where it is used. */
  attribute(text: string): undefined {
    const attribute = /^@([a-z_]\w*)\s+([\s\S]+)$/.exec(text);
    const value = attribute ? this.literal(attribute[2]!) : undefined;
    if (value) this.attributes.set(attribute![1]!, value);
  }

  /** The literal value `text` is, with the attributes and variables it names replaced by theirs. */
  private literal(text: string): DslValue | undefined {
    const args = parseCall(`value(${text})`, 'elixir')?.args;
    if (args?.positional.length !== 1 || args.keywords.size > 0) return undefined;
    const value = this.resolve(args.positional[0]!);
    return isLiteral(value) ? value : undefined;
  }

  /** `value` with each `@attribute` and bound variable replaced by its literal. */
  private resolve(value: DslValue): DslValue {
    switch (value.kind) {
      case 'raw': {
        const attribute = /^@([a-z_]\w*)$/.exec(value.text);
        return (attribute && this.attributes.get(attribute[1]!)) || value;
      }
      case 'call': {
        const bound = this.bindings.get(value.name);
        if (bound && value.args.positional.length === 0 && value.args.keywords.size === 0) return bound;
        return { ...value, args: this.resolveArgs(value.args) };
      }
      case 'array':
        return { kind: 'array', items: value.items.map((item) => this.resolve(item)) };
      case 'keywords':
        return { kind: 'keywords', entries: value.entries.map(([key, entry]) => [key, this.resolve(entry)]) };
      default:
        return value;
    }
  }

  private resolveArgs(args: DslArgs): DslArgs {
    return {
      positional: args.positional.map((value) => this.resolve(value)),
      keywords: new Map([...args.keywords].map(([key, value]) => [key, this.resolve(value)])),
    };
  }

  /** The call `text` makes, its arguments resolved. */
  private parse(text: string): ReturnType<typeof parseCall> {
    const call = parseCall(text, 'elixir');
    return call && { ...call, args: this.resolveArgs(call.args) };
  }

  body(nodes: DslNode[], target: DslOperation[]): undefined {
    this.bindings = new Map();
    for (const node of nodes) {
      try {
        this.statement(node, target);
      } catch (error) {
        this.out.fail(node.line, node.text, error);
      }
    }
  }

  /** Line of a `raise` in the method being read (the "irreversible" idiom in `down`). */
  raisedAt: number | undefined;

  private statement(node: DslNode, target: DslOperation[]): undefined {
    if (/^raise\b/.test(node.text)) {
      this.raisedAt = node.line;
      return;
    }
    const unknown = (why = 'this call is not translated'): undefined =>
      this.out.unknown(node.line, node.text, why, 'Check this change by hand, or write it as `execute "<SQL>"`.');
    const assignment = /^([a-z_]\w*)\s*=(?![=~>])\s*([\s\S]+)$/.exec(node.text);
    if (assignment) {
      // A variable bound to a literal runs nothing: its uses below are read with its value.
      const value = this.literal(assignment[2]!);
      if (!value) return unknown('the variable is not bound to a literal value');
      this.bindings.set(assignment[1]!, value);
      return;
    }
    const call = this.parse(node.text);
    if (!call) return unknown('this statement is not a migration call the reader understands');
    const push = (up: string[], down: string[] | undefined): undefined => {
      target.push({ line: node.line, up, call: node.text, ...(down ? { down } : {}) });
    };
    const e = this.engine;
    const [first, second] = call.args.positional;
    switch (call.name) {
      case 'create':
      case 'create_if_not_exists': {
        const ifNotExists = call.name === 'create_if_not_exists';
        const table = tableOf(first);
        if (table) return this.createTable(node, table, ifNotExists, push);
        if (first?.kind === 'call' && (first.name === 'index' || first.name === 'unique_index')) {
          const index = this.index(first);
          if (!index) return unknown('the index is not written with literal names');
          return push(
            [ddl.createIndex(e, { ...index, ...(ifNotExists ? { ifNotExists } : {}) })],
            [
              ddl.dropIndex(e, index.table, index.name, {
                concurrently: index.concurrently ?? false,
                ...(ifNotExists ? { ifExists: true } : {}),
                ...(index.schema ? { schema: index.schema } : {}),
              }),
            ],
          );
        }
        if (first?.kind === 'call' && first.name === 'constraint') {
          const table = symbolOrString(first.args.positional[0]);
          const name = symbolOrString(first.args.positional[1]);
          const check = first.args.keywords.get('check');
          if (!table || !name || check?.kind !== 'string')
            return unknown('only check constraints with a literal check: are translated');
          return push([ddl.addCheck(e, table, name, check.value)], [ddl.dropConstraint(e, table, name, 'check')]);
        }
        return unknown();
      }
      case 'alter': {
        const table = tableOf(first);
        if (!table || !node.children) return unknown();
        if (e === 'postgresql') return this.alterPostgres(node, table, target);
        return this.alter(table.name, node.children, target);
      }
      case 'drop':
      case 'drop_if_exists': {
        const ifExists = call.name === 'drop_if_exists';
        const table = tableOf(first);
        if (table)
          return push(
            [
              ddl.dropTable(e, table.name, {
                ifExists,
                cascade: symbolOrString(call.args.keywords.get('mode')) === 'cascade',
              }),
            ],
            undefined,
          );
        if (first?.kind === 'call' && (first.name === 'index' || first.name === 'unique_index')) {
          const index = this.index(first);
          if (!index) return unknown('the index is not written with literal names');
          return push(
            [
              ddl.dropIndex(e, index.table, index.name, {
                concurrently: index.concurrently ?? false,
                ifExists,
                ...(index.schema ? { schema: index.schema } : {}),
              }),
            ],
            // Ecto reverses drop_if_exists into create_if_not_exists.
            [ddl.createIndex(e, { ...index, ...(ifExists ? { ifNotExists: true } : {}) })],
          );
        }
        if (first?.kind === 'call' && first.name === 'constraint') {
          const table = symbolOrString(first.args.positional[0]);
          const name = symbolOrString(first.args.positional[1]);
          if (!table || !name) return unknown();
          return push([ddl.dropConstraint(e, table, name, 'check')], undefined);
        }
        return unknown();
      }
      case 'rename': {
        const table = tableOf(first);
        if (!table) return unknown();
        const to = call.args.keywords.get('to');
        const newTable = tableOf(to);
        if (newTable)
          return push([ddl.renameTable(e, table.name, newTable.name)], [ddl.renameTable(e, newTable.name, table.name)]);
        const from = symbolOrString(second);
        const toColumn = symbolOrString(to);
        if (!from || !toColumn) return unknown();
        return push(
          [ddl.renameColumn(e, table.name, from, toColumn)],
          [ddl.renameColumn(e, table.name, toColumn, from)],
        );
      }
      case 'execute': {
        if (first?.kind !== 'string' || first.interpolated)
          return unknown('execute with SQL that is not a literal string');
        const down = second?.kind === 'string' && !second.interpolated ? [clean(second.value)] : undefined;
        if (second && !down) return unknown('execute with a down that is not a literal string');
        return push([clean(first.value)], down);
      }
      case 'flush':
        return;
      default:
        return unknown();
    }
  }

  private createTable(
    node: DslNode,
    table: TableRef,
    ifNotExists: boolean,
    push: (up: string[], down: string[] | undefined) => void,
  ): undefined {
    const e = this.engine;
    const columns: ddl.ColumnSpec[] = [];
    const primaryKey = table.options.get('primary_key');
    if (primaryKey === undefined || (primaryKey.kind === 'bool' && primaryKey.value)) {
      columns.push({
        name: 'id',
        type: e === 'postgresql' ? 'bigserial' : e === 'mysql' ? 'bigint unsigned NOT NULL AUTO_INCREMENT' : 'integer',
        primaryKey: true,
      });
    } else if (primaryKey.kind === 'keywords') {
      const options = new Map(primaryKey.entries);
      const type = columnType(e, options.get('type') ?? { kind: 'symbol', value: 'bigserial' }, options);
      columns.push({ name: symbolOrString(options.get('name')) ?? 'id', type: type ?? 'bigserial', primaryKey: true });
    }
    const after: string[] = [];
    for (const child of node.children ?? []) {
      try {
        const call = this.parse(child.text);
        if (call?.name === 'add' || call?.name === 'add_if_not_exists') {
          const column = this.column(child, call.args, table.name, after);
          if (column) columns.push(column);
        } else if (call?.name === 'timestamps') {
          columns.push(...this.timestamps(call.args));
        } else {
          this.out.unknown(
            child.line,
            child.text,
            'only add and timestamps are translated inside create table',
            'Check this column by hand.',
          );
        }
      } catch (error) {
        this.out.fail(child.line, child.text, error);
      }
    }
    const pkColumns = columns.filter((column) => column.primaryKey);
    if (pkColumns.length > 1) for (const column of pkColumns) column.primaryKey = false;
    const options = table.options.get('options');
    push(
      [
        ddl.createTable(e, table.name, columns, {
          ifNotExists,
          ...(pkColumns.length > 1 ? { primaryKey: pkColumns.map((column) => column.name) } : {}),
          ...(options?.kind === 'string' ? { suffix: options.value } : {}),
        }),
        ...after,
      ],
      [ddl.dropTable(e, table.name, { ifExists: ifNotExists })],
    );
  }

  private timestamps(args: DslArgs): ddl.ColumnSpec[] {
    const k = args.keywords;
    const type = columnType(this.engine, k.get('type') ?? { kind: 'symbol', value: 'naive_datetime' }, new Map())!;
    const nullable = k.has('null') ? truthy(k.get('null')) : false;
    const value = defaultOf(this.engine, k.get('default'));
    const names = [
      symbolOrString(k.get('inserted_at')) ?? 'inserted_at',
      symbolOrString(k.get('updated_at')) ?? 'updated_at',
    ];
    return names
      .filter((_name, index) => !(k.get(index === 0 ? 'inserted_at' : 'updated_at')?.kind === 'bool'))
      .map((name) => ({ name, type, nullable, ...(value && value !== 'unknown' ? { default: value } : {}) }));
  }

  /** `add :name, :type, opts` (or a `references(...)` type): the column, and any constraint SQL after the table. */
  private column(node: DslNode, args: DslArgs, table: string, _after: string[]): ddl.ColumnSpec | undefined {
    const e = this.engine;
    const name = symbolOrString(args.positional[0]);
    const type = args.positional[1];
    const k = args.keywords;
    if (!name) {
      this.out.unknown(node.line, node.text, 'the column name is not a literal', 'Check this column by hand.');
      return undefined;
    }
    const value = defaultOf(e, k.get('default'), type);
    if (value === 'unknown') {
      this.out.unknown(
        node.line,
        node.text,
        'the default is not a literal, a list for an array column or fragment("…")',
        'Check this column by hand.',
      );
      return undefined;
    }
    const base = {
      name,
      ...(k.has('null') ? { nullable: truthy(k.get('null')) } : {}),
      ...(value ? { default: value } : {}),
      ...(truthy(k.get('primary_key')) ? { primaryKey: true } : {}),
    };
    if (type?.kind === 'call' && type.name === 'references') {
      const target = symbolOrString(type.args.positional[0]);
      const rk = type.args.keywords;
      if (!target) {
        this.out.unknown(
          node.line,
          node.text,
          'the referenced table is not a literal',
          'Check this reference by hand.',
        );
        return undefined;
      }
      const onDelete = ON_DELETE[symbolOrString(rk.get('on_delete')) ?? ''];
      const onUpdate = ON_DELETE[(symbolOrString(rk.get('on_update')) ?? '').replace('update_all', 'delete_all')];
      const fkName = symbolOrString(rk.get('name')) ?? `${table.split('.').at(-1)}_${name}_fkey`;
      const referenced = `CONSTRAINT ${ddl.quote(e, fkName)} REFERENCES ${ddl.quoteTable(e, target)}(${ddl.quote(e, symbolOrString(rk.get('column')) ?? 'id')})${onDelete && onDelete !== 'NO ACTION' ? ` ON DELETE ${onDelete}` : ''}${onUpdate && onUpdate !== 'NO ACTION' ? ` ON UPDATE ${onUpdate}` : ''}`;
      const referenceType = columnType(e, rk.get('type') ?? { kind: 'symbol', value: 'bigint' }, rk) ?? 'bigint';
      return { ...base, type: `${referenceType} ${referenced}` };
    }
    const sqlType = columnType(e, type, k);
    if (!sqlType) {
      this.out.unknown(node.line, node.text, 'the column type is not translated', 'Check this column by hand.');
      return undefined;
    }
    return { ...base, type: sqlType };
  }

  /**
   * An alter block on PostgreSQL: ONE `ALTER TABLE` of the block's changes in the order written (Ecto's
   * execute_ddl {:alter, …}), then its COMMENT ON statements; the derived down is the block Ecto's runner reverses.
   * A change that cannot be written is reported at its line and left out of the statement.
   */
  private alterPostgres(node: DslNode, table: TableRef, target: DslOperation[]): undefined {
    const changes: EctoChange[] = [];
    for (const child of node.children ?? []) {
      try {
        const queued = this.changes(child);
        if (!queued) continue;
        for (const change of queued) alterSubcommand(table, change);
        changes.push(...queued);
      } catch (error) {
        if (error instanceof NotTranslated)
          this.out.unknown(child.line, child.text, error.message, 'Check this change by hand.');
        else this.out.fail(child.line, child.text, error);
      }
    }
    if (changes.length === 0) return;
    let up: string[];
    try {
      up = alterStatements(table, changes);
    } catch (error) {
      // The table's comment: (a change's own options were checked above).
      if (!(error instanceof NotTranslated)) throw error;
      return this.out.unknown(node.line, node.text, error.message, 'Check this change by hand.');
    }
    const reversed = reverseChanges(changes);
    let down: string[] | undefined;
    try {
      down = reversed && alterStatements(table, reversed);
    } catch (error) {
      if (!(error instanceof NotTranslated)) throw error;
      this.out.unknown(
        node.line,
        node.text,
        `its reverse cannot be written: ${error.message}`,
        'Check the from: options by hand.',
      );
    }
    target.push({ line: node.line, up, call: node.text, ...(down ? { down } : {}) });
  }

  /** The changes Ecto queues for one call of an alter block; undefined (reported) for a call it does not take. */
  private changes(node: DslNode): EctoChange[] | undefined {
    const call = this.parse(node.text);
    const [first, type] = call?.args.positional ?? [];
    const column = symbolOrString(first);
    const opts = call?.args.keywords ?? new Map<string, DslValue>();
    switch (call?.name) {
      case 'add':
      case 'add_if_not_exists':
      case 'modify':
        if (!column) throw new NotTranslated('the column name is not a literal');
        if (!type) throw new NotTranslated(`${call.name} without a type`);
        return [{ action: call.name, column, type, opts }];
      case 'remove':
        if (!column) throw new NotTranslated('the column name is not a literal');
        return [type ? { action: 'remove', column, type, opts } : { action: 'remove', column }];
      case 'remove_if_exists':
        if (!column) throw new NotTranslated('the column name is not a literal');
        return [{ action: 'remove_if_exists', column, ...(type ? { type } : {}) }];
      case 'timestamps': {
        // Ecto's timestamps/1: two adds of :naive_datetime (or type:), null: false unless told otherwise.
        const type = opts.get('type') ?? { kind: 'symbol', value: 'naive_datetime' };
        const rest = new Map([...opts].filter(([key]) => !['type', 'inserted_at', 'updated_at'].includes(key)));
        if (!rest.has('null')) rest.set('null', { kind: 'bool', value: false });
        return (['inserted_at', 'updated_at'] as const).flatMap((key): EctoChange[] => {
          const given = opts.get(key);
          if (given?.kind === 'bool' && !given.value) return [];
          const name = given === undefined ? key : symbolOrString(given);
          if (!name) throw new NotTranslated(`${key}: is not a literal`);
          return [{ action: 'add', column: name, type, opts: rest }];
        });
      }
      default:
        this.out.unknown(
          node.line,
          node.text,
          'this call is not translated inside alter table',
          'Check this change by hand.',
        );
        return undefined;
    }
  }

  /** An alter block on MySQL and SQLite: a statement per call (their adapters' joined forms are not written yet). */
  private alter(table: string, children: DslNode[], target: DslOperation[]): undefined {
    const e = this.engine;
    for (const child of children) {
      const push = (up: string[], down: string[] | undefined): undefined => {
        target.push({ line: child.line, up, call: child.text, ...(down ? { down } : {}) });
      };
      try {
        const call = this.parse(child.text);
        const [first, second] = call?.args.positional ?? [];
        const column = symbolOrString(first);
        switch (call?.name) {
          case 'add':
          case 'add_if_not_exists': {
            const spec = this.column(child, call.args, table, []);
            if (!spec) break;
            push(
              [ddl.addColumn(e, table, spec, call.name === 'add_if_not_exists')],
              [ddl.dropColumn(e, table, spec.name)],
            );
            break;
          }
          case 'remove':
          case 'remove_if_exists': {
            if (!column) {
              this.out.unknown(
                child.line,
                child.text,
                'the column name is not a literal',
                'Check this change by hand.',
              );
              break;
            }
            const spec = second ? this.column(child, call.args, table, []) : undefined;
            push(
              [ddl.dropColumn(e, table, column, call.name === 'remove_if_exists')],
              spec ? [ddl.addColumn(e, table, spec)] : undefined,
            );
            break;
          }
          case 'modify': {
            const k = call.args.keywords;
            const from = k.get('from');
            const reference = second?.kind === 'call' && second.name === 'references' ? second : undefined;
            const fromReference = from?.kind === 'call' && from.name === 'references' ? from : undefined;
            const up: string[] = [];
            let sqlType: string | undefined;
            if (reference && column) {
              // Ecto drops the old foreign key (from: references(...)), changes the type, and adds the new one.
              const target = symbolOrString(reference.args.positional[0]);
              const rk = reference.args.keywords;
              if (!target) {
                this.out.unknown(
                  child.line,
                  child.text,
                  'the referenced table is not a literal',
                  'Check this change by hand.',
                );
                break;
              }
              const fkName = symbolOrString(rk.get('name')) ?? `${table.split('.').at(-1)}_${column}_fkey`;
              if (fromReference) {
                const oldName =
                  symbolOrString(fromReference.args.keywords.get('name')) ??
                  `${table.split('.').at(-1)}_${column}_fkey`;
                up.push(ddl.dropConstraint(e, table, oldName, 'foreign'));
              }
              sqlType = columnType(e, rk.get('type') ?? { kind: 'symbol', value: 'bigint' }, rk) ?? 'bigint';
              up.push(ddl.changeType(e, table, column, sqlType));
              const onDelete = ON_DELETE[symbolOrString(rk.get('on_delete')) ?? ''];
              up.push(
                ddl.addForeignKey(e, table, [column], {
                  table: target,
                  columns: [symbolOrString(rk.get('column')) ?? 'id'],
                  name: fkName,
                  ...(onDelete && onDelete !== 'NO ACTION' ? { onDelete } : {}),
                }),
              );
            } else sqlType = columnType(e, second, k);
            if (!column || !sqlType) {
              this.out.unknown(
                child.line,
                child.text,
                'modify is translated for literal column names and plain types',
                'Check this change by hand.',
              );
              break;
            }
            if (!reference) up.push(ddl.changeType(e, table, column, sqlType));
            if (k.has('null')) up.push(ddl.setNotNull(e, table, column, !truthy(k.get('null')), sqlType));
            const value = defaultOf(e, k.get('default'), second);
            if (value === 'unknown') {
              this.out.unknown(
                child.line,
                child.text,
                'the default is not a literal, a list for an array column or fragment("…")',
                'Check this change by hand.',
              );
              break;
            }
            if (value)
              up.push(
                ddl.setDefault(e, table, column, 'literal' in value && value.literal === null ? undefined : value),
              );
            const fromType =
              from && !fromReference ? columnType(e, from.kind === 'raw' ? undefined : from, new Map()) : undefined;
            let down: string[] | undefined = fromType ? [ddl.changeType(e, table, column, fromType)] : undefined;
            if (reference && fromReference && column) {
              // Reversible with from: — the new foreign key goes, the old one comes back, nullability is restored.
              const rk = reference.args.keywords;
              const fk = fromReference.args.keywords;
              const oldTarget = symbolOrString(fromReference.args.positional[0]);
              const name = (keywords: Map<string, DslValue>) =>
                symbolOrString(keywords.get('name')) ?? `${table.split('.').at(-1)}_${column}_fkey`;
              const onDelete = ON_DELETE[symbolOrString(fk.get('on_delete')) ?? ''];
              down = oldTarget
                ? [
                    ddl.dropConstraint(e, table, name(rk), 'foreign'),
                    ddl.addForeignKey(e, table, [column], {
                      table: oldTarget,
                      columns: [symbolOrString(fk.get('column')) ?? 'id'],
                      name: name(fk),
                      ...(onDelete && onDelete !== 'NO ACTION' ? { onDelete } : {}),
                    }),
                    ...(k.has('null') ? [ddl.setNotNull(e, table, column, truthy(k.get('null')), sqlType)] : []),
                  ]
                : undefined;
            }
            push(up, down);
            break;
          }
          case 'timestamps': {
            const columns = this.timestamps(call.args);
            push(
              columns.map((spec) => ddl.addColumn(e, table, spec)),
              columns.map((spec) => ddl.dropColumn(e, table, spec.name)),
            );
            break;
          }
          default:
            this.out.unknown(
              child.line,
              child.text,
              'this call is not translated inside alter table',
              'Check this change by hand.',
            );
        }
      } catch (error) {
        this.out.fail(child.line, child.text, error);
      }
    }
  }

  /** An `index(...)`: `schema` is its prefix:, which Ecto also puts before the index name when it drops it. */
  private index(value: Extract<DslValue, { kind: 'call' }>): (ddl.IndexSpec & { schema?: string }) | undefined {
    const table = symbolOrString(value.args.positional[0]);
    const columns =
      names(value.args.positional[1]) ??
      (value.args.positional[1]?.kind === 'array'
        ? value.args.positional[1].items
            .map((item) => (item.kind === 'string' ? item.value : symbolOrString(item)))
            .filter((item): item is string => item !== undefined)
        : undefined);
    if (!table || !columns?.length) return undefined;
    const k = value.args.keywords;
    const prefix = symbolOrString(k.get('prefix'));
    const where = k.get('where');
    return {
      table: prefix ? `${prefix}.${table}` : table,
      ...(prefix ? { schema: prefix } : {}),
      columns,
      name:
        symbolOrString(k.get('name')) ??
        `${table}_${columns.map((column) => column.replace(/\W+/g, '_').replace(/^_|_$/g, '')).join('_')}_index`,
      unique: value.name === 'unique_index' || truthy(k.get('unique')),
      concurrently: truthy(k.get('concurrently')),
      ...(where?.kind === 'string' ? { where: where.value } : {}),
      ...(symbolOrString(k.get('using')) ? { using: symbolOrString(k.get('using'))! } : {}),
    };
  }
}

/** Calls of Ecto.Migration that only build a value (a table, an index, a reference …), run nothing. */
const CONSTRUCTORS = new Set(['table', 'index', 'unique_index', 'constraint', 'references', 'fragment']);

/** A value the reader can take as written: literals, tuples and lists of them, and Ecto's value constructors. */
function isLiteral(value: DslValue): boolean {
  switch (value.kind) {
    case 'symbol':
    case 'number':
    case 'bool':
    case 'nil':
      return true;
    case 'string':
      return !value.interpolated;
    case 'array':
      return value.items.every(isLiteral);
    case 'keywords':
      return value.entries.every(([, entry]) => isLiteral(entry));
    case 'call':
      return (
        CONSTRUCTORS.has(value.name) &&
        value.args.positional.every(isLiteral) &&
        [...value.args.keywords.values()].every(isLiteral)
      );
    case 'raw': {
      const items = tupleItems(value);
      return items ? items.positional.every(isLiteral) && [...items.keywords.values()].every(isLiteral) : false;
    }
    default:
      return false;
  }
}

function clean(sql: string): string {
  return sql.trim().replace(/;\s*$/, '');
}

async function engineOfConfig(root: string): Promise<Engine | undefined> {
  for (const file of ['config/config.exs', 'config/dev.exs', 'config/runtime.exs', 'config/test.exs']) {
    const text = (await readText(path.join(root, file))) ?? '';
    if (/Ecto\.Adapters\.Postgres/.test(text)) return 'postgresql';
    if (/Ecto\.Adapters\.MyXQL|Ecto\.Adapters\.MySQL/.test(text)) return 'mysql';
    if (/Ecto\.Adapters\.SQLite3/.test(text)) return 'sqlite';
  }
  const libs = (await listEntries(path.join(root, 'lib'))).folders;
  for (const folder of libs) {
    const text = (await readText(path.join(root, 'lib', folder, 'repo.ex'))) ?? '';
    if (/Ecto\.Adapters\.Postgres/.test(text)) return 'postgresql';
    if (/Ecto\.Adapters\.MyXQL/.test(text)) return 'mysql';
    if (/Ecto\.Adapters\.SQLite3/.test(text)) return 'sqlite';
  }
  return undefined;
}

/**
 * Ecto: `priv/repo/migrations/<timestamp>_<name>.exs`, read statically. `change` gets a derived down (the
 * inverse of each call in reverse order) unless a call is irreversible; `up`/`down` are read as written. Each
 * migration runs in a transaction unless the module sets `@disable_ddl_transaction true`.
 */
export const ecto: FormatReader = {
  format: 'ecto',
  priority: 13,
  tool: 'ecto',
  label: 'Ecto',
  scan: scanEcto,
  async read(context) {
    const declared = await engineOfConfig(context.root);
    const engine = context.engine ?? declared ?? 'postgresql';
    const result: FormatRead = { migrations: [], errors: [], engine };
    if (!context.engine && !declared)
      result.notes = ['No engine given and no Ecto adapter found in config/: translated for PostgreSQL.'];
    if (!PRIV_FOLDER.test(context.directory.split(path.sep).join('/'))) {
      // Modules compiled with the app, run by the app's own Ecto.Migrator.run call (supabase/realtime: prefix "realtime").
      result.schemaNotFromStart = true;
      result.notes = [
        ...(result.notes ?? []),
        'Migrations compiled with the app (.ex): Ecto.Migrator runs them with options these files do not show (a prefix:), so unqualified tables are read as public ones and a table they do not create is not called unknown.',
      ];
    }
    await setAsideUnnamed(context, result);
    return readDslFolder(context, result, 'ecto', FILE, ({ source, translation }) => {
      // The migration module is the one that uses Ecto.Migration: a file may define schema modules before it.
      const modules = parseDslTree(source, 'elixir').filter((node) => /^defmodule\s/.test(node.text));
      const module =
        modules.find((node) => (node.children ?? []).some((child) => /^use\s+Ecto\.Migration\b/.test(child.text))) ??
        modules[0];
      const members = module?.children ?? [];
      const translator = new EctoTranslator(ddl.ddlEngine(engine), translation);
      for (const member of members) if (/^@[a-z_]/.test(member.text)) translator.attribute(member.text);
      const method = (methodName: string) =>
        members.find((node) => new RegExp(`^def\\s+${methodName}\\b`).test(node.text));
      const change = method('change');
      const up = method('up');
      const down = method('down');
      const attribute = (attributeName: string) =>
        members.some((node) => new RegExp(`^@${attributeName}\\s+true\\b`).test(node.text));
      const transactional = !attribute('disable_ddl_transaction');
      if (!transactional) translation.notes.push('@disable_ddl_transaction true: runs outside a transaction.');
      if (attribute('disable_migration_lock'))
        translation.notes.push('@disable_migration_lock true: Ecto takes no migration lock.');
      if (!module)
        translation.unknown(
          1,
          source.trim().split('\n')[0] ?? '',
          'no migration module found',
          'An Ecto migration defines `defmodule … do use Ecto.Migration …`.',
        );
      if (change) translator.body(change.children ?? [], translation.up);
      else if (up) {
        translator.body(up.children ?? [], translation.up);
        if (translator.raisedAt !== undefined) {
          translation.unknown(
            translator.raisedAt,
            'raise',
            'up raises an error',
            'Check when this migration refuses to run.',
          );
        }
        if (down) {
          translator.raisedAt = undefined;
          translator.body(down.children ?? [], translation.down);
          if (translator.raisedAt !== undefined) {
            translation.down.length = 0;
            translation.notes.push(`down raises (line ${translator.raisedAt}): irreversible by design.`);
          }
        }
      } else if (module)
        translation.unknown(
          module.line,
          module.text,
          'the module defines neither change nor up',
          'Define `def change` or `def up` / `def down`.',
        );
      for (const member of members) {
        if (member === change || member === up || member === down) continue;
        // Helper functions and schema modules define code; they run no DDL of their own.
        if (
          /^(use|import|alias|require|@\w+|@moduledoc|@doc)\b/.test(member.text) ||
          /^(defp?|defmodule)\s/.test(member.text)
        )
          continue;
        translation.unknown(
          member.line,
          member.text,
          'this module-level call is not translated',
          'Check what it does by hand.',
        );
      }
      for (const helper of members.filter((node) => /^defp\s/.test(node.text))) {
        translation.notes.push(
          `Line ${helper.line}: private helper \`${helper.text}\`; calls to it are reported, not followed.`,
        );
      }
      return { transactional, mode: change ? 'change' : 'up-down' };
    });
  },
};

/**
 * A `.exs` file of the folder not named `<integer>_<name>.exs` is never run by Ecto's migrator: named in the
 * notes and set aside, never dropped silently. Hidden files (plausible's .formatter.exs) are not migrations: the
 * migrator's wildcard does not match them.
 */
async function setAsideUnnamed(context: ReadContext, result: FormatRead): Promise<void> {
  const unnamed = (await listEntries(context.directory)).files.filter(
    (file) =>
      file.endsWith('.exs') &&
      !file.startsWith('.') &&
      !FILE.test(file) &&
      selected(context.only, path.join(context.directory, file)),
  );
  if (unnamed.length === 0) return;
  result.setAside = [
    ...(result.setAside ?? []),
    ...unnamed.map((file) => relativeToRoot(context.root, path.join(context.directory, file))),
  ];
  result.notes = [
    ...(result.notes ?? []),
    ...unnamed.map(
      (file) =>
        `${file} is not named <integer>_<name>.exs, so Ecto's migrator never runs it; it was not checked. Rename it (e.g. <timestamp>_${file}) if it is a migration.`,
    ),
  ];
}

/** `priv/repo/migrations` (or another repo's `priv/<repo>/migrations`): Ecto's own place for migration scripts. */
const PRIV_FOLDER = /(^|\/)priv\/[\w-]+\/migrations$/;
/** Any other `migrations` folder (not scanned twice with the priv/ ones). */
const OTHER_MIGRATIONS_FOLDER = /^(?!(?:.*\/)?priv\/[\w-]+\/migrations$)(?:.*\/)?migrations$/;

/**
 * detect_setup: `priv/repo/migrations` folders of `.exs` migrations, and migrations compiled with the app
 * (supabase/realtime's `lib/realtime/tenants/repo/migrations/*.ex`, run by Ecto.Migrator): a `migrations` folder
 * elsewhere whose files `use Ecto.Migration`.
 */
export function scanEcto(context: PackageContext): MigrationScan[] {
  const facts = (text: string) => ({
    hasDown: /^\s*def\s+(down|change)\b/m.test(text),
    transactional: !/@disable_ddl_transaction\s+true/.test(text),
  });
  const conventions = (extension: string) => ({
    naming: 'YYYYMMDDHHMMSS_name',
    extension,
    moduleStyle: 'elixir' as const,
    transaction: 'per migration (opt out with @disable_ddl_transaction true)',
  });
  const scripts = scanDslFolders(context, 'ecto', PRIV_FOLDER, FILE, facts, conventions('.exs'));
  const compiled = scanDslFolders(context, 'ecto', OTHER_MIGRATIONS_FOLDER, FILE, facts, conventions('.ex')).filter(
    (scan) =>
      scan.migrations.every(
        (migration) =>
          migration.path.endsWith('.ex') && /\buse\s+Ecto\.Migration\b/.test(context.files.read(migration.path) ?? ''),
      ),
  );
  return [...scripts, ...compiled];
}
