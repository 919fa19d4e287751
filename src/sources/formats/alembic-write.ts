import type { GeneratedFile, WriteContext } from '../../generate/types.js';
import { nodeCrypto } from '../../lazy-builtins.js';
import type { Engine } from '../../model.js';
import { dirOf, joinRelative } from '../../project/walk.js';
import type { FormatWriter } from '../types.js';
import { pythonAssignment } from './python.js';
import { type PythonStyle, pyString, pythonStyle } from './python-write.js';

/**
 * Alembic: `versions/<rev>_<name>.py` shaped like alembic's own script template, chained to the current head(s).
 * Statements alembic's op.* says exactly become op calls; the rest (and anything guarded by IF [NOT] EXISTS,
 * whose op flags need alembic 1.12–1.16 depending on the op) stay SQL through op.execute.
 */
export const writeAlembic: FormatWriter = (draft, folder, context) => {
  const directory = folder.dir.path;
  const texts = folder.migrations.map((migration) => context.read(migration.path) ?? '');
  // The revision as the file says it: a draft written earlier in the same call is listed under its draft name.
  const heads = currentHeads(
    folder.migrations.map((migration, index) => {
      const written = pythonAssignment(texts[index]!, 'revision')?.value;
      return typeof written === 'string' ? written : migration.id;
    }),
    texts,
  );
  const newest = texts.at(-1);
  const style = pythonStyle(newest);
  const annotated = newest ? /^revision\s*:\s*str\s*=/m.test(newest) : true;
  const revision = revisionId(draft.name, context.now);
  const q = style.quote;
  const down =
    heads.length === 0
      ? 'None'
      : heads.length === 1
        ? pyString(heads[0]!, q)
        : `(${heads.map((head) => pyString(head, q)).join(', ')})`;
  const outsideTransaction = !draft.transactional && draft.engine !== 'mysql' && draft.engine !== 'mariadb';
  const lines = [
    `"""${draft.name.replace(/_/g, ' ')}`,
    '',
    `Revision ID: ${revision}`,
    `Revises: ${heads.join(', ')}`,
    `Create Date: ${createDate(context.now)}`,
    // Inside the module docstring: a backslash or a closing triple quote would end or bend it.
    ...(draft.applicationChange
      ? ['', `Before this runs: ${draft.applicationChange.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"')}`]
      : []),
    '',
    '"""',
    ...(annotated ? ['from typing import Sequence, Union', ''] : []),
    'from alembic import op',
    'import sqlalchemy as sa',
    '',
    '',
    '# revision identifiers, used by Alembic.',
    annotated ? `revision: str = ${pyString(revision, q)}` : `revision = ${pyString(revision, q)}`,
    annotated ? `down_revision: Union[str, Sequence[str], None] = ${down}` : `down_revision = ${down}`,
    annotated ? 'branch_labels: Union[str, Sequence[str], None] = None' : 'branch_labels = None',
    annotated ? 'depends_on: Union[str, Sequence[str], None] = None' : 'depends_on = None',
    '',
    '',
    'def upgrade() -> None:',
    ...body(draft.up, style, draft.engine, outsideTransaction),
    '',
    '',
    'def downgrade() -> None:',
    ...body(draft.down, style, draft.engine, outsideTransaction),
    '',
  ];
  const file: GeneratedFile = {
    path: joinRelative(directory, `${fileStem(directory, revision, draft.name, context)}.py`),
    text: lines.join('\n'),
    edit: false,
  };
  return [file];
};

/**
 * The file name alembic would give the revision: alembic.ini's `file_template` (default `%%(rev)s_%%(slug)s`)
 * with its tokens filled, the slug cut at `truncate_slug_length` (default 40) like alembic does.
 */
function fileStem(versions: string, revision: string, name: string, context: WriteContext): string {
  const scriptDir = dirOf(versions);
  const ini = [joinRelative(dirOf(scriptDir), 'alembic.ini'), 'alembic.ini']
    .map((candidate) => context.read(candidate))
    .find((text) => text !== undefined);
  const setting = (key: string) => (ini ? new RegExp(`^${key}\\s*=\\s*(.+)$`, 'm').exec(ini)?.[1]?.trim() : undefined);
  const template = setting('file_template') ?? '%%(rev)s_%%(slug)s';
  const limit = Number(setting('truncate_slug_length') ?? 40);
  const slug = name.length > limit ? `${name.slice(0, limit).replace(/_[^_]*$/, '')}_` : name;
  const now = context.now;
  const values: Record<string, string | number> = {
    rev: revision,
    slug,
    year: now.getUTCFullYear(),
    month: now.getUTCMonth() + 1,
    day: now.getUTCDate(),
    hour: now.getUTCHours(),
    minute: now.getUTCMinutes(),
    second: now.getUTCSeconds(),
    epoch: Math.floor(now.getTime() / 1000),
  };
  return template.replace(/%%\((\w+)\)(?:\.(\d+))?([sd])/g, (token, key: string, width: string | undefined) => {
    const value = values[key];
    if (value === undefined) return token;
    return width ? String(value).padStart(Number(width), '0') : String(value);
  });
}

