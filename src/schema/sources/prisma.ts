import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { postgresObjectName, qualifiedIdent, quoteIdent } from '../../engines/postgresql/identifiers.js';
import { UserError } from '../../errors.js';
import { normalisePostgresType } from '../introspect/postgres.js';
import type {
  Column,
  ForeignKey,
  Index,
  ReferentialAction,
  Schema,
  Sequence,
  SequenceOptions,
  Table,
} from '../model.js';
import { emptySchema } from '../model.js';
import {
  blockAttributeString,
  datasourceSetting,
  namedStringArgument,
  type PrismaBlock,
  scanPrismaBlocks,
} from './prisma-blocks.js';
import type { DmmfField, DmmfIndex, DmmfModel, PrismaDmmf } from './prisma-dmmf.js';
import {
  mariadbDefault,
  mariadbType,
  type PrismaProvider,
  postgresDefault,
  postgresType,
  type ScalarField,
  sqliteDefault,
  sqliteType,
} from './prisma-types.js';
import { getPrismaDmmf, type PrismaSchemaFile } from './prisma-wasm.js';

/**
 * `schema.prisma` (or a multi-file schema folder) as the schema model Prisma Migrate would create, without the
 * Prisma CLI and without running project code: Prisma's WASM validator gives the DMMF, and Prisma's SQL
 * conventions give the tables, types, defaults and constraint names. The model reads the way introspection
 * (src/schema/introspect/*) reads the database Prisma's migrations produce, so the two compare exactly.
 */

export interface PrismaSchemaOptions {
  /**
   * Implicit many-to-many join tables: Prisma 6+ gives them a primary key `_AToB_AB_pkey` on PostgreSQL;
   * Prisma 4–5 (and every version on MySQL and SQLite) a unique index `_AToB_AB_unique`.
   */
  implicitManyToMany?: 'primary-key' | 'unique-index';
}

export interface PrismaSchemaResult {
  schema: Schema;
  provider: PrismaProvider;
  /** Schema files read, relative to the path given. */
  files: string[];
  /** What the model leaves out, each with the reason (`@@ignore`d models, `@ignore`d fields, partial indexes…). */
  warnings: string[];
}

/** Reads a `schema.prisma` file, or every `.prisma` file under a folder (Prisma's multi-file schema). */
export async function readPrismaSchema(path: string, options: PrismaSchemaOptions = {}): Promise<PrismaSchemaResult> {
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    throw new UserError(
      'prisma-schema-missing',
      `No Prisma schema at ${path}`,
      'Pass the path of schema.prisma or of the folder holding the .prisma files.',
    );
  }
  const paths = info.isDirectory() ? await prismaFilesUnder(path) : [path];
  if (paths.length === 0) {
    throw new UserError('prisma-schema-missing', `No .prisma file under ${path}`, 'Pass the schema file or folder.', {
      file: path,
    });
  }
  const files = await Promise.all(paths.map(async (file) => [file, await readFile(file, 'utf8')] as const));
  try {
    const result = prismaSchemaFromFiles(files, options);
    return info.isDirectory() ? { ...result, files: result.files.map((file) => relative(path, file)) } : result;
  } catch (error) {
    const siblings = info.isDirectory() ? [] : (await prismaFilesUnder(dirname(path))).filter((file) => file !== path);
    if (!(error instanceof UserError) || error.code !== 'prisma-schema-invalid' || siblings.length === 0) throw error;
    throw new UserError(
      error.code,
      error.what,
      `${error.fix} If the schema is split over several files (${siblings.map((file) => basename(file)).join(', ')}…), pass their folder ${dirname(path)} instead.`,
      error.where,
    );
  }
}

async function prismaFilesUnder(folder: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const full = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'migrations') found.push(...(await prismaFilesUnder(full)));
    } else if (entry.name.endsWith('.prisma')) found.push(full);
  }
  return found.sort();
}

export function prismaSchemaFromFiles(
  files: readonly PrismaSchemaFile[],
  options: PrismaSchemaOptions = {},
): PrismaSchemaResult {
  const parsed = getPrismaDmmf(files);
  const { notices } = parsed;
  const blocks = scanPrismaBlocks(files);
  const provider = providerOf(blocks, files);
  const withIgnored = files.some(([, content]) => IGNORE_ATTRIBUTE.test(content)) ? dmmfWithIgnored(files) : undefined;
  const builder = new PrismaModelBuilder(
    withIgnored ?? parsed.dmmf,
    blocks,
    provider,
    options,
    withIgnored !== undefined,
  );
  const schema = builder.build();
  return { schema, provider, files: files.map(([path]) => path), warnings: [...notices, ...builder.warnings] };
}

