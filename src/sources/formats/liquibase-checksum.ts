import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { nodeCrypto } from '../../lazy-builtins.js';
import type { Engine, Migration } from '../../model.js';
import { type ChangelogNode, parseXmlChangelog, parseYamlChangelog } from './changelog-tree.js';

/**
 * The MD5SUM Liquibase 4.24+ stores for a changeSet (checksum version 9), from the changelog as it is now:
 * `9:` + MD5 of each change's own checksum followed by `:`. A SQL change (`<sql>`, `sqlFile`, a formatted SQL
 * changeSet) hashes its SQL without spaces, tabs and line breaks; another change type hashes Liquibase's
 * field-by-field serialization of it (fields sorted, nested columns and constraints indented by four). Checked
 * against `liquibase update` in test/environments/liquibase-checksum.test.ts. Changelog parameters (`<property>`
 * of the changelogs in the file's folder and the folders above it, the first definition for the engine winning)
 * are substituted as Liquibase does before it hashes. Undefined where the result would be a guess: change types
 * outside the list below, an unknown or ambiguous parameter, dbms-targeted changes, dates and decimals.
 */

const md5 = (text: string) => nodeCrypto().createHash('md5').update(text, 'utf8').digest('hex');

/** A change's checksum `9:<md5>` joined the way ChangeSet.generateCheckSum joins them. */
function changeSetChecksum(changeChecksums: string[]): string {
  return `9:${md5(changeChecksums.map((checksum) => `9:${checksum}:`).join(''))}`;
}

/** AbstractSQLChange's NormalizingStream: the SQL with every space, tab, CR and LF removed. */
function sqlChecksum(sql: string): string {
  return md5(sql.trim().replace(/[ \t\r\n]/g, ''));
}

/** Change types whose serialization is Liquibase's attributes and column children as written. */
const SERIALIZED_CHANGES = new Set([
  'createTable',
  'addColumn',
  'createIndex',
  'insert',
  'addForeignKeyConstraint',
  'addNotNullConstraint',
  'dropNotNullConstraint',
  'renameColumn',
  'renameTable',
  'addDefaultValue',
  'dropDefaultValue',
  'modifyDataType',
  'dropTable',
  'dropColumn',
  'dropIndex',
  'addUniqueConstraint',
  'dropUniqueConstraint',
  'addPrimaryKey',
  'dropPrimaryKey',
  'dropForeignKeyConstraint',
]);

/** Fields a change type leaves out of its checksum (getExcludedFieldFilters for version 9). */
const EXCLUDED: Record<string, string[]> = { createTable: ['ifNotExists'], createIndex: ['associatedWith'] };

/** Boolean fields Liquibase parses, so `TRUE` is serialized `true`. */
const BOOLEAN_FIELDS =
  /^(autoIncrement|nullable|primaryKey|unique|deleteCascade|deferrable|initiallyDeferred|clustered|cascadeConstraints|validate\w*|defaultValueBoolean|valueBoolean|computed|descending|shouldValidate\w*)$/;
/** Fields holding dates or other typed values whose serialization is not the text as written. */
const TYPED_FIELDS =
  /^(defaultValueDate|valueDate|valueBlobFile|valueClobFile|defaultValueSequenceNext|valueSequence\w*)$/;

/** Children that are not changes: they never enter the checksum (modifySql does: then it is unknown). */
const NOT_CHANGES = new Set(['rollback', 'comment', 'preConditions', 'validCheckSum', 'validCheckSums']);

const indent = (level: number) => ' '.repeat(4 * level);

/** StringChangeLogSerializer: `[`, the fields sorted as text, `]`; columns as a list, constraints as an object. */
function serialize(node: ChangelogNode, level: number, excluded: string[], parameters: Parameters): string | undefined {
  const lines: string[] = [];
  for (const [field, written] of Object.entries(node.attributes)) {
    if (excluded.includes(field)) continue;
    const raw = expand(written, parameters);
    if (raw === undefined || TYPED_FIELDS.test(field)) return undefined;
    if (/^(defaultValueNumeric|valueNumeric)$/.test(field) && !/^-?\d+$/.test(raw)) return undefined;
    const value = BOOLEAN_FIELDS.test(field) && /^(true|false)$/i.test(raw) ? raw.toLowerCase() : raw;
    lines.push(`${indent(level)}${field}="${value}"`);
  }
  if (node.text.trim()) return undefined;
  const columns = node.children.filter((child) => child.name === 'column');
  for (const child of node.children) {
    if (child.name === 'column') continue;
    if (child.name !== 'constraints') return undefined;
    const nested = serialize(child, level + 1, [], parameters);
    if (nested === undefined) return undefined;
    lines.push(`${indent(level)}${nested}`);
  }
  if (columns.length > 0) {
    const items: string[] = [];
    for (const column of columns) {
      const item = serialize(column, level + 2, [], parameters);
      if (item === undefined) return undefined;
      items.push(`${indent(level + 1)}${item}`);
    }
    lines.push(`${indent(level)}columns=[\n${items.join(',\n')}\n${indent(level)}]`);
  }
  lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return lines.length ? `[\n${lines.join('\n')}\n${indent(level - 1)}]` : `[${indent(level - 1)}]`;
}

