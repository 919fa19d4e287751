import { createHash } from 'node:crypto';

/**
 * The names Rails derives: table names from a reference (`t.references :family` → `families`), the column of a
 * foreign key (`add_foreign_key :orders, :users` → `user_id`) and index names. ActiveSupport's regular
 * inflections and its most common irregular and uncountable words; a name they miss can be given explicitly
 * (`to_table:`, `column:`, `name:`) as in Rails itself.
 */

const IRREGULAR: Record<string, string> = {
  person: 'people',
  child: 'children',
  sex: 'sexes',
  move: 'moves',
};
const UNCOUNTABLE = new Set([
  'equipment',
  'information',
  'rice',
  'money',
  'species',
  'series',
  'fish',
  'sheep',
  'jeans',
  'police',
]);

/** ActiveSupport's `pluralize` for the last word of a snake_case name. */
export function plural(word: string): string {
  const last = /[a-z0-9]+$/i.exec(word)?.[0] ?? word;
  const stem = word.slice(0, word.length - last.length);
  if (UNCOUNTABLE.has(last.toLowerCase())) return word;
  const irregular = IRREGULAR[last.toLowerCase()];
  if (irregular) return `${stem}${irregular}`;
  const rules: Array<[RegExp, string]> = [
    [/(quiz)$/i, '$1zes'],
    [/(matr|vert|ind)(?:ix|ex)$/i, '$1ices'],
    [/(x|ch|ss|sh)$/i, '$1es'],
    [/([^aeiouy]|qu)y$/i, '$1ies'],
    [/(hive)$/i, '$1s'],
    [/(?:([^f])fe|([lr])f)$/i, '$1$2ves'],
    [/sis$/i, 'ses'],
    [/([ti])um$/i, '$1a'],
    [/(buffal|tomat)o$/i, '$1oes'],
    [/(bu)s$/i, '$1ses'],
    [/(alias|status)$/i, '$1es'],
    [/(octop|vir)(?:us|i)$/i, '$1i'],
    [/(ax|test)is$/i, '$1es'],
    [/s$/i, 's'],
  ];
  for (const [pattern, replacement] of rules)
    if (pattern.test(last)) return `${stem}${last.replace(pattern, replacement)}`;
  return `${word}s`;
}

/** ActiveSupport's `singularize` for regular nouns (and the irregular words above). */
export function singular(word: string): string {
  for (const [one, many] of Object.entries(IRREGULAR))
    if (word.endsWith(many)) return word.slice(0, -many.length) + one;
  if (/ies$/.test(word)) return word.replace(/ies$/, 'y');
  if (/(ss|x|ch|sh|status|alias)es$/.test(word)) return word.replace(/es$/, '');
  if (/ss$/.test(word) || UNCOUNTABLE.has(word)) return word;
  return word.replace(/s$/, '');
}

/** PostgreSQL's (and Rails' default) limit on an index name, in bytes. */
const MAX_INDEX_NAME = 63;

/**
 * The index name Rails generates: `index_<table>_on_<a>_and_<b>`. From Rails 7.1 (migrations of version 7.1 and
 * later), a name over 63 bytes becomes `idx_on_<a>_<b>` cut to fit, plus `_` and 10 hex digits of the long name's
 * SHA-256; older migrations keep the long name (Rails refuses it when it is too long).
 */
export function railsIndexName(table: string, columns: readonly string[], migrationVersion?: number): string {
  const long = `index_${table}_on_${columns.join('_and_')}`;
  if (Buffer.byteLength(long) <= MAX_INDEX_NAME || migrationVersion === undefined || migrationVersion < 7.1)
    return long;
  const hashed = `_${createHash('sha256').update(long).digest('hex').slice(0, 10)}`;
  const short = Buffer.from(`idx_on_${columns.join('_')}`)
    .subarray(0, MAX_INDEX_NAME - hashed.length)
    .toString();
  return `${short}${hashed}`;
}

/** `class X < ActiveRecord::Migration[7.2]` → 7.2. */
export function migrationVersionOf(classLine: string | undefined): number | undefined {
  const version = /Migration\[(\d+\.\d+)\]/.exec(classLine ?? '')?.[1];
  return version === undefined ? undefined : Number(version);
}

/**
 * Rails before 5.1 made primary keys serial and references integer (5.1 made both bigint), and a migration keeps
 * the behaviour of the version it names: `ActiveRecord::Migration[5.0]`, `[4.2]`, or no version (Rails 4 and
 * older). A project's own base class (GitLab's `Gitlab::Database::Migration[2.1]`) numbers its own versions.
 */
export function integerKeysOf(classLine: string | undefined): boolean {
  const version = activeRecordVersionOf(classLine);
  return version !== undefined && version < 5.1;
}

/**
 * The version of ActiveRecord's own migration class the migration names: `ActiveRecord::Migration[5.1]` → 5.1, the
 * unversioned `ActiveRecord::Migration` of Rails 4 and older → 0; undefined for a project's own base class, whose
 * numbers are its own.
 */
export function activeRecordVersionOf(classLine: string | undefined): number | undefined {
  const base = /<\s*(?:::)?ActiveRecord::Migration\b\s*(\[\s*(\d+\.\d+)\s*\])?/.exec(classLine ?? '');
  if (!base) return undefined;
  return base[2] === undefined ? (base[1] === undefined ? 0 : undefined) : Number(base[2]);
}
