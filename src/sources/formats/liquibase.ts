import path from 'node:path';
import { UserError } from '../../errors.js';
import type { Engine, Migration, Statement } from '../../model.js';
import type { PackageContext } from '../../project/context.js';
import type { MigrationScan } from '../../project/migrations.js';
import type { MigrationEntry } from '../../project/types.js';
import { dirOf, joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import type { Bookkeeping } from '../bookkeeping.js';
import { isDirectory, isFile, listEntries, readError, readText, selected } from '../files.js';
import { compiledStatement, splitStatements } from '../statements.js';
import type { FormatRead, FormatReader, MigrationReadError, ReadContext } from '../types.js';
import { type ChangelogNode, parseXmlChangelog, parseYamlChangelog } from './changelog-tree.js';
import * as ddl from './ddl.js';
import { splitOnDelimiter } from './delimiter-split.js';
import { liquibaseChecksum, liquibaseRunsOnChange } from './liquibase-checksum.js';
import { writeLiquibase } from './liquibase-write.js';
import { staticScan } from './static-scan.js';

const CHANGELOG = /\.(xml|ya?ml|json|sql)$/i;
const FORMATTED_SQL = /^\s*--\s*liquibase\s+formatted\s+sql/i;
/** Where Spring Boot and the Liquibase CLI keep changelogs, looked at from the project root. */
const _ROOT_FOLDERS = [
  'src/main/resources/db/changelog',
  'src/main/resources/db',
  'db/changelog',
  'changelog',
  'liquibase',
  'db',
];

/** Liquibase's dbms names to our engines. */
const DBMS: Record<string, Engine> = {
  postgresql: 'postgresql',
  mysql: 'mysql',
  mariadb: 'mariadb',
  sqlite: 'sqlite',
  mssql: 'mssql',
  cockroachdb: 'cockroachdb',
};

function isChangelogText(text: string): boolean {
  return FORMATTED_SQL.test(text) || /databaseChangeLog/.test(text.slice(0, 4000));
}

/** Changelog files in a folder (not recursive): XML/YAML/JSON naming databaseChangeLog, or formatted SQL. */
async function changelogsIn(folder: string): Promise<string[]> {
  const { files } = await listEntries(folder);
  const found: string[] = [];
  for (const file of files.filter((name) => CHANGELOG.test(name)).slice(0, 200)) {
    if (isChangelogText((await readText(path.join(folder, file))) ?? '')) found.push(file);
  }
  return found;
}

interface ChangeSet {
  id: string;
  author: string;
  file: string;
  line: number;
  attributes: Record<string, string>;
  up: Statement[];
  down?: Statement[];
  notes: string[];
}

interface Walk {
  context: ReadContext;
  engine: ddl.DdlEngine;
  splitEngine: Engine | undefined;
  changeSets: ChangeSet[];
  errors: MigrationReadError[];
  visited: Set<string>;
  notes: string[];
  /** Changelog parameters (`<property name value dbms>`): the first definition for this engine wins, as in Liquibase. */
  properties: Map<string, string>;
}

/**
 * Liquibase's StandardChangeLogHistoryService: DATABASECHANGELOG (ID, AUTHOR, FILENAME, DATEEXECUTED,
 * ORDEREXECUTED, EXECTYPE, MD5SUM, …) and DATABASECHANGELOGLOCK. A changeset is `author:id`; EXECTYPE FAILED is a
 * failed one. MD5SUM is Liquibase's checksum of the parsed changeset: a version 9 one (Liquibase 4.24+) is compared
 * where liquibase-checksum.ts computes it.
 */
const liquibaseBookkeeping: Bookkeeping = {
  table: 'databasechangelog',
  ownTables: ['databasechangelog', 'databasechangeloglock'],
  records: (rows) =>
    rows.map((row) => {
      const key = `${String(row.author)}:${String(row.id)}`;
      const stored = String(row.md5sum ?? '');
      return {
        key,
        label: key,
        state: String(row.exectype).toUpperCase() === 'FAILED' ? 'failed' : 'applied',
        ...(stored ? { checksum: stored } : {}),
      };
    }),
  keyOf: (migration) => migration.name,
  // An older algorithm's MD5SUM (7:, 8:, before Liquibase 4.24) is not recomputed: reported as not checked.
  checksumOf: (migration, root, engine, stored) =>
    stored?.startsWith('9:') ? liquibaseChecksum(migration, root, engine) : undefined,
  repeatable: liquibaseRunsOnChange,
};

/**
 * Liquibase: a master changelog (XML, YAML, JSON or formatted SQL) with its `include` / `includeAll` files, each
 * changeSet one migration in the order Liquibase runs them. `<sql>`, `sqlFile` and the common change types become
 * SQL for the engine; an unknown change type is an error at its line. Each changeSet runs in a transaction unless
 * `runInTransaction` is false.
 */
export const liquibase: FormatReader = {
  format: 'liquibase',
  priority: 15,
  tool: 'liquibase',
  label: 'Liquibase',
  bookkeeping: liquibaseBookkeeping,
  scan: scanLiquibase,
  write: writeLiquibase,
  read: readLiquibase,
};

async function readLiquibase(context: ReadContext): Promise<FormatRead> {
  const engine = context.engine;
  const walk: Walk = {
    context,
    engine: ddl.ddlEngine(engine),
    splitEngine: engine,
    changeSets: [],
    errors: [],
    visited: new Set(),
    properties: new Map(),
    notes: [],
  };
  if (!engine)
    walk.notes.push('No engine given: change types are translated for PostgreSQL and SQL split generically.');
  const roots = await rootChangelogs(context.directory);
  if (roots.length > 1) {
    walk.notes.push(
      `Several root changelogs (${roots.map((file) => path.basename(file)).join(', ')}): read in name order.`,
    );
  }
  for (const file of roots) await readChangelog(walk, file);
  const migrations: Migration[] = [];
  for (const changeSet of walk.changeSets) {
    const absolute = path.join(context.root, changeSet.file);
    if (!selected(context.only, absolute)) continue;
    const transactional = changeSet.attributes.runInTransaction !== 'false';
    const notes = [...changeSet.notes];
    if (!transactional) notes.push('runInTransaction:false: Liquibase runs this changeSet outside a transaction.');
    if (!changeSet.down) notes.push('No rollback: `liquibase rollback` cannot undo this changeSet.');
    if (changeSet.attributes.context || changeSet.attributes.contextFilter) {
      notes.push(`Runs only in context ${changeSet.attributes.context ?? changeSet.attributes.contextFilter}.`);
    }
    if (changeSet.attributes.runOnChange === 'true' || changeSet.attributes.runAlways === 'true') {
      notes.push('runOnChange/runAlways: Liquibase runs it again when it changes (or on every update).');
    }
    migrations.push({
      id: changeSet.id,
      name: `${changeSet.author}:${changeSet.id}`,
      path: changeSet.file,
      format: 'liquibase',
      up: changeSet.up,
      ...(changeSet.down ? { down: changeSet.down } : {}),
      transactional,
      notes,
    });
  }
  return {
    migrations,
    errors: walk.errors,
    ...(engine ? { engine } : {}),
    ...(walk.notes.length ? { notes: walk.notes } : {}),
  };
}

/** The changelogs no other changelog of the folder includes; the `master` one first. */
async function rootChangelogs(directory: string): Promise<string[]> {
  const files = (await changelogsIn(directory)).map((file) => path.join(directory, file));
  const included = new Set<string>();
  for (const file of files) {
    const text = (await readText(file)) ?? '';
    for (const match of text.matchAll(/\b(?:file|path)["']?\s*[:=]\s*["']?([^"'\s,}]+)/g)) {
      included.add(path.basename(match[1]!));
    }
  }
  const roots = files.filter((file) => !included.has(path.basename(file)));
  const master = roots.filter((file) => /master|root|main/i.test(path.basename(file)));
  return master.length ? master : roots.sort();
}