const IGNORE_ATTRIBUTE = /@@?ignore\b/;

/**
 * Prisma Migrate creates `@@ignore`d models and `@ignore`d fields although the DMMF (the client's view) leaves them
 * out: the schema is validated once as written, then read again with those attributes blanked out (same offsets).
 * Undefined when the schema is not valid without them; the builder then leaves them out and says so.
 */
function dmmfWithIgnored(files: readonly PrismaSchemaFile[]): PrismaDmmf | undefined {
  const blanked = files.map(
    ([path, content]) => [path, content.replace(/@@?ignore\b/g, (attribute) => ' '.repeat(attribute.length))] as const,
  );
  try {
    return getPrismaDmmf(blanked).dmmf;
  } catch {
    return undefined;
  }
}

function providerOf(blocks: PrismaBlock[], files: readonly PrismaSchemaFile[]): PrismaProvider {
  const provider = datasourceSetting(blocks, 'provider');
  const datasource = blocks.find((block) => block.kind === 'datasource');
  const where = datasource ? { file: datasource.file, line: datasource.line } : { file: files[0]?.[0] ?? '<input>' };
  if (provider === 'postgresql' || provider === 'postgres') return 'postgresql';
  if (provider === 'mysql' || provider === 'sqlite') return provider;
  throw new UserError(
    'prisma-provider-unsupported',
    provider
      ? `The Prisma datasource provider "${provider}" is not supported as a schema source`
      : 'The Prisma schema has no datasource block with a provider',
    'Supported providers: postgresql, mysql, sqlite.',
    where,
  );
}

const ACTIONS: Record<string, ReferentialAction> = {
  Cascade: 'cascade',
  Restrict: 'restrict',
  NoAction: 'no action',
  SetNull: 'set null',
  SetDefault: 'set default',
};

interface ModelInfo {
  model: DmmfModel;
  table: string;
  namespace: string | undefined;
  block: PrismaBlock | undefined;
}

class PrismaModelBuilder {
  readonly warnings: string[] = [];
  private readonly models = new Map<string, ModelInfo>();
  private readonly tables = new Map<string, Table>();
  private readonly sequences: Sequence[] = [];

  constructor(
    private readonly dmmf: PrismaDmmf,
    private readonly blocks: PrismaBlock[],
    private readonly provider: PrismaProvider,
    private readonly options: PrismaSchemaOptions,
    private readonly includesIgnored: boolean,
  ) {}