/** 12 hex characters like alembic's own ids, derived from the name and time so a re-run gives the same file. */
export function revisionId(name: string, now: Date): string {
  return nodeCrypto().createHash('sha256').update(`${name}\n${now.toISOString()}`).digest('hex').slice(0, 12);
}

function createDate(now: Date): string {
  return `${now
    .toISOString()
    .replace('T', ' ')
    .replace(/\.(\d{3})Z$/, '.$1000')}`;
}

/** Revisions no other revision names as its down_revision (several heads: the new revision merges them). */
function currentHeads(ids: string[], texts: string[]): string[] {
  const parents = new Set<string>();
  for (const text of texts) {
    const down = pythonAssignment(text, 'down_revision')?.value;
    for (const parent of down === null || down === undefined ? [] : Array.isArray(down) ? down : [down])
      parents.add(parent);
  }
  return ids.filter((id) => !parents.has(id));
}

function body(statements: string[], style: PythonStyle, engine: Engine, outsideTransaction: boolean): string[] {
  const { indent: unit } = style;
  if (statements.length === 0) return [`${unit}pass`];
  if (!outsideTransaction) return statements.map((statement) => `${unit}${opCall(statement, style, engine)}`);
  // CREATE INDEX CONCURRENTLY and friends refuse a transaction block: alembic commits and runs them in autocommit.
  return [
    `${unit}with op.get_context().autocommit_block():`,
    ...statements.map((statement) => `${unit}${unit}${opCall(statement, style, engine)}`),
  ];
}

const ID = String.raw`(?:"((?:[^"]|"")+)"|\x60([^\x60]+)\x60|([A-Za-z_][\w$]*))`;
const IDS = String.raw`((?:\s*${ID}\s*,)*\s*${ID}\s*)`;

function ident(text: string): string {
  const match = new RegExp(`^${ID}$`).exec(text.trim());
  if (!match) return text.trim();
  return match[1]?.replace(/""/g, '"') ?? match[2] ?? match[3] ?? text.trim();
}

function idents(list: string): string[] {
  return list.split(',').map(ident);
}

const ACTIONS =
  /(?:\s+ON\s+DELETE\s+(CASCADE|RESTRICT|SET\s+NULL|SET\s+DEFAULT|NO\s+ACTION))?(?:\s+ON\s+UPDATE\s+(CASCADE|RESTRICT|SET\s+NULL|SET\s+DEFAULT|NO\s+ACTION))?/
    .source;

interface OpPattern {
  pattern: RegExp;
  /** Engines whose alembic dialect cannot say it without more than the SQL tells (MySQL's typed DROP CONSTRAINT). */
  not?: Engine[];
  /** The op call, or undefined when a detail (a column type) has no exact SQLAlchemy form. */
  render(match: RegExpExecArray, s: (value: string) => string): string | undefined;
}

