import { UserError } from '../errors.js';

/**
 * The tool's own safety: it writes only to databases it created, on a server the user named as shadow, and it
 * reads real targets over connections that the server itself holds read-only. Nothing here inspects SQL text —
 * read-only is a connection setting the database enforces.
 */

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '']);
const PRODUCTION_WORDS = /(^|[^a-z])(prod|production|prd|live|primary|master|main-db|customer|billing)([^a-z]|$)/i;

export function isLocalHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return LOCAL_HOSTS.has(host) || host.startsWith('127.');
}

export interface UrlVerdict {
  productionLooking: boolean;
  reasons: string[];
}

/** Why a URL looks like a production database (remote host and/or a production-like name). */
export function judgeUrl(url: string): UrlVerdict {
  const parsed = parseDatabaseUrl(url);
  const reasons: string[] = [];
  const host = parsed.hostname.toLowerCase();
  if (!isLocalHost(host)) reasons.push(`host ${host} is not this machine`);
  const database = parsed.pathname.replace(/^\//, '');
  for (const [label, value] of [
    ['host', host],
    ['database name', database],
    ['user', decodeURIComponent(parsed.username)],
  ] as const) {
    if (value && PRODUCTION_WORDS.test(value)) reasons.push(`${label} "${value}" looks like production`);
  }
  return { productionLooking: reasons.length > 0, reasons };
}

export interface ShadowServerOptions {
  /** The user explicitly allowed a URL that looks like production (remote host or prod-like name). */
  allowProductionLooking?: boolean;
  /** Where the URL came from, for the error text. */
  source?: string;
}

/**
 * Accepts a server URL the user named as shadow. The tool creates a fresh `dma_shadow_<random>` database on it
 * and never writes to the database in the URL; still, a production-looking server is refused unless allowed.
 */
export function assertShadowServer(url: string, options: ShadowServerOptions = {}): URL {
  const parsed = parseDatabaseUrl(url);
  const verdict = judgeUrl(url);
  if (verdict.productionLooking && !options.allowProductionLooking) {
    throw new UserError(
      'shadow-url-refused',
      `Refusing to use ${redact(parsed)} as a shadow server${options.source ? ` (from ${options.source})` : ''}: ${verdict.reasons.join('; ')}. A rehearsal creates and drops databases and runs the migration's DDL there.`,
      'Use the embedded PGlite/SQLite shadow (omit the URL), point SHADOW_DATABASE_URL at a local or disposable server, or, if this server really is a throw-away one, pass allowProductionLooking: true (CLI --allow-remote-shadow).',
    );
  }
  return parsed;
}

export function parseDatabaseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new UserError(
      'bad-database-url',
      `"${url.replace(/:[^:@/]*@/, ':***@')}" is not a database URL.`,
      'Write it as postgres://user:password@host:5432/database or mysql://user:password@host:3306/database.',
    );
  }
}

/** The URL with its password hidden, for messages and reports. */
export function redact(url: URL | string): string {
  const parsed = typeof url === 'string' ? parseDatabaseUrl(url) : new URL(url.href);
  if (parsed.password) parsed.password = '***';
  return parsed.href;
}

/** Names of databases this tool creates; only these are ever dropped. */
export const SHADOW_PREFIX = 'dma_shadow_';

/** Databases that hold cached baselines: `dma_shadow_tpl_<hash>_<process id>` (templates or copies). */
export const TEMPLATE_PREFIX = `${SHADOW_PREFIX}tpl_`;

export function isShadowName(name: string): boolean {
  return name.startsWith(SHADOW_PREFIX) && /^[a-z0-9_]+$/.test(name);
}

/** Refuses to drop anything whose name the tool did not generate. */
export function assertDroppable(name: string): void {
  if (!isShadowName(name)) {
    throw new UserError(
      'not-a-shadow',
      `Refusing to drop database "${name}": the tool only drops databases it created (${SHADOW_PREFIX}…).`,
      'This is a bug in db-migration-agent; please report it.',
    );
  }
}

/** Read-only connection to a real PostgreSQL target: the server refuses every write in every transaction. */
export async function connectPostgresReadOnly(url: string, timeoutMs = 10_000) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    options: '-c default_transaction_read_only=on',
  });
  await client.connect();
  return client;
}

/** Read-only connection to a real MySQL/MariaDB target, set on the session at connect. */
export async function connectMysqlReadOnly(url: string, timeoutMs = 10_000) {
  const mysql = await import('mysql2/promise');
  const connection = await mysql.createConnection({ uri: url, connectTimeout: timeoutMs });
  await connection.query('SET SESSION TRANSACTION READ ONLY');
  return connection;
}
