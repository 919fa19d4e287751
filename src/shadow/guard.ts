import { UserError } from '../errors.js';
import { type DriverEndpoint, driverEndpoints, isLocalEndpoint } from './effective-host.js';

/**
 * The tool's own safety: it writes only to databases it created, on a server the user named as shadow, and it
 * reads real targets over connections that the server itself holds read-only. Nothing here inspects SQL text —
 * read-only is a connection setting the database enforces.
 */

const PRODUCTION_WORDS = /(^|[^a-z])(prod|production|prd|live|primary|master|main-db|customer|billing)([^a-z]|$)/i;

export interface UrlVerdict {
  productionLooking: boolean;
  reasons: string[];
  /** Where the driver will really connect (see effective-host.ts). */
  endpoints: DriverEndpoint[];
}

/**
 * Why a shadow URL is not obviously a disposable local server: an effective host (as the driver resolves it,
 * `?host=` and `PGHOST` included) that is not this machine, and/or a production-like host, database or user name.
 */
export function judgeUrl(url: string): UrlVerdict {
  const parsed = parseDatabaseUrl(url);
  const endpoints = driverEndpoints(url);
  const reasons: string[] = [];
  const urlHost = parsed.hostname.toLowerCase();
  for (const endpoint of endpoints) {
    if (isLocalEndpoint(endpoint)) continue;
    const instead = endpoint.from === '?host=' && urlHost ? `, which the driver connects to instead of ${urlHost}` : '';
    const origin = endpoint.from === "the URL's host" ? '' : ` (from ${endpoint.from}${instead})`;
    reasons.push(`host ${endpoint.host}${origin} is not this machine`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  const hosts = [...new Set(endpoints.filter((endpoint) => !endpoint.socket).map((endpoint) => endpoint.host))];
  for (const [label, value] of [
    ...hosts.map((host) => ['host', host] as const),
    ['database name', database] as const,
    ['user', decodeURIComponent(parsed.username)] as const,
  ]) {
    if (value && PRODUCTION_WORDS.test(value)) reasons.push(`${label} "${value}" looks like production`);
  }
  return { productionLooking: reasons.length > 0, reasons, endpoints };
}

export interface ShadowServerOptions {
  /**
   * The user explicitly accepted a shadow server that is not on this machine or whose name looks like production
   * (MCP `allowRemoteShadow`, CLI `--allow-remote-shadow`).
   */
  allowRemoteShadow?: boolean;
  /** Where the URL came from, for the error text. */
  source?: string;
}

/** A shadow server the guard accepted, with the endpoints the driver will connect to. */
export interface ShadowServer {
  url: URL;
  endpoints: DriverEndpoint[];
  /** Every endpoint is this machine (a Unix socket, localhost, a loopback address). */
  local: boolean;
  /** `localhost:5432`, `/var/run/postgresql (Unix socket)`, `db1, db2`: for descriptions. */
  where: string;
}

/**
 * Accepts a server URL the user named as shadow. The tool creates a fresh `dma_shadow_<random>` database on it
 * and never writes to the database in the URL; still, a server whose effective host is not this machine, or whose
 * names look like production, is refused unless the user allowed it.
 */
export function assertShadowServer(url: string, options: ShadowServerOptions = {}): ShadowServer {
  const parsed = parseDatabaseUrl(url);
  const verdict = judgeUrl(url);
  if (verdict.productionLooking && !options.allowRemoteShadow) {
    throw new UserError(
      'shadow-url-refused',
      `Refusing to use ${redact(parsed)} as a shadow server${options.source ? ` (from ${options.source})` : ''}: ${verdict.reasons.join('; ')}. A rehearsal creates and drops databases and runs the migration's DDL there.`,
      'Use the embedded PGlite/SQLite shadow (omit the URL), point SHADOW_DATABASE_URL at a server on this machine (localhost, 127.0.0.1 or a Unix socket), or, if this server really is a throw-away one and the user agrees, pass allowRemoteShadow: true (CLI --allow-remote-shadow).',
    );
  }
  const local = verdict.endpoints.every(isLocalEndpoint);
  const port = parsed.port ? `:${parsed.port}` : '';
  const where = verdict.endpoints
    .map((endpoint) => (endpoint.socket ? `${endpoint.host} (Unix socket)` : `${endpoint.host}${port}`))
    .join(', ');
  return { url: parsed, endpoints: verdict.endpoints, local, where };
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

/** The URL with its password hidden (user part and `?password=`), for messages and reports. */
export function redact(url: URL | string): string {
  const parsed = typeof url === 'string' ? parseDatabaseUrl(url) : new URL(url.href);
  if (parsed.password) parsed.password = '***';
  // pg also reads the password from the query string (`?password=`).
  if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
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

/**
 * Read-only connection to a real MySQL/MariaDB target, set on the session at connect, with a statement time limit
 * (MariaDB's max_statement_time in seconds, MySQL's max_execution_time in milliseconds).
 */
export async function connectMysqlReadOnly(url: string, timeoutMs = 10_000) {
  const mysql = await import('mysql2/promise');
  const connection = await mysql.createConnection({ uri: url, connectTimeout: timeoutMs });
  await connection.query('SET SESSION TRANSACTION READ ONLY');
  const [rows] = await connection.query('SELECT VERSION() AS version');
  const mariadb = /mariadb/i.test(String((rows as { version?: string }[])[0]?.version));
  await connection.query(
    mariadb
      ? `SET SESSION max_statement_time = ${timeoutMs / 1000}`
      : `SET SESSION max_execution_time = ${Math.round(timeoutMs)}`,
  );
  return connection;
}