/** Statements op.* says exactly, matched whole (no IF [NOT] EXISTS, no schema qualification, plain column lists). */
const OPS: OpPattern[] = [
  {
    pattern: new RegExp(
      String.raw`^CREATE\s+(UNIQUE\s+)?INDEX\s+(CONCURRENTLY\s+)?(${ID})\s+ON\s+(${ID})\s*\(${IDS}\)(?:\s+WHERE\s+([\s\S]+))?$`,
      'i',
    ),
    render: (m, s) => {
      const [, unique, concurrently, name, , , , table, , , , columns] = m;
      const where = m.at(-1);
      const options = [
        ...(unique ? ['unique=True'] : []),
        ...(concurrently ? ['postgresql_concurrently=True'] : []),
        ...(where ? [`postgresql_where=sa.text(${s(where.trim())})`] : []),
      ];
      return `op.create_index(${[s(ident(name!)), s(ident(table!)), `[${idents(columns!).map(s).join(', ')}]`, ...options].join(', ')})`;
    },
  },
  {
    pattern: new RegExp(
      String.raw`^ALTER\s+TABLE\s+(${ID})\s+ADD\s+(?:COLUMN\s+)?(?!IF\s)(${ID})\s+(.+?)(\s+NOT\s+NULL)?(?:\s+DEFAULT\s+([\s\S]+?))?(\s+NOT\s+NULL)?$`,
      'i',
    ),
    render: (m, s) => {
      const type = saType(m[9]!);
      if (!type) return undefined;
      const options = [
        `nullable=${m[10] || m[12] ? 'False' : 'True'}`,
        ...(m[11] ? [`server_default=sa.text(${s(textSafe(m[11].trim()))})`] : []),
      ];
      return `op.add_column(${s(ident(m[1]!))}, sa.Column(${[s(ident(m[5]!)), type, ...options].join(', ')}))`;
    },
  },
  {
    pattern: new RegExp(String.raw`^DROP\s+INDEX\s+(CONCURRENTLY\s+)?(${ID})$`, 'i'),
    render: (m, s) =>
      `op.drop_index(${[s(ident(m[2]!)), ...(m[1] ? ['postgresql_concurrently=True'] : [])].join(', ')})`,
  },
  {
    pattern: new RegExp(String.raw`^ALTER\s+TABLE\s+(${ID})\s+RENAME\s+COLUMN\s+(${ID})\s+TO\s+(${ID})$`, 'i'),
    render: (m, s) => `op.alter_column(${s(ident(m[1]!))}, ${s(ident(m[5]!))}, new_column_name=${s(ident(m[9]!))})`,
  },
  {
    pattern: new RegExp(String.raw`^ALTER\s+TABLE\s+(${ID})\s+RENAME\s+TO\s+(${ID})$`, 'i'),
    render: (m, s) => `op.rename_table(${s(ident(m[1]!))}, ${s(ident(m[5]!))})`,
  },
  {
    pattern: new RegExp(String.raw`^ALTER\s+TABLE\s+(${ID})\s+DROP\s+COLUMN\s+(${ID})$`, 'i'),
    render: (m, s) => `op.drop_column(${s(ident(m[1]!))}, ${s(ident(m[5]!))})`,
  },
  {
    pattern: new RegExp(String.raw`^DROP\s+TABLE\s+(${ID})$`, 'i'),
    render: (m, s) => `op.drop_table(${s(ident(m[1]!))})`,
  },
  {
    not: ['sqlite'],
    pattern: new RegExp(
      String.raw`^ALTER\s+TABLE\s+(${ID})\s+ADD\s+CONSTRAINT\s+(${ID})\s+FOREIGN\s+KEY\s*\(${IDS}\)\s*REFERENCES\s+(${ID})\s*\(${IDS}\)${ACTIONS}$`,
      'i',
    ),
    render: (m, s) => {
      const table = ident(m[1]!);
      const name = ident(m[5]!);
      const local = idents(m[9]!);
      const referenced = ident(m[16]!);
      const remote = idents(m[20]!);
      const [onDelete, onUpdate] = [m[27], m[28]].map((action) => action?.replace(/\s+/g, ' ').toUpperCase());
      const options = [
        ...(onDelete ? [`ondelete=${s(onDelete)}`] : []),
        ...(onUpdate ? [`onupdate=${s(onUpdate)}`] : []),
      ];
      return `op.create_foreign_key(${[s(name), s(table), s(referenced), `[${local.map(s).join(', ')}]`, `[${remote.map(s).join(', ')}]`, ...options].join(', ')})`;
    },
  },
  {
    not: ['mysql', 'mariadb', 'sqlite'],
    pattern: new RegExp(String.raw`^ALTER\s+TABLE\s+(${ID})\s+DROP\s+CONSTRAINT\s+(${ID})$`, 'i'),
    render: (m, s) => `op.drop_constraint(${s(ident(m[5]!))}, ${s(ident(m[1]!))})`,
  },
];

/** One statement as an op call: op.* when a pattern says it exactly, else op.execute with the SQL as written. */
export function opCall(statement: string, style: PythonStyle, engine: Engine): string {
  const s = (value: string) => pyString(value, style.quote);
  const sql = statement.trim();
  for (const op of OPS) {
    if (op.not?.includes(engine)) continue;
    const match = op.pattern.exec(sql);
    const call = match ? op.render(match, s) : undefined;
    if (call) return call;
  }
  return `op.execute(${s(textSafe(sql))})`;
}

/** op.execute and server_default wrap SQL in sa.text(), where `:name` is a bind parameter: escape such colons. */
function textSafe(sql: string): string {
  return sql.replace(/(?<![:\w\\]):(?=\w)/g, '\\:');
}

/** The SQLAlchemy type that renders exactly this SQL type on every dialect alembic targets; undefined otherwise. */
function saType(sql: string): string | undefined {
  const text = sql.trim().toLowerCase().replace(/\s+/g, ' ');
  const args = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/.exec(text);
  const name = text.replace(/\s*\(.*\)$/, '');
  switch (name) {
    case 'integer':
    case 'int':
    case 'int4':
      return 'sa.Integer()';
    case 'bigint':
    case 'int8':
      return 'sa.BigInteger()';
    case 'smallint':
    case 'int2':
      return 'sa.SmallInteger()';
    case 'text':
      return 'sa.Text()';
    case 'varchar':
    case 'character varying':
      return args ? `sa.String(length=${args[1]})` : 'sa.String()';
    case 'boolean':
    case 'bool':
      return 'sa.Boolean()';
    case 'date':
      return 'sa.Date()';
    case 'timestamp':
    case 'timestamp without time zone':
      return args ? undefined : 'sa.DateTime()';
    case 'timestamptz':
    case 'timestamp with time zone':
      return args ? undefined : 'sa.DateTime(timezone=True)';
    case 'numeric':
    case 'decimal':
      return args?.[2] ? `sa.Numeric(precision=${args[1]}, scale=${args[2]})` : undefined;
    default:
      return undefined;
  }
}