async function readChangelog(walk: Walk, absolute: string): Promise<void> {
  const { context } = walk;
  const relative = relativeToRoot(context.root, absolute);
  if (walk.visited.has(absolute)) return;
  walk.visited.add(absolute);
  const text = await readText(absolute);
  if (text === undefined) {
    walk.errors.push(
      readError(
        relative,
        new UserError('liquibase-include-missing', `${relative} does not exist.`, 'Fix the include path.', {
          file: relative,
        }),
      ),
    );
    return;
  }
  try {
    if (/\.sql$/i.test(absolute))
      return await readFormattedSql(walk, absolute, relative, withProperties(text, walk.properties));
    const tree = /\.xml$/i.test(absolute) ? parseXmlChangelog(text, relative) : parseYamlChangelog(text, relative);
    const changelog = tree.children.find((node) => node.name === 'databaseChangeLog');
    if (!changelog)
      throw new UserError(
        'liquibase-not-a-changelog',
        `${relative} has no databaseChangeLog root.`,
        'Pass the master changelog.',
        { file: relative },
      );
    for (const node of changelog.children) if (node.name === 'property') defineProperty(walk, node);
    substituteProperties(changelog, walk.properties);
    for (const node of changelog.children) {
      context.signal?.throwIfAborted();
      if (node.name === 'include') await include(walk, absolute, node);
      else if (node.name === 'includeAll') await includeAll(walk, absolute, node);
      else if (node.name === 'changeSet') await readChangeSet(walk, absolute, relative, node);
      else if (
        !['property', 'preConditions', 'comment', 'validCheckSum', '#text', 'logicalFilePath'].includes(node.name)
      ) {
        unknownAt(walk, relative, node, `<${node.name}> at the changelog level is not read`);
      }
    }
  } catch (error) {
    walk.errors.push(readError(relative, error));
  }
}

/** Liquibase resolves includes against the changelog (relativeToChangelogFile) or the search path (classpath root). */
async function resolveInclude(
  walk: Walk,
  from: string,
  target: string,
  relativeToChangelog: boolean,
): Promise<string | undefined> {
  const root = walk.context.root;
  const bases = relativeToChangelog
    ? [path.dirname(from)]
    : [path.join(root, 'src/main/resources'), root, walk.context.directory, path.dirname(from)];
  for (const base of bases) {
    const candidate = path.resolve(base, target.replace(/^classpath:\/?/, ''));
    if (candidate.startsWith(root) && ((await isFile(candidate)) || (await isDirectory(candidate)))) return candidate;
  }
  return undefined;
}

async function include(walk: Walk, from: string, node: ChangelogNode): Promise<void> {
  const target = node.attributes.file;
  const relative = relativeToRoot(walk.context.root, from);
  if (!target) return unknownAt(walk, relative, node, 'include without file');
  const resolved = await resolveInclude(walk, from, target, node.attributes.relativeToChangelogFile === 'true');
  if (!resolved) {
    walk.errors.push(
      readError(
        relative,
        new UserError(
          'liquibase-include-missing',
          `${relative}:${node.line}: included ${target} was not found.`,
          'Fix the include path (relativeToChangelogFile, or relative to the classpath root).',
          { file: relative, line: node.line, column: 1 },
        ),
      ),
    );
    return;
  }
  await readChangelog(walk, resolved);
}

