import { UserError } from '../../../errors.js';

/**
 * The MySQL or MariaDB server a migration targets, as `--engine-version` (or the MCP `engineVersion` option)
 * names it: `8.0.35`, `mysql-8.4`, `5.7`, `mariadb-10.11`, `11.4`, or just `mariadb` (the flavour without a
 * version). A bare 10.x or 11.x is MariaDB: MySQL went from 8 to 9.
 */

export type ServerLine = 'MySQL 5.7' | 'MySQL 8.0.12–8.0.28' | 'MySQL 8.0.29+/8.4/9' | 'MariaDB 10.6/10.11/11';

/** Every line whose ALGORITHM/LOCK facts differ somewhere, oldest MySQL first. */
export const SERVER_LINES: readonly ServerLine[] = [
  'MySQL 5.7',
  'MySQL 8.0.12–8.0.28',
  'MySQL 8.0.29+/8.4/9',
  'MariaDB 10.6/10.11/11',
];

export interface MysqlTarget {
  /** As the user named it, e.g. "MySQL 8.0.35", "MariaDB 10.11", "MariaDB (version not given)". */
  label: string;
  /** The lines whose facts apply: one when the version is known, the flavour's lines when only that is. */
  lines: readonly ServerLine[];
}

const MYSQL_LINES: readonly ServerLine[] = ['MySQL 5.7', 'MySQL 8.0.12–8.0.28', 'MySQL 8.0.29+/8.4/9'];

export const UNKNOWN_TARGET: MysqlTarget = { label: 'MySQL/MariaDB (server version not given)', lines: SERVER_LINES };

const EXAMPLES = 'e.g. --engine-version 8.0.35, mysql-8.4, 5.7, mariadb-10.11 or 11.4';

/** Reads the version text; undefined or empty means unknown. A text it cannot read is a usage error. */
export function parseMysqlTarget(text: string | undefined): MysqlTarget {
  const given = text?.trim() ?? '';
  if (given === '') return UNKNOWN_TARGET;
  const match = /^(?:(mysql|mariadb)(?:[-\s:]?v?(?=\d)|$))?(?:(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+.][\w.-]*)?)?$/i.exec(
    given,
  );
  if (!match || (match[1] === undefined && match[2] === undefined)) throw badVersion(given, 'is not a server version');
  const flavour = match[1]?.toLowerCase();
  if (match[2] === undefined)
    return flavour === 'mariadb'
      ? { label: 'MariaDB (version not given)', lines: ['MariaDB 10.6/10.11/11'] }
      : { label: 'MySQL (version not given)', lines: MYSQL_LINES };
  const major = Number(match[2]);
  const minor = Number(match[3] ?? 0);
  const patch = match[4] === undefined ? undefined : Number(match[4]);
  const version = [match[2], match[3], match[4]].filter((part) => part !== undefined).join('.');
  const mariadb = flavour === 'mariadb' || (flavour === undefined && major >= 10);
  if (mariadb) {
    if (major < 10 || (major === 10 && minor < 6))
      throw badVersion(given, 'is older than MariaDB 10.6, the oldest MariaDB whose facts are known here');
    return { label: `MariaDB ${version}`, lines: ['MariaDB 10.6/10.11/11'] };
  }
  if (major === 5 && minor === 7) return { label: `MySQL ${version}`, lines: ['MySQL 5.7'] };
  if (major === 8 && minor === 0) {
    // 8.0 without a patch level: before or after 8.0.29 is unknown, say both.
    if (patch === undefined) return { label: 'MySQL 8.0', lines: ['MySQL 8.0.12–8.0.28', 'MySQL 8.0.29+/8.4/9'] };
    if (patch < 12) return { label: `MySQL ${version}`, lines: ['MySQL 5.7'] };
    return { label: `MySQL ${version}`, lines: [patch < 29 ? 'MySQL 8.0.12–8.0.28' : 'MySQL 8.0.29+/8.4/9'] };
  }
  if (major === 8 || major === 9) return { label: `MySQL ${version}`, lines: ['MySQL 8.0.29+/8.4/9'] };
  throw badVersion(given, 'is not a MySQL (5.7, 8.0, 8.4, 9.x) or MariaDB (10.6 or later) version');
}

function badVersion(given: string, why: string): UserError {
  return new UserError(
    'usage',
    `The server version "${given}" ${why}.`,
    `Name the MySQL or MariaDB server the migration runs on, ${EXAMPLES}.`,
  );
}

/** The note a check gives once about the server version it checked for. */
export function targetNote(target: MysqlTarget): string {
  if (target.lines.length === 1) return `MySQL/MariaDB ALGORITHM and LOCK facts are those of ${target.label}.`;
  return `${target.label}: each ALTER's ALGORITHM and LOCK is given per server line where they differ (${target.lines.join(', ')}); name the server with --engine-version (MCP: options.engineVersion), ${EXAMPLES.replace('e.g. --engine-version ', 'e.g. ')}.`;
}

const parsed = new Map<string, MysqlTarget>();

/** parseMysqlTarget, once per distinct text (rules ask for every statement). */
export function targetOf(text: string | undefined): MysqlTarget {
  const key = text ?? '';
  let target = parsed.get(key);
  if (!target) {
    target = parseMysqlTarget(text);
    parsed.set(key, target);
  }
  return target;
}