function changeChecksum(
  change: ChangelogNode,
  changelog: string,
  root: string,
  parameters: Parameters,
): string | undefined {
  if (change.name === 'sql') {
    const sql = expand(change.text, parameters);
    return change.attributes.dbms || sql === undefined ? undefined : sqlChecksum(sql);
  }
  if (change.name === 'sqlFile') {
    const target = change.attributes.path;
    if (!target || change.attributes.dbms) return undefined;
    const file = sqlFilePath(target, change.attributes.relativeToChangelogFile === 'true', changelog, root);
    const text = file ? readFileSync(file, 'utf8') : undefined;
    return text === undefined || text.includes('${') ? undefined : sqlChecksum(text);
  }
  if (!SERIALIZED_CHANGES.has(change.name)) return undefined;
  const body = serialize(change, 1, EXCLUDED[change.name] ?? [], parameters);
  return body === undefined ? undefined : md5(`${change.name}:${body}`);
}

/** Where Liquibase finds a sqlFile: beside the changelog, or on its search path (the resources folder, the root). */
function sqlFilePath(target: string, relative: boolean, changelog: string, root: string): string | undefined {
  const bases = relative
    ? [path.dirname(changelog)]
    : [path.join(root, 'src/main/resources'), root, path.dirname(changelog)];
  for (const base of bases) {
    const candidate = path.resolve(base, target.replace(/^classpath:\/?/, ''));
    if (candidate.startsWith(root) && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function findChangeSet(node: ChangelogNode, author: string, id: string): ChangelogNode | undefined {
  for (const child of node.children) {
    if (child.name === 'changeSet' && child.attributes.id === id && child.attributes.author === author) return child;
    const found = findChangeSet(child, author, id);
    if (found) return found;
  }
  return undefined;
}

/** Lines of a formatted SQL changeSet that are directives, not its SQL. */
const DIRECTIVE = /^\s*--\s*(rollback|comment|precondition|preconditions|property|include|includeAll)\b/i;
/** Directives whose effect is not reproduced here (a listed valid checksum is accepted whatever the SQL). */
const UNHANDLED = /^\s*--\s*(ignoreLines|labels|context|validCheckSum)\b|\/\*\s*liquibase\s+rollback/i;

function formattedSqlChecksum(text: string, author: string, id: string, parameters: Parameters): string | undefined {
  const lines = text.split(/\r?\n|\r/);
  const header = (line: string) => /^\s*--\s*changeset\s+(?:"([^"]+)"|([^:\s]+)):(\S+)/i.exec(line);
  const start = lines.findIndex((line) => {
    const match = header(line);
    return match !== null && (match[1] ?? match[2]) === author && match[3] === id;
  });
  if (start < 0) return undefined;
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (header(line) || /^\s*--\s*changeset\b/i.test(line)) break;
    if (UNHANDLED.test(line)) return undefined;
    if (!DIRECTIVE.test(line)) body.push(line);
  }
  const sql = expand(body.join('\n'), parameters);
  return sql === undefined ? undefined : changeSetChecksum([sqlChecksum(sql)]);
}

/** The checksum Liquibase would store for this changeSet now; undefined when it is not computed here. */
export function liquibaseChecksum(migration: Migration, root: string, engine?: Engine): string | undefined {
  const file = path.join(root, migration.path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const separator = migration.name.indexOf(':');
  const author = migration.name.slice(0, separator);
  const id = migration.name.slice(separator + 1);
  const parameters = changelogParameters(file, root, engine);
  if (/\.sql$/i.test(file)) return formattedSqlChecksum(text, author, id, parameters);
  let tree: ChangelogNode;
  try {
    tree = /\.xml$/i.test(file) ? parseXmlChangelog(text, migration.path) : parseYamlChangelog(text, migration.path);
  } catch {
    return undefined;
  }
  const changeSet = findChangeSet(tree, author, id);
  if (!changeSet) return undefined;
  // A changeSet that lists valid checksums is accepted under any of them: not compared here.
  if (changeSet.children.some((child) => /^validCheckSums?$/.test(child.name))) return undefined;
  const checksums: string[] = [];
  for (const change of changeSet.children) {
    if (NOT_CHANGES.has(change.name)) continue;
    const checksum = changeChecksum(change, file, root, parameters);
    if (checksum === undefined) return undefined;
    checksums.push(checksum);
  }
  return changeSetChecksum(checksums);
}

/** runOnChange / runAlways: Liquibase runs the changeSet again when it changed, so an edit is not an error. */
export function liquibaseRunsOnChange(migration: Migration, root: string): boolean {
  let text: string;
  try {
    text = readFileSync(path.join(root, migration.path), 'utf8');
  } catch {
    return false;
  }
  const separator = migration.name.indexOf(':');
  const author = migration.name.slice(0, separator);
  const id = migration.name.slice(separator + 1);
  if (/\.sql$/i.test(migration.path)) {
    const header = text
      .split(/\r?\n|\r/)
      .map((line) => /^\s*--\s*changeset\s+(?:"([^"]+)"|([^:\s]+)):(\S+)(.*)$/i.exec(line))
      .find((match) => match && (match[1] ?? match[2]) === author && match[3] === id);
    return /\b(runOnChange|runAlways):true\b/i.test(header?.[4] ?? '');
  }
  try {
    const tree = /\.xml$/i.test(migration.path)
      ? parseXmlChangelog(text, migration.path)
      : parseYamlChangelog(text, migration.path);
    const attributes = findChangeSet(tree, author, id)?.attributes ?? {};
    return attributes.runOnChange === 'true' || attributes.runAlways === 'true';
  } catch {
    return false;
  }
}

/** Parameter values by name; `undefined` marks one whose value depends on what this engine cannot tell apart. */
type Parameters = Map<string, string | undefined>;

/** Liquibase's dbms names for each engine (a MySQL URL may be a MariaDB server: both names apply). */
const DBMS_NAMES: Partial<Record<Engine, string[]>> = {
  postgresql: ['postgresql'],
  mysql: ['mysql', 'mariadb'],
  mariadb: ['mariadb'],
  sqlite: ['sqlite'],
  mssql: ['mssql'],
  cockroachdb: ['cockroachdb'],
};

/** `${name}` replaced by its parameter; undefined when a name is unknown or ambiguous (the checksum would be a guess). */
function expand(text: string, parameters: Parameters): string | undefined {
  let unknown = false;
  const expanded = text.replace(/\$\{([\w.-]+)\}/g, (whole, name: string) => {
    const value = parameters.get(name);
    if (value === undefined) unknown = true;
    return value ?? whole;
  });
  return unknown ? undefined : expanded;
}

/**
 * The `<property name value dbms>` of the changelogs in the changeSet's folder and every folder above it up to the
 * project root (a master changelog includes the ones below it), outermost first: the first definition for the
 * engine wins, as in Liquibase. A parameter defined differently for names the engine may be (mysql, mariadb) is
 * ambiguous.
 */
function changelogParameters(file: string, root: string, engine: Engine | undefined): Parameters {
  const folders: string[] = [];
  for (let folder = path.dirname(file); folder.startsWith(root); folder = path.dirname(folder)) {
    folders.unshift(folder);
    if (folder === root) break;
  }
  const parameters: Parameters = new Map();
  const names = engine ? (DBMS_NAMES[engine] ?? []) : [];
  for (const folder of folders) {
    let entries: string[];
    try {
      entries = readdirSync(folder)
        .filter((name) => /\.(xml|ya?ml|json)$/i.test(name))
        .sort();
    } catch {
      continue;
    }
    const files = [
      ...entries.filter((name) => path.join(folder, name) !== file),
      ...entries.filter((name) => path.join(folder, name) === file),
    ];
    for (const name of files) {
      const absolute = path.join(folder, name);
      let text: string;
      try {
        text = readFileSync(absolute, 'utf8');
      } catch {
        continue;
      }
      if (!/databaseChangeLog/.test(text) || !/property/.test(text)) continue;
      let tree: ChangelogNode;
      try {
        tree = /\.xml$/i.test(name) ? parseXmlChangelog(text, absolute) : parseYamlChangelog(text, absolute);
      } catch {
        continue;
      }
      for (const node of propertyNodes(tree)) define(parameters, node.attributes, names);
    }
  }
  return parameters;
}

function propertyNodes(node: ChangelogNode): ChangelogNode[] {
  return node.children.flatMap((child) =>
    child.name === 'property' ? [child] : child.name === 'databaseChangeLog' ? propertyNodes(child) : [],
  );
}

function define(parameters: Parameters, attributes: Record<string, string>, names: string[]): void {
  const { name, value, dbms } = attributes;
  if (!name || value === undefined || (parameters.has(name) && parameters.get(name) !== undefined)) return;
  if (!dbms) {
    if (!parameters.has(name)) parameters.set(name, value);
    return;
  }
  const listed = dbms.split(',').map((item) => item.trim().toLowerCase());
  const negated = listed.filter((item) => item.startsWith('!')).map((item) => item.slice(1));
  const positive = listed.filter((item) => !item.startsWith('!'));
  const matching = names.filter(
    (candidate) =>
      !negated.includes(candidate) &&
      (positive.length === 0 || positive.includes('all') || positive.includes(candidate)),
  );
  if (matching.length === 0) return;
  // Defined for only some of the names this engine may be (mysql but not mariadb): which one applies is unknown.
  parameters.set(name, matching.length === names.length ? value : undefined);
}