async function includeAll(walk: Walk, from: string, node: ChangelogNode): Promise<void> {
  const target = node.attributes.path;
  const relative = relativeToRoot(walk.context.root, from);
  if (!target) return unknownAt(walk, relative, node, 'includeAll without path');
  const folder = await resolveInclude(walk, from, target, node.attributes.relativeToChangelogFile === 'true');
  if (!folder || !(await isDirectory(folder))) {
    walk.errors.push(
      readError(
        relative,
        new UserError(
          'liquibase-include-missing',
          `${relative}:${node.line}: includeAll folder ${target} was not found.`,
          'Fix the includeAll path.',
          { file: relative, line: node.line, column: 1 },
        ),
      ),
    );
    return;
  }
  // includeAll reads the folder's changelogs in alphabetical order of their paths, sub-folders included.
  const files: string[] = [];
  const walkFolder = async (dir: string) => {
    const { files: names, folders } = await listEntries(dir);
    for (const name of names) if (CHANGELOG.test(name)) files.push(path.join(dir, name));
    for (const sub of folders) await walkFolder(path.join(dir, sub));
  };
  await walkFolder(folder);
  for (const file of files.sort()) await readChangelog(walk, file);
}

function unknownAt(walk: Walk, file: string, node: ChangelogNode, what: string): void {
  walk.errors.push(
    readError(
      file,
      new UserError(
        'untranslated-change',
        `${file}:${node.line}: ${what}.`,
        'Check this change by hand, or write it as <sql>.',
        { file, line: node.line, column: 1 },
      ),
    ),
  );
}

/** A `<property>` at the changelog level, kept when its dbms is this engine's (first definition wins). */
function defineProperty(walk: Walk, node: ChangelogNode): void {
  const { name, value, dbms } = node.attributes;
  if (!name || value === undefined || walk.properties.has(name)) return;
  if (dbms && !dbmsMatches(walk.splitEngine ?? walk.engine, dbms)) return;
  walk.properties.set(name, value);
}

/** `${name}` replaced by the property's value; unknown names stay as written, as Liquibase leaves them. */
function withProperties(text: string, properties: Map<string, string>): string {
  return properties.size
    ? text.replace(/\$\{([\w.-]+)\}/g, (whole, name: string) => properties.get(name) ?? whole)
    : text;
}

function substituteProperties(node: ChangelogNode, properties: Map<string, string>): void {
  if (!properties.size) return;
  for (const [key, value] of Object.entries(node.attributes)) node.attributes[key] = withProperties(value, properties);
  node.text = withProperties(node.text, properties);
  for (const child of node.children) substituteProperties(child, properties);
}

function dbmsAllows(walk: Walk, dbms: string | undefined): boolean {
  if (!dbms || !walk.splitEngine) return true;
  return dbmsMatches(walk.splitEngine, dbms);
}

/** Whether Liquibase's dbms list (`postgresql`, `!h2`, `all` …) includes `engine`. */
function dbmsMatches(engine: Engine, dbms: string): boolean {
  const list = dbms.split(',').map((item) => item.trim().toLowerCase());
  const mine = Object.entries(DBMS)
    .filter(([, candidate]) => candidate === engine)
    .map(([name]) => name);
  const negated = list.filter((item) => item.startsWith('!')).map((item) => item.slice(1));
  if (negated.some((item) => mine.includes(item))) return false;
  const positive = list.filter((item) => !item.startsWith('!'));
  return positive.length === 0 || positive.includes('all') || positive.some((item) => mine.includes(item));
}

async function readChangeSet(walk: Walk, absolute: string, relative: string, node: ChangelogNode): Promise<void> {
  const changeSet: ChangeSet = {
    id: node.attributes.id ?? '',
    author: node.attributes.author ?? '',
    file: relative,
    line: node.line,
    attributes: node.attributes,
    up: [],
    notes: [],
  };
  if (!dbmsAllows(walk, node.attributes.dbms)) {
    walk.notes.push(
      `${relative}:${node.line}: changeSet ${changeSet.id} is for dbms ${node.attributes.dbms}: skipped by Liquibase on this engine.`,
    );
    return;
  }
  const rollbacks: ChangelogNode[] = [];
  const inverses: (Statement[] | undefined)[] = [];
  for (const change of node.children) {
    if (change.name === 'rollback') {
      rollbacks.push(change);
      continue;
    }
    if (['comment', 'preConditions', 'validCheckSum', 'tagDatabase', 'output', 'empty', 'stop'].includes(change.name)) {
      if (change.name === 'preConditions')
        changeSet.notes.push(`Line ${change.line}: preconditions are not evaluated here.`);
      if (change.name === 'tagDatabase') inverses.push([]);
      continue;
    }
    const translated = await translateChange(walk, absolute, relative, change);
    if (!translated) {
      changeSet.notes.push(
        `Not fully translated: <${change.name}> at line ${change.line} is reported as an error; its SQL is missing.`,
      );
      inverses.push(undefined);
      continue;
    }
    changeSet.up.push(...translated.up);
    inverses.push(translated.inverse);
  }
  const inlineRollback = node.attributes.rollback;
  if (rollbacks.length || inlineRollback !== undefined) {
    const down: Statement[] = [];
    if (inlineRollback !== undefined)
      down.push(...(await sqlStatements(walk, inlineRollback, relative, node.line, {})));
    for (const rollback of rollbacks) {
      if (rollback.text.trim()) {
        const line = rollback.textLine ?? rollback.line;
        down.push(...(await sqlStatements(walk, rollback.text, relative, line, rollback.attributes)));
      }
      for (const change of rollback.children) {
        const translated = await translateChange(walk, absolute, relative, change);
        if (translated) down.push(...translated.up);
      }
    }
    changeSet.down = down;
  } else if (inverses.length && inverses.every((inverse) => inverse !== undefined)) {
    changeSet.down = inverses.reverse().flat() as Statement[];
    changeSet.notes.push('Rollback derived by Liquibase from the change types (auto rollback).');
  }
  walk.changeSets.push(changeSet);
}