  build(): Schema {
    const schema = emptySchema(this.provider === 'postgresql' ? 'postgresql' : this.provider);
    const views = new Set(this.blocks.filter((block) => block.kind === 'view').map((block) => block.name));
    for (const block of this.includesIgnored ? [] : this.blocks) {
      if (block.kind === 'model' && block.blockAttributes.some((text) => text.startsWith('@@ignore'))) {
        this.warnings.push(
          `model ${block.name} is @@ignore'd and the schema does not validate without the attribute: left out of the model`,
        );
      }
      for (const field of block.fields) {
        if (/(^|\s)@ignore\b/.test(field.attributes)) {
          this.warnings.push(
            `field ${block.name}.${field.name} is @ignore'd and the schema does not validate without the attribute: left out`,
          );
        }
      }
    }
    for (const block of this.blocks) {
      for (const attribute of block.blockAttributes) {
        if (/^@@(index|unique)\(/.test(attribute) && /\bwhere\s*:/.test(attribute)) {
          this.warnings.push(
            `${block.name}: the partial index predicate of ${attribute} is not modelled (the index is, without its WHERE)`,
          );
        }
      }
    }
    for (const model of this.dmmf.datamodel.models) {
      if (views.has(model.name)) continue;
      const namespace = model.schema && model.schema !== 'public' ? model.schema : undefined;
      const block = this.blocks.find((candidate) => candidate.kind === 'model' && candidate.name === model.name);
      this.models.set(model.name, { model, table: model.dbName ?? model.name, namespace, block });
    }
    for (const info of this.models.values()) this.tables.set(info.model.name, this.table(info));
    for (const index of this.dmmf.datamodel.indexes) this.addIndex(index);
    const relationMode =
      datasourceSetting(this.blocks, 'relationMode') ?? datasourceSetting(this.blocks, 'referentialIntegrity');
    const foreignKeys = relationMode !== 'prisma';
    for (const info of this.models.values()) if (foreignKeys) this.addForeignKeys(info);
    this.addImplicitManyToMany(foreignKeys);
    if (this.provider === 'mysql') for (const table of this.tables.values()) addForeignKeyIndexes(table);
    if (this.provider === 'sqlite') for (const table of this.tables.values()) nameSqliteForeignKeys(table);
    schema.tables = [...this.tables.values()];
    schema.sequences = this.sequences;
    if (this.provider === 'postgresql') {
      schema.enums = this.dmmf.datamodel.enums.map((item) => {
        const namespace = this.enumNamespace(item.name);
        return {
          name: item.dbName ?? item.name,
          ...(namespace ? { namespace } : {}),
          values: item.values.map((value) => value.dbName ?? value.name),
        };
      });
    }
    return schema;
  }

  private table(info: ModelInfo): Table {
    const { model } = info;
    const table: Table = {
      name: info.table,
      ...(info.namespace ? { namespace: info.namespace } : {}),
      columns: [],
      indexes: [],
      uniques: [],
      checks: [],
      foreignKeys: [],
    };
    for (const field of model.fields) {
      if (field.kind === 'object') continue;
      // Prisma writes scalar lists without NOT NULL although the client treats them as required.
      const scalar = { ...field, default: numericDefaultAsWritten(info.block, field) ?? field.default };
      table.columns.push(this.column(info, scalar, field.dbName ?? field.name, field.isRequired && !field.isList));
      if (this.provider === 'mysql' && field.type === 'Json' && (!field.nativeType || field.nativeType[0] === 'Json')) {
        // MariaDB stores JSON as LONGTEXT guarded by a check named after the column.
        const name = field.dbName ?? field.name;
        table.checks.push({ name, expression: `json_valid(\`${name}\`)` });
      }
    }
    for (const field of info.block?.fields ?? []) {
      const unsupported = /^Unsupported\("((?:[^"\\]|\\.)*)"\)(\[\])?(\?)?$/.exec(field.type);
      if (!unsupported || (!this.includesIgnored && /(^|\s)@ignore\b/.test(field.attributes))) continue;
      const column =
        namedStringArgument(field.attributes, '@map', 'name') ?? /@map\("([^"]*)"\)/.exec(field.attributes)?.[1];
      table.columns.push(
        this.column(
          info,
          {
            name: field.name,
            kind: 'unsupported',
            type: unsupported[1] ?? '',
            isList: Boolean(unsupported[2]),
            nativeType: null,
          },
          column ?? field.name,
          !unsupported[3],
        ),
      );
    }
    return table;
  }

  private column(info: ModelInfo, field: ScalarField, name: string, required: boolean): Column {
    const enumValue = (enumName: string) => (value: string) => {
      const item = this.dmmf.datamodel.enums.find((candidate) => candidate.name === enumName);
      const match = item?.values.find((candidate) => candidate.name === value);
      return match?.dbName ?? value;
    };
    const isAutoIncrement =
      typeof field.default === 'object' && !Array.isArray(field.default) && field.default?.name === 'autoincrement';
    const column: Column = { name, type: '', nullable: !required };
    if (this.provider === 'postgresql') {
      const formatted = postgresType(field, (enumName) => this.enumTypeName(enumName));
      column.type = normalisePostgresType(formatted);
      column.rawType = formatted;
      const sequenceName = postgresObjectName(info.table, name, 'seq');
      const sequence = () => (info.namespace ? `${quoteIdent(info.namespace)}.` : '') + quoteIdent(sequenceName);
      const value = postgresDefault(field, formatted, enumValue(field.type), sequence);
      if (value !== undefined) column.default = value;
      if (isAutoIncrement) {
        column.autoIncrement = true;
        this.sequences.push({
          name: sequenceName,
          ...(info.namespace ? { namespace: info.namespace } : {}),
          ownedBy: `${info.table}.${name}`,
          options: serialSequenceOptions(column.type),
        });
      }
    } else if (this.provider === 'mysql') {
      const type = mariadbType(field, (enumName) => this.enumValues(enumName));
      // The MySQL introspector lower-cases COLUMN_TYPE, enum values included.
      column.type = type.toLowerCase();
      column.rawType = type;
      const value = isAutoIncrement ? undefined : mariadbDefault(field, type, enumValue(field.type));
      if (value !== undefined) column.default = value;
      if (isAutoIncrement) column.autoIncrement = true;
    } else {
      const type = sqliteType(field);
      column.type = type.toLowerCase();
      column.rawType = type;
      const value = isAutoIncrement ? undefined : sqliteDefault(field, enumValue(field.type));
      if (value !== undefined) column.default = value;
    }
    return column;
  }

  private enumNamespace(enumName: string): string | undefined {
    const block = this.blocks.find((candidate) => candidate.kind === 'enum' && candidate.name === enumName);
    const schema = block ? blockAttributeString(block, '@@schema') : undefined;
    return schema && schema !== 'public' ? schema : undefined;
  }

  private enumTypeName(enumName: string): string {
    const item = this.dmmf.datamodel.enums.find((candidate) => candidate.name === enumName);
    return qualifiedIdent(item?.dbName ?? enumName, this.enumNamespace(enumName));
  }

  private enumValues(enumName: string): string[] {
    const item = this.dmmf.datamodel.enums.find((candidate) => candidate.name === enumName);
    return item?.values.map((value) => value.dbName ?? value.name) ?? [];
  }

  private columnName(info: ModelInfo, fieldName: string): string {
    const field = info.model.fields.find((candidate) => candidate.name === fieldName);
    return field?.dbName ?? fieldName;
  }

  private addIndex(index: DmmfIndex): void {
    const info = this.models.get(index.model);
    const table = this.tables.get(index.model);
    if (!info || !table) return;
    const columns = index.fields.map((field) => this.columnName(info, field.name));
    const suffix = { id: 'pkey', unique: 'key', normal: 'idx', fulltext: 'idx' }[index.type];
    const name =
      index.dbName ??
      constraintName(index.type === 'id' ? info.table : `${info.table}_${columns.join('_')}`, suffix, this.provider);
    if (index.type === 'id') {
      table.primaryKey = this.provider === 'postgresql' ? { name, columns } : { columns };
      if (this.provider === 'sqlite' && columns.length === 1) {
        const column = table.columns.find((candidate) => candidate.name === columns[0]);
        if (column) {
          column.nullable = false;
          if (column.rawType === 'INTEGER') column.autoIncrement = true;
        }
      }
      return;
    }
    const unique = index.type === 'unique';
    if (this.provider === 'postgresql') {
      const method = (index.algorithm ?? 'BTree').toLowerCase();
      const parts = index.fields.map((field, position) => {
        const opclass =
          field.operatorClass && !isDefaultOperatorClass(method, field.operatorClass)
            ? ` ${operatorClassName(field.operatorClass)}`
            : '';
        return `${quoteIdent(columns[position] ?? field.name)}${opclass}${field.sortOrder === 'desc' ? ' DESC' : ''}`;
      });
      table.indexes.push({
        name,
        columns: columns.map(quoteIdent),
        unique,
        method,
        definition: `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(name)} ON ${qualifiedIdent(info.table, info.namespace ?? 'public')} USING ${method} (${parts.join(', ')})`,
      });
    } else if (this.provider === 'mysql') {
      if (unique) table.uniques.push({ name, columns });
      else
        table.indexes.push({ name, columns, unique: false, method: index.type === 'fulltext' ? 'fulltext' : 'btree' });
    } else {
      const parts = index.fields.map(
        (field, position) => `"${columns[position] ?? field.name}"${field.sortOrder === 'desc' ? ' DESC' : ''}`,
      );
      table.indexes.push({
        name,
        columns,
        unique,
        definition: `CREATE ${unique ? 'UNIQUE ' : ''}INDEX "${name}" ON "${info.table}"(${parts.join(', ')})`,
      });
    }
  }

  private addForeignKeys(info: ModelInfo): void {
    const table = this.tables.get(info.model.name);
    if (!table) return;
    for (const field of info.model.fields) {
      if (field.kind !== 'object' || !field.relationFromFields?.length) continue;
      const target = this.models.get(field.type);
      if (!target) continue;
      const columns = field.relationFromFields.map((name) => this.columnName(info, name));
      const optional = field.relationFromFields.some(
        (name) => info.model.fields.find((candidate) => candidate.name === name)?.isRequired === false,
      );
      const mapped = info.block?.fields.find((candidate) => candidate.name === field.name);
      const name =
        (mapped ? namedStringArgument(mapped.attributes, '@relation', 'map') : undefined) ??
        constraintName(`${info.table}_${columns.join('_')}`, 'fkey', this.provider);
      table.foreignKeys.push(
        this.foreignKey(
          name,
          columns,
          target,
          (field.relationToFields ?? []).map((to) => this.columnName(target, to)),
          {
            onDelete: ACTIONS[field.relationOnDelete ?? (optional ? 'SetNull' : 'Restrict')] ?? 'restrict',
            onUpdate: ACTIONS[field.relationOnUpdate ?? 'Cascade'] ?? 'cascade',
          },
        ),
      );
    }
  }

  private foreignKey(
    name: string,
    columns: string[],
    target: ModelInfo,
    referencedColumns: string[],
    actions: { onDelete: ReferentialAction; onUpdate: ReferentialAction },
  ): ForeignKey {
    const referencedTable = target.namespace ? `${target.namespace}.${target.table}` : target.table;
    return {
      name,
      columns,
      referencedTable,
      referencedColumns,
      ...actions,
      ...(this.provider === 'postgresql' ? { validated: true } : {}),
    };
  }

  /** `_AToB` join tables of implicit many-to-many relations (A: the model whose name sorts first). */
  private addImplicitManyToMany(foreignKeys: boolean): void {
    const seen = new Set<string>();
    for (const info of [...this.models.values()]) {
      for (const field of info.model.fields) {
        if (field.kind !== 'object' || !field.isList || !field.relationName || seen.has(field.relationName)) continue;
        const back = this.models
          .get(field.type)
          ?.model.fields.find(
            (candidate) =>
              candidate.relationName === field.relationName && candidate !== field && candidate.kind === 'object',
          );
        if (!back?.isList) continue;
        seen.add(field.relationName);
        const [first, second] = [info.model.name, field.type].sort();
        const a = this.models.get(first ?? '');
        const b = this.models.get(second ?? '');
        if (a && b) this.joinTable(`_${field.relationName}`, a, b, foreignKeys);
      }
    }
  }

  private joinTable(name: string, a: ModelInfo, b: ModelInfo, foreignKeys: boolean): void {
    const idOf = (info: ModelInfo): DmmfField | undefined => {
      const ids = info.model.fields.filter((field) => field.isId);
      const fromIndex = info.model.primaryKey?.fields[0];
      return ids[0] ?? info.model.fields.find((field) => field.name === fromIndex);
    };
    const aId = idOf(a);
    const bId = idOf(b);
    if (!aId || !bId) {
      this.warnings.push(`join table ${name}: a model of the relation has no single-field @id, left out`);
      return;
    }
    const namespace = a.namespace;
    const info: ModelInfo = { model: a.model, table: name, namespace, block: undefined };
    const plain = (field: DmmfField, column: string): Column => {
      const { default: _none, ...rest } = field;
      return this.column(info, { ...rest, isList: false }, column, true);
    };
    const table: Table = {
      name,
      ...(namespace ? { namespace } : {}),
      columns: [plain(aId, 'A'), plain(bId, 'B')],
      indexes: [],
      uniques: [],
      checks: [],
      foreignKeys: [],
    };
    this.tables.set(name, table);
    const joinModel = name;
    const pkey = this.provider === 'postgresql' && (this.options.implicitManyToMany ?? 'primary-key') === 'primary-key';
    const synthetic = (type: DmmfIndex['type'], fields: string[], dbName: string): DmmfIndex => ({
      model: joinModel,
      type,
      isDefinedOnField: false,
      dbName,
      fields: fields.map((field) => ({ name: field })),
    });
    this.models.set(joinModel, { ...info, model: { ...a.model, name: joinModel, fields: [] } });
    if (pkey) this.addIndex(synthetic('id', ['A', 'B'], `${name}_AB_pkey`));
    else this.addIndex(synthetic('unique', ['A', 'B'], `${name}_AB_unique`));
    this.addIndex(synthetic('normal', ['B'], `${name}_B_index`));
    this.models.delete(joinModel);
    const cascade = { onDelete: 'cascade', onUpdate: 'cascade' } as const;
    if (foreignKeys) {
      table.foreignKeys.push(this.foreignKey(`${name}_A_fkey`, ['A'], a, [aId.dbName ?? aId.name], cascade));
      table.foreignKeys.push(this.foreignKey(`${name}_B_fkey`, ['B'], b, [bId.dbName ?? bId.name], cascade));
    }
  }
}

