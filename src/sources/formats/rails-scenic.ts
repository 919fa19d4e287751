import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { readText } from '../files.js';
import * as ddl from './ddl.js';
import { type DslArgs, type DslValue, symbolOrString } from './dsl-source.js';

/**
 * The Scenic gem's view statements (create_view, drop_view, update_view, replace_view) as the SQL its PostgreSQL
 * adapter runs. A view's query is the file db/views/<name>_v<NN>.sql of the version asked for.
 */

/** The view definition files of db/views, by file name. */
export async function scenicDefinitions(root: string): Promise<Map<string, string>> {
  const folder = path.join(root, 'db', 'views');
  const files = await readdir(folder).catch(() => [] as string[]);
  const definitions = new Map<string, string>();
  for (const file of files.filter((name) => name.endsWith('.sql'))) {
    const text = await readText(path.join(folder, file));
    if (text !== undefined) definitions.set(file, text);
  }
  return definitions;
}

export const SCENIC_CALLS = new Set(['create_view', 'drop_view', 'update_view', 'replace_view']);

export type ScenicTranslation = { up: string[]; down: string[] | undefined } | { unknown: string };

/** The SQL of a Scenic call, its inverse (undefined when Scenic cannot reverse it), or why it is not translated. */
export function scenicStatements(
  call: string,
  args: DslArgs,
  definitions: ReadonlyMap<string, string>,
  engine: ddl.DdlEngine,
): ScenicTranslation {
  const name = symbolOrString(args.positional[0]);
  if (!name || engine !== 'postgresql') return { unknown: `${call} is translated for PostgreSQL views only` };
  const k = args.keywords;
  const materialized = k.get('materialized');
  const isMaterialized = materialized !== undefined && !(materialized.kind === 'bool' && !materialized.value);
  const noData =
    materialized?.kind === 'keywords' &&
    materialized.entries.some(([key, value]) => key === 'no_data' && isTrue(value));
  const view = ddl.quoteTable(engine, name);
  const kind = isMaterialized ? 'MATERIALIZED VIEW' : 'VIEW';
  const drop = `DROP ${kind} ${view}`;
  const create = (query: string) =>
    `CREATE ${kind} ${view} AS\n${query}${isMaterialized && noData ? '\nWITH NO DATA' : ''}`;
  const query = (version: DslValue | undefined) => definitionOf(name, version, k.get('sql_definition'), definitions);
  const revert = k.get('revert_to_version');
  const reverted = revert === undefined ? undefined : definitionOf(name, revert, undefined, definitions);
  switch (call) {
    case 'create_view': {
      const sql = query(k.get('version'));
      return typeof sql === 'string' ? { up: [create(sql)], down: [drop] } : sql;
    }
    case 'drop_view':
      return { up: [drop], down: typeof reverted === 'string' ? [create(reverted)] : undefined };
    case 'update_view': {
      if (isMaterialized) return { unknown: 'update_view of a materialized view recreates its indexes as well' };
      const sql = query(k.get('version'));
      if (typeof sql !== 'string') return sql;
      return { up: [drop, create(sql)], down: typeof reverted === 'string' ? [drop, create(reverted)] : undefined };
    }
    default: {
      const sql = query(k.get('version'));
      if (typeof sql !== 'string') return sql;
      const replace = (text: string) => `CREATE OR REPLACE VIEW ${view} AS\n${text}`;
      return { up: [replace(sql)], down: typeof reverted === 'string' ? [replace(reverted)] : undefined };
    }
  }
}

function isTrue(value: DslValue): boolean {
  return value.kind === 'bool' && value.value;
}

/**
 * The view's query: a literal sql_definition, `Scenic::Definition.new(:name, n).to_sql`, or the file of `version`
 * (1 when neither is given), without the trailing semicolon Scenic chomps.
 */
function definitionOf(
  name: string,
  version: DslValue | undefined,
  given: DslValue | undefined,
  definitions: ReadonlyMap<string, string>,
): string | { unknown: string } {
  let file = name;
  let number = version === undefined ? 1 : version.kind === 'number' ? version.value : undefined;
  if (given) {
    if (given.kind === 'string' && !given.interpolated) return chomp(given.value);
    // `Scenic::Definition.new(:name, n).to_sql`, which withDefinitionReference wrote as `[:name, n]`.
    const [named, numbered] = given.kind === 'array' ? given.items : [];
    const other = symbolOrString(named);
    if (!other || numbered?.kind !== 'number') return { unknown: 'the view query (sql_definition) is not a literal' };
    file = other;
    number = numbered.value;
  }
  if (number === undefined || !Number.isInteger(number)) return { unknown: 'the view version is not a literal number' };
  const fileName = `${file.replaceAll('.', '_')}_v${String(number).padStart(2, '0')}.sql`;
  const text = definitions.get(fileName);
  return text === undefined ? { unknown: `db/views/${fileName} is not found` } : chomp(text);
}

/** The call with `Scenic::Definition.new(:name, n).to_sql` written `[:name, n]`, which the call parser reads. */
export function withDefinitionReference(text: string): string {
  return text.replace(/\bScenic::Definition\.new\(\s*(:\w+|"\w+"|'\w+')\s*,\s*(\d+)\s*\)\.to_sql\b/g, '[$1, $2]');
}

function chomp(sql: string): string {
  return sql.trimEnd().replace(/;$/, '').trimEnd();
}