async function sqlStatements(
  walk: Walk,
  sql: string,
  file: string,
  line: number,
  attributes: Record<string, string>,
): Promise<Statement[]> {
  const text = attributes.stripComments === 'true' ? sql.replace(/--[^\n]*/g, '') : sql;
  const pieces =
    attributes.splitStatements === 'false'
      ? [{ sql: text.trim(), line: 0 }]
      : attributes.endDelimiter
        ? splitOnDelimiter(text, attributes.endDelimiter).map((statement) => ({
            sql: statement.sql,
            line: statement.span.start.line - 1,
          }))
        : (await splitStatements(text, walk.splitEngine, file)).map((statement) => ({
            sql: statement.sql,
            line: statement.span.start.line - 1,
          }));
  // The SQL sits inside an element: the origin is the element's line plus the statement's line within it.
  return pieces
    .filter((piece) => piece.sql)
    .map((piece) => compiledStatement(piece.sql, { file, line: line + piece.line }));
}

interface Translated {
  up: Statement[];
  /** Statements Liquibase would run to roll the change back automatically; undefined when it cannot. */
  inverse?: Statement[];
}

function attr(node: ChangelogNode, name: string): string | undefined {
  return node.attributes[name];
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Liquibase's portable types for the engine; others pass through as written. */
function typeFor(engine: ddl.DdlEngine, type: string, autoIncrement: boolean): string {
  const upper = type
    .trim()
    .toUpperCase()
    .replace(/^JAVA\.SQL\.TYPES\./, '');
  const pg = engine === 'postgresql';
  // Liquibase 4 makes an autoIncrement column an identity column on PostgreSQL, as `liquibase update` shows.
  if (autoIncrement && pg)
    return `${/^(INT|INTEGER|INT4)$/.test(upper) ? 'INTEGER' : /^SMALLINT$/.test(upper) ? 'SMALLINT' : 'BIGINT'} GENERATED BY DEFAULT AS IDENTITY`;
  const mapped = ((): string => {
    if (upper === 'DATETIME') return pg ? 'TIMESTAMP' : 'DATETIME';
    if (upper === 'CLOB' || upper === 'NCLOB') return pg || engine === 'sqlite' ? 'TEXT' : 'LONGTEXT';
    if (upper === 'BLOB') return pg ? 'BYTEA' : 'BLOB';
    if (upper === 'UUID') return pg ? 'UUID' : 'CHAR(36)';
    if (upper === 'BOOLEAN' || upper === 'BOOL') return engine === 'mysql' ? 'BIT(1)' : 'BOOLEAN';
    if (upper === 'TINYINT' && pg) return 'SMALLINT';
    if (/^NVARCHAR/.test(upper) && pg) return upper.replace(/^NVARCHAR/, 'VARCHAR');
    if (upper === 'CURRENCY') return 'DECIMAL(18, 4)';
    if (upper === 'DOUBLE' && pg) return 'DOUBLE PRECISION';
    return type.trim();
  })();
  return autoIncrement && engine === 'mysql' ? `${mapped} AUTO_INCREMENT` : mapped;
}

/** Liquibase writes its current date-time function as the engine's own (`now()` on PostgreSQL). */
const CURRENT_DATE_TIME = /^(current_timestamp|now\(\))$/i;

function defaultOf(engine: ddl.DdlEngine, node: ChangelogNode): ddl.DefaultValue | undefined {
  const a = node.attributes;
  if (a.defaultValueComputed !== undefined)
    return {
      sql:
        engine === 'postgresql' && CURRENT_DATE_TIME.test(a.defaultValueComputed.trim())
          ? 'now()'
          : a.defaultValueComputed,
    };
  if (a.defaultValueNumeric !== undefined) return { sql: a.defaultValueNumeric };
  if (a.defaultValueBoolean !== undefined) return { literal: a.defaultValueBoolean === 'true' };
  if (a.defaultValueDate !== undefined) return { literal: a.defaultValueDate };
  if (a.defaultValue !== undefined) return { literal: a.defaultValue };
  return undefined;
}

/** The SQL of an <insert>/<update> column's value* attribute (value is a string, valueComputed raw SQL …). */
function columnValueSql(engine: ddl.DdlEngine, column: ChangelogNode): string | undefined {
  const a = column.attributes;
  if (a.valueComputed !== undefined) return a.valueComputed;
  if (a.valueNumeric !== undefined) return a.valueNumeric;
  if (a.valueBoolean !== undefined) return ddl.defaultSql(engine, { literal: a.valueBoolean === 'true' });
  if (a.valueDate !== undefined) return ddl.stringLiteral(engine, a.valueDate);
  if (a.value !== undefined) return ddl.stringLiteral(engine, a.value);
  if (Object.keys(a).length === 1 && a.name !== undefined) return 'NULL';
  return undefined;
}

/** ` WHERE …` of an <update>/<delete>: a where attribute (YAML/JSON) or <where> element (XML); none: every row. */
function whereOf(change: ChangelogNode): string {
  const where = change.attributes.where ?? change.children.find((child) => child.name === 'where')?.text;
  return where?.trim() ? ` WHERE ${where.trim()}` : '';
}

const FK_RULES: Record<string, string> = {
  CASCADE: 'CASCADE',
  'SET NULL': 'SET NULL',
  'SET DEFAULT': 'SET DEFAULT',
  RESTRICT: 'RESTRICT',
  'NO ACTION': 'NO ACTION',
};

function columnOf(walk: Walk, column: ChangelogNode): ddl.ColumnSpec & { primaryKeyColumn: boolean } {
  const constraints = column.children.find((child) => child.name === 'constraints')?.attributes ?? {};
  const auto = column.attributes.autoIncrement === 'true';
  const value = defaultOf(walk.engine, column);
  const spec: ddl.ColumnSpec & { primaryKeyColumn: boolean } = {
    name: column.attributes.name ?? '',
    type: typeFor(walk.engine, column.attributes.type ?? '', auto),
    ...(constraints.nullable === 'false' ? { nullable: false } : {}),
    ...(value ? { default: value } : {}),
    ...(constraints.unique === 'true' ? { unique: true } : {}),
    ...(constraints.unique === 'true' && constraints.uniqueConstraintName
      ? { uniqueName: constraints.uniqueConstraintName }
      : {}),
    ...(constraints.primaryKeyName ? { primaryKeyName: constraints.primaryKeyName } : {}),
    primaryKeyColumn: constraints.primaryKey === 'true',
  };
  const referenced = constraints.referencedTableName;
  if (referenced) {
    spec.references = {
      table: referenced,
      column: constraints.referencedColumnNames ?? 'id',
      ...(constraints.deleteCascade === 'true' ? { onDelete: 'CASCADE' } : {}),
    };
  } else if (constraints.references) {
    const match = /^([\w.]+)\s*\(\s*(\w+)\s*\)$/.exec(constraints.references);
    if (match)
      spec.references = {
        table: match[1]!,
        column: match[2]!,
        ...(constraints.deleteCascade === 'true' ? { onDelete: 'CASCADE' } : {}),
      };
  }
  return spec;
}

function qualified(node: ChangelogNode, key = 'tableName'): string | undefined {
  const table = attr(node, key);
  const schema = attr(node, key === 'tableName' ? 'schemaName' : key.replace(/TableName$/, 'TableSchemaName'));
  return table ? (schema ? `${schema}.${table}` : table) : undefined;
}

async function translateChange(
  walk: Walk,
  absolute: string,
  file: string,
  change: ChangelogNode,
): Promise<Translated | undefined> {
  const e = walk.engine;
  const at = (sql: string[]) => sql.map((statement) => compiledStatement(statement, { file, line: change.line }));
  const missing = (what: string) => {
    unknownAt(walk, file, change, `<${change.name}> without ${what}`);
    return undefined;
  };
  try {
    if (change.name === 'sql' || change.name === 'createProcedure') {
      if (!dbmsAllows(walk, attr(change, 'dbms'))) return { up: [], inverse: [] };
      const statements = await sqlStatements(
        walk,
        change.text,
        file,
        change.textLine ?? change.line,
        change.attributes,
      );
      return { up: statements };
    }
    if (change.name === 'sqlFile') {
      if (!dbmsAllows(walk, attr(change, 'dbms'))) return { up: [], inverse: [] };
      const target = attr(change, 'path');
      if (!target) return missing('path');
      const resolved = await resolveInclude(walk, absolute, target, attr(change, 'relativeToChangelogFile') === 'true');
      const text = resolved ? await readText(resolved) : undefined;
      if (!resolved || text === undefined) {
        unknownAt(walk, file, change, `sqlFile ${target} was not found`);
        return undefined;
      }
      const sqlRelative = relativeToRoot(walk.context.root, resolved);
      const statements =
        attr(change, 'splitStatements') === 'false'
          ? [compiledStatement(text.trim(), { file: sqlRelative, line: 1 })]
          : attr(change, 'endDelimiter')
            ? splitOnDelimiter(text, attr(change, 'endDelimiter')!)
            : await splitStatements(text, walk.splitEngine, sqlRelative);
      return {
        up: statements.map((statement) =>
          statement.origin
            ? statement
            : { ...statement, origin: { file: sqlRelative, line: statement.span.start.line } },
        ),
      };
    }
    const table = qualified(change);
    switch (change.name) {
      case 'createTable': {
        if (!table) return missing('tableName');
        const columns = change.children
          .filter((child) => child.name === 'column')
          .map((column) => columnOf(walk, column));
        const primaryKey = columns.filter((column) => column.primaryKeyColumn);
        for (const column of columns) if (primaryKey.length === 1 && column.primaryKeyColumn) column.primaryKey = true;
        const sql = ddl.createTable(
          e,
          table,
          columns.map(({ primaryKeyColumn: _pk, ...column }) => column),
          primaryKey.length > 1
            ? {
                primaryKey: primaryKey.map((column) => column.name),
                ...(primaryKey[0]?.primaryKeyName ? { primaryKeyName: primaryKey[0].primaryKeyName } : {}),
              }
            : {},
        );
        return { up: at([sql]), inverse: at([ddl.dropTable(e, table)]) };
      }
      case 'dropTable':
        if (!table) return missing('tableName');
        return { up: at([ddl.dropTable(e, table, { cascade: attr(change, 'cascadeConstraints') === 'true' })]) };
      case 'addColumn': {
        if (!table) return missing('tableName');
        const columns = change.children
          .filter((child) => child.name === 'column')
          .map((column) => columnOf(walk, column));
        return {
          up: at(
            columns.map(({ primaryKeyColumn, ...column }) =>
              ddl.addColumn(e, table, { ...column, ...(primaryKeyColumn ? { primaryKey: true } : {}) }),
            ),
          ),
          inverse: at(columns.reverse().map((column) => ddl.dropColumn(e, table, column.name))),
        };
      }
      case 'dropColumn': {
        if (!table) return missing('tableName');
        const names = attr(change, 'columnName')
          ? [attr(change, 'columnName')!]
          : change.children.filter((child) => child.name === 'column').map((column) => column.attributes.name ?? '');
        if (!names.length) return missing('columnName');
        return { up: at(names.map((name) => ddl.dropColumn(e, table, name))) };
      }
      case 'renameColumn': {
        const from = attr(change, 'oldColumnName');
        const to = attr(change, 'newColumnName');
        if (!table || !from || !to) return missing('tableName, oldColumnName and newColumnName');
        return { up: at([ddl.renameColumn(e, table, from, to)]), inverse: at([ddl.renameColumn(e, table, to, from)]) };
      }
      case 'renameTable': {
        const from = qualified(change, 'oldTableName');
        const to = attr(change, 'newTableName');
        if (!from || !to) return missing('oldTableName and newTableName');
        return { up: at([ddl.renameTable(e, from, to)]), inverse: at([ddl.renameTable(e, to, from)]) };
      }
      case 'createIndex': {
        const name = attr(change, 'indexName');
        const columns = change.children
          .filter((child) => child.name === 'column')
          .map((column) => column.attributes.name ?? column.text.trim());
        if (!table || !name || !columns.length) return missing('tableName, indexName and columns');
        return {
          up: at([ddl.createIndex(e, { table, name, columns, unique: attr(change, 'unique') === 'true' })]),
          inverse: at([ddl.dropIndex(e, table, name)]),
        };
      }
      case 'dropIndex': {
        const name = attr(change, 'indexName');
        if (!name) return missing('indexName');
        return { up: at([ddl.dropIndex(e, table ?? '', name)]) };
      }
      case 'addForeignKeyConstraint': {
        const base = qualified(change, 'baseTableName');
        const referenced = qualified(change, 'referencedTableName');
        const name = attr(change, 'constraintName');
        if (!base || !referenced || !name) return missing('baseTableName, referencedTableName and constraintName');
        const onDelete = FK_RULES[(attr(change, 'onDelete') ?? '').toUpperCase()];
        const onUpdate = FK_RULES[(attr(change, 'onUpdate') ?? '').toUpperCase()];
        const sql = ddl.addForeignKey(e, base, list(attr(change, 'baseColumnNames')), {
          table: referenced,
          columns: list(attr(change, 'referencedColumnNames')),
          name,
          ...(onDelete ? { onDelete } : {}),
          ...(onUpdate ? { onUpdate } : {}),
          ...(attr(change, 'validate') === 'false' ? { validate: false } : {}),
        });
        return { up: at([sql]), inverse: at([ddl.dropConstraint(e, base, name, 'foreign')]) };
      }
      case 'dropForeignKeyConstraint': {
        const base = qualified(change, 'baseTableName');
        const name = attr(change, 'constraintName');
        if (!base || !name) return missing('baseTableName and constraintName');
        return { up: at([ddl.dropConstraint(e, base, name, 'foreign')]) };
      }
      case 'addNotNullConstraint':
      case 'dropNotNullConstraint': {
        const column = attr(change, 'columnName');
        if (!table || !column) return missing('tableName and columnName');
        const type = attr(change, 'columnDataType') ? typeFor(e, attr(change, 'columnDataType')!, false) : undefined;
        const add = change.name === 'addNotNullConstraint';
        const up: string[] = [];
        const fill = attr(change, 'defaultNullValue');
        if (add && fill !== undefined) {
          up.push(
            `UPDATE ${ddl.quoteTable(e, table)} SET ${ddl.quote(e, column)} = ${ddl.stringLiteral(e, fill)} WHERE ${ddl.quote(e, column)} IS NULL`,
          );
        }
        up.push(ddl.setNotNull(e, table, column, add, type));
        return { up: at(up), ...(add ? { inverse: at([ddl.setNotNull(e, table, column, false, type)]) } : {}) };
      }
      case 'addUniqueConstraint': {
        const name = attr(change, 'constraintName');
        if (!table || !name) return missing('tableName and constraintName');
        return {
          up: at([ddl.addUnique(e, table, list(attr(change, 'columnNames')), name)]),
          inverse: at([e === 'sqlite' ? ddl.dropIndex(e, table, name) : ddl.dropConstraint(e, table, name, 'unique')]),
        };
      }
      case 'dropUniqueConstraint': {
        const name = attr(change, 'constraintName');
        if (!table || !name) return missing('tableName and constraintName');
        return { up: at([ddl.dropConstraint(e, table, name, 'unique')]) };
      }
      case 'addPrimaryKey': {
        const columns = list(attr(change, 'columnNames'));
        if (!table || !columns.length) return missing('tableName and columnNames');
        const name = attr(change, 'constraintName');
        const sql = `ALTER TABLE ${ddl.quoteTable(e, table)} ADD ${name ? `CONSTRAINT ${ddl.quote(e, name)} ` : ''}PRIMARY KEY (${columns.map((column) => ddl.quote(e, column)).join(', ')})`;
        return { up: at([sql]) };
      }
      case 'addDefaultValue': {
        const column = attr(change, 'columnName');
        const value = defaultOf(e, change);
        if (!table || !column || !value) return missing('tableName, columnName and a defaultValue*');
        return {
          up: at([ddl.setDefault(e, table, column, value)]),
          inverse: at([ddl.setDefault(e, table, column, undefined)]),
        };
      }
      case 'dropDefaultValue': {
        const column = attr(change, 'columnName');
        if (!table || !column) return missing('tableName and columnName');
        return { up: at([ddl.setDefault(e, table, column, undefined)]) };
      }
      case 'modifyDataType': {
        const column = attr(change, 'columnName');
        const type = attr(change, 'newDataType');
        if (!table || !column || !type) return missing('tableName, columnName and newDataType');
        return { up: at([ddl.changeType(e, table, column, typeFor(e, type, false))]) };
      }
      case 'createView': {
        const name = attr(change, 'viewName');
        if (!name) return missing('viewName');
        const replace = attr(change, 'replaceIfExists') === 'true' ? 'OR REPLACE ' : '';
        return {
          up: at([`CREATE ${replace}VIEW ${ddl.quoteTable(e, name)} AS ${change.text.trim().replace(/;\s*$/, '')}`]),
          inverse: at([`DROP VIEW ${ddl.quoteTable(e, name)}`]),
        };
      }
      case 'dropView': {
        const name = attr(change, 'viewName');
        if (!name) return missing('viewName');
        return { up: at([`DROP VIEW ${ddl.quoteTable(e, name)}`]) };
      }
      case 'createSequence': {
        const name = attr(change, 'sequenceName');
        if (!name) return missing('sequenceName');
        const start = attr(change, 'startValue') ? ` START WITH ${attr(change, 'startValue')}` : '';
        const step = attr(change, 'incrementBy') ? ` INCREMENT BY ${attr(change, 'incrementBy')}` : '';
        return {
          up: at([`CREATE SEQUENCE ${ddl.quoteTable(e, name)}${start}${step}`]),
          inverse: at([`DROP SEQUENCE ${ddl.quoteTable(e, name)}`]),
        };
      }
      case 'insert': {
        const columns = change.children.filter((child) => child.name === 'column');
        const values = columns.map((column) => columnValueSql(e, column));
        if (!table || !columns.length || values.includes(undefined)) return missing('tableName and column values');
        const names = columns.map((column) => ddl.quote(e, column.attributes.name ?? ''));
        return {
          up: at([`INSERT INTO ${ddl.quoteTable(e, table)} (${names.join(', ')}) VALUES (${values.join(', ')})`]),
        };
      }
      case 'update': {
        const columns = change.children.filter((child) => child.name === 'column');
        const values = columns.map((column) => columnValueSql(e, column));
        if (!table || !columns.length || values.includes(undefined)) return missing('tableName and column values');
        const set = columns.map((column, index) => `${ddl.quote(e, column.attributes.name ?? '')} = ${values[index]}`);
        return { up: at([`UPDATE ${ddl.quoteTable(e, table)} SET ${set.join(', ')}${whereOf(change)}`]) };
      }
      case 'delete':
        if (!table) return missing('tableName');
        return { up: at([`DELETE FROM ${ddl.quoteTable(e, table)}${whereOf(change)}`]) };
      default:
        unknownAt(walk, file, change, `change type <${change.name}> is not translated`);
        return undefined;
    }
  } catch (error) {
    walk.errors.push(
      readError(
        file,
        error instanceof UserError
          ? new UserError(error.code, `<${change.name}>: ${error.what}`, error.fix, {
              file,
              line: change.line,
              column: 1,
            })
          : error,
      ),
    );
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------- formatted SQL

interface SqlChangeSet {
  author: string;
  id: string;
  attributes: Record<string, string>;
  line: number;
  start: number;
  end: number;
}

/** `--changeset author:id key:value …` lines split a formatted SQL changelog; `--rollback` lines give the down. */
async function readFormattedSql(walk: Walk, absolute: string, relative: string, text: string): Promise<void> {
  const lines = text.split('\n');
  const offsets: number[] = [];
  let offset = 0;
  for (const line of lines) {
    offsets.push(offset);
    offset += line.length + 1;
  }
  const sets: SqlChangeSet[] = [];
  lines.forEach((line, index) => {
    const match = /^\s*--\s*changeset\s+(?:"([^"]+)"|([^:\s]+)):(\S+)(.*)$/i.exec(line);
    if (!match) {
      if (/^\s*--\s*changeset\b/i.test(line)) {
        walk.errors.push(
          readError(
            relative,
            new UserError(
              'liquibase-changeset-line',
              `${relative}:${index + 1}: --changeset needs author:id.`,
              'Write `--changeset <author>:<id>`.',
              { file: relative, line: index + 1, column: 1 },
            ),
          ),
        );
      }
      return;
    }
    const previous = sets.at(-1);
    if (previous) previous.end = offsets[index]!;
    const attributes: Record<string, string> = {};
    for (const pair of (match[4] ?? '').matchAll(/(\w+):("[^"]*"|\S+)/g))
      attributes[pair[1]!] = pair[2]!.replace(/^"|"$/g, '');
    sets.push({
      author: match[1] ?? match[2] ?? '',
      id: match[3]!,
      attributes,
      line: index + 1,
      start: offsets[index]! + line.length,
      end: text.length,
    });
  });
  for (const set of sets) {
    if (!dbmsAllows(walk, set.attributes.dbms)) {
      walk.notes.push(
        `${relative}:${set.line}: changeSet ${set.id} is for dbms ${set.attributes.dbms}: skipped by Liquibase on this engine.`,
      );
      continue;
    }
    const section = text.slice(0, set.end);
    // Blank the --rollback lines and other directives out of the up text, keeping positions.
    const upText = blankLines(section, set.start, (line) =>
      /^\s*--\s*(rollback|comment|precondition|preconditions|validCheckSum|labels|context)\b/i.test(line),
    );
    const rollbackText = rollbackOnly(section, set.start);
    const notes: string[] = [];
    const up = await sectionStatements(walk, upText, relative, set.attributes);
    let down: Statement[] | undefined;
    if (rollbackText !== undefined) {
      const notRequired = /^\s*(not\s+required|empty)\s*$/i.test(rollbackText.replace(/\s+/g, ' ').trim());
      down = notRequired ? [] : await sectionStatements(walk, rollbackText, relative, set.attributes);
      if (notRequired) notes.push('--rollback not required: rolling back runs nothing.');
    }
    walk.changeSets.push({
      id: set.id,
      author: set.author,
      file: relative,
      line: set.line,
      attributes: set.attributes,
      up,
      ...(down ? { down } : {}),
      notes,
    });
  }
  if (!sets.length) {
    walk.errors.push(
      readError(
        relative,
        new UserError(
          'liquibase-no-changesets',
          `${relative} is a formatted SQL changelog with no --changeset lines.`,
          'Start each change with `--changeset <author>:<id>`.',
          { file: relative, line: 1, column: 1 },
        ),
      ),
    );
  }
  void absolute;
}

async function sectionStatements(
  walk: Walk,
  text: string,
  file: string,
  attributes: Record<string, string>,
): Promise<Statement[]> {
  if (attributes.splitStatements === 'false') {
    const start = text.search(/\S/);
    if (start === -1) return [];
    const sql = text.trim();
    const before = text.slice(0, start);
    const line = before.split('\n').length;
    return [
      {
        sql,
        span: {
          start: { line, column: start - before.lastIndexOf('\n') },
          end: { line: line + sql.split('\n').length - 1, column: 1 },
        },
        offset: { start, end: start + sql.length },
      },
    ];
  }
  if (attributes.endDelimiter) return splitOnDelimiter(text, attributes.endDelimiter);
  return splitStatements(text, walk.splitEngine, file);
}

/** The section text with everything before `from` blanked and matching lines blanked (newlines kept). */
function blankLines(text: string, from: number, drop: (line: string) => boolean): string {
  const head = text.slice(0, from).replace(/[^\n]/g, ' ');
  const body = text
    .slice(from)
    .split('\n')
    .map((line) => (drop(line) ? ' '.repeat(line.length) : line))
    .join('\n');
  return head + body;
}

/** Only the text after `--rollback` on rollback lines, in place; undefined when the changeSet has none. */
function rollbackOnly(text: string, from: number): string | undefined {
  let found = false;
  const head = text.slice(0, from).replace(/[^\n]/g, ' ');
  const body = text
    .slice(from)
    .split('\n')
    .map((line) => {
      const match = /^(\s*--\s*rollback\s?)(.*)$/i.exec(line);
      if (!match) return ' '.repeat(line.length);
      found = true;
      return ' '.repeat(match[1]!.length) + match[2];
    })
    .join('\n');
  return found ? head + body : undefined;
}

// ---------------------------------------------------------------------------------------------- detect

/** detect_setup: folders holding a root changelog; its changeSets listed without translating them. */
export function scanLiquibase(context: PackageContext): MigrationScan[] {
  const scans: MigrationScan[] = [];
  const claimed = new Set<string>();
  for (const dir of context.ownDirs) {
    if ([...claimed].some((folder) => dir.startsWith(`${folder}/`))) continue;
    const changelogs = context.files
      .filesIn(dir)
      .filter((name) => CHANGELOG.test(name) && isChangelogText(context.files.read(joinRelative(dir, name)) ?? ''));
    if (!changelogs.length) continue;
    claimed.add(dir);
    const entries: MigrationEntry[] = [];
    const visit = (file: string, seen: Set<string>) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = context.files.read(file) ?? '';
      // XML, YAML and JSON include entries.
      const includes = /(?:<include\b[^>]*\bfile="([^"]+)"|^\s*-?\s*file:\s*["']?([^"'\s]+)|"file"\s*:\s*"([^"]+)")/gm;
      for (const match of text.matchAll(includes)) {
        const target = match[1] ?? match[2] ?? match[3]!;
        const candidates = [
          joinRelative(dirOf(file), target),
          joinRelative(context.dir, 'src/main/resources', target),
          target,
        ];
        const found = candidates.find((candidate) => context.files.has(candidate));
        if (found) visit(found, seen);
      }
      const pattern = /<changeSet\b[^>]*>|^\s*-\s*changeSet:\s*$|"changeSet"\s*:|^\s*--\s*changeset\s+\S+/gim;
      for (const match of text.matchAll(pattern)) {
        const head = match[0];
        const id =
          /\bid="([^"]+)"/.exec(head)?.[1] ??
          /changeset\s+[^:\s]+:(\S+)/i.exec(head)?.[1] ??
          /\bid["']?\s*:\s*["']?([^"'\n,]+)/.exec(text.slice(match.index, match.index + 300))?.[1]?.trim() ??
          '';
        const after = text.slice(match.index, match.index + 4000);
        entries.push({
          id,
          name: id,
          path: file,
          tool: 'liquibase',
          hasDown: /<rollback\b|^\s*"?rollback"?\s*:|^\s*--\s*rollback\b/im.test(
            after.split(/<changeSet\b|-\s*changeSet:|--\s*changeset\b/i)[1] ?? '',
          ),
          transactional: !/runInTransaction[=:]\s*"?false/i.test(head),
        });
      }
    };
    const roots = changelogs.filter((name) => /master|root|main/i.test(name));
    const seen = new Set<string>();
    for (const name of roots.length ? roots : changelogs) visit(joinRelative(dir, name), seen);
    const rootFile = (roots.length ? roots : changelogs)[0]!;
    scans.push(
      staticScan('liquibase', dir, entries, {
        naming: 'changeSet id in a changelog included by the master changelog',
        example: rootFile,
        extension: /\.sql$/i.test(rootFile) ? '.sql (formatted SQL)' : path.extname(rootFile) || '.xml',
        moduleStyle: /\.sql$/i.test(rootFile)
          ? 'sql'
          : /\.ya?ml$/i.test(rootFile)
            ? 'yaml'
            : /\.json$/i.test(rootFile)
              ? 'json'
              : 'xml',
        transaction: 'per changeSet (opt out with runInTransaction:false)',
      }),
    );
  }
  return scans;
}