/**
 * A number default as the schema writes it (`2.00`, `"2.00"`): Prisma Migrate keeps that text in the SQL, while the
 * DMMF turns it into a JSON number (2).
 */
function numericDefaultAsWritten(block: PrismaBlock | undefined, field: DmmfField): string | undefined {
  if (!['Int', 'BigInt', 'Float', 'Decimal'].includes(field.type) || field.isList) return undefined;
  if (typeof field.default !== 'number' && typeof field.default !== 'string') return undefined;
  const attributes = block?.fields.find((candidate) => candidate.name === field.name)?.attributes ?? '';
  return /@default\(\s*"?(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"?\s*[,)]/.exec(attributes)?.[1];
}

const IDENTIFIER_LIMIT: Record<PrismaProvider, number> = { postgresql: 63, mysql: 64, sqlite: 10_000 };

/** Prisma's default constraint name: `Table_col_suffix`, cut before the suffix to the engine's identifier limit. */
function constraintName(stem: string, suffix: string, provider: PrismaProvider): string {
  const room = IDENTIFIER_LIMIT[provider] - suffix.length - 1;
  const bytes = Buffer.from(stem, 'utf8');
  const cut =
    bytes.length > room
      ? bytes
          .subarray(0, room)
          .toString('utf8')
          .replace(/\uFFFD$/, '')
      : stem;
  return `${cut}_${suffix}`;
}

/** Operator classes that are their type's default for the index method, which pg_get_indexdef leaves out. */
function isDefaultOperatorClass(method: string, prismaName: string): boolean {
  if (method === 'gin') return prismaName === 'ArrayOps' || prismaName === 'JsonbOps';
  if (method === 'spgist') return prismaName === 'InetOps' || prismaName === 'TextOps';
  if (method === 'brin') return /[a-z0-9]MinMaxOps$/.test(prismaName) || /^(Inet|Range)InclusionOps$/.test(prismaName);
  return false;
}

/** PostgreSQL operator class spelling of Prisma's names: `JsonbPathOps` → `jsonb_path_ops`. */
function operatorClassName(prismaName: string): string {
  return prismaName
    .replace(/MinMax/g, 'Minmax')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** MySQL creates an index named after a foreign key when no index starts with its columns. */
function addForeignKeyIndexes(table: Table): void {
  const leading: string[][] = [
    ...(table.primaryKey ? [table.primaryKey.columns] : []),
    ...table.uniques.map((unique) => unique.columns),
    ...table.indexes.map((index) => index.columns),
  ];
  for (const key of table.foreignKeys) {
    const covered = leading.some((columns) => key.columns.every((column, position) => columns[position] === column));
    if (covered) continue;
    const index: Index = { name: key.name, columns: key.columns, unique: false, method: 'btree' };
    table.indexes.push(index);
    leading.push(key.columns);
  }
}

/** SQLite has no foreign key names; introspection numbers them in reverse order of declaration. */
function nameSqliteForeignKeys(table: Table): void {
  const count = table.foreignKeys.length;
  table.foreignKeys = table.foreignKeys
    .map((key, position) => ({ ...key, name: `fk_${table.name}_${count - 1 - position}` }))
    .reverse();
}

/** The options PostgreSQL gives the sequence of a smallserial / serial / bigserial column. */
function serialSequenceOptions(type: string): SequenceOptions {
  const sequenceType = /^(smallint|int2|smallserial)$/.test(type)
    ? 'smallint'
    : /^(bigint|int8|bigserial)$/.test(type)
      ? 'bigint'
      : 'integer';
  const max = { smallint: '32767', integer: '2147483647', bigint: '9223372036854775807' }[sequenceType];
  return { type: sequenceType, start: '1', increment: '1', min: '1', max, cache: '1', cycle: false };
}
