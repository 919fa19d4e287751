import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { UserError } from '../errors.js';

/**
 * Where a database driver really connects for a URL. The URL's host part is not the answer: `pg` lets a `?host=`
 * parameter replace it, accepts host lists (`?host=a,b`), Unix socket directories (`?host=/tmp`,
 * `postgres://%2Fvar%2Frun%2Fpostgresql/db`) and falls back to `PGHOST` when the URL names no host; `mysql2`
 * connects to `?socketPath=` when given and ignores a `?host=` parameter. The drivers' own parsers decide here,
 * so the answer cannot drift from what they do.
 */

export interface DriverEndpoint {
  /** A host name, an IP address, or a Unix socket path. */
  host: string;
  socket: boolean;
  /** Where the value came from, for messages: `the URL's host`, `?host=`, `PGHOST`, `?hostaddr=`, … */
  from: string;
}

const require = createRequire(import.meta.url);

/** The part of pg's ConnectionParameters the guard reads (pg/lib/connection-parameters.js, exported by pg). */
interface PgConnectionParameters {
  host: string;
}
type PgConnectionParametersClass = new (config: { connectionString: string }) => PgConnectionParameters;
type Mysql2ParseUrl = (url: string) => { host?: string; socketPath?: unknown };

/** Every host `pg` (and libpq, for `hostaddr`) may connect to for this URL, in the order it tries them. */
export function postgresEndpoints(url: string): DriverEndpoint[] {
  const ConnectionParameters = require('pg/lib/connection-parameters') as PgConnectionParametersClass;
  let resolved: PgConnectionParameters;
  let query: URLSearchParams;
  let urlHost: string;
  try {
    // The same call pg.Client makes with { connectionString }: query parameters, PGHOST and the default apply.
    resolved = new ConnectionParameters({ connectionString: url });
    const parsed = new URL(url);
    query = parsed.searchParams;
    urlHost = parsed.hostname;
  } catch (error) {
    throw badUrl(url, (error as Error).message);
  }
  const from = query.get('host')
    ? '?host='
    : urlHost
      ? "the URL's host"
      : process.env.PGHOST
        ? 'PGHOST, as the URL names no host'
        : "pg's default, as the URL names no host";
  const endpoints = splitHosts(resolved.host, from);
  const hostaddr = query.get('hostaddr') ?? (!query.get('host') && !urlHost ? process.env.PGHOSTADDR : undefined);
  // pg itself ignores hostaddr, but libpq-based clients (pg-native, psql) connect to it instead of the host.
  if (hostaddr) endpoints.push(...splitHosts(hostaddr, query.get('hostaddr') ? '?hostaddr=' : 'PGHOSTADDR'));
  return endpoints;
}

/** The host `mysql2` connects to for this URL: `?socketPath=` when given, else the URL's host (or localhost). */
export function mysqlEndpoints(url: string): DriverEndpoint[] {
  const { ConnectionConfig } = require('mysql2') as { ConnectionConfig: { parseUrl: Mysql2ParseUrl } };
  let options: ReturnType<Mysql2ParseUrl>;
  try {
    options = ConnectionConfig.parseUrl(url);
  } catch (error) {
    throw badUrl(url, (error as Error).message);
  }
  if (options.socketPath) return [{ host: String(options.socketPath), socket: true, from: '?socketPath=' }];
  return options.host
    ? [{ host: options.host, socket: false, from: "the URL's host" }]
    : [{ host: 'localhost', socket: false, from: "mysql2's default, as the URL names no host" }];
}

/** The endpoints of a postgres:// or mysql:// (mariadb://) URL, by its scheme. */
export function driverEndpoints(url: string): DriverEndpoint[] {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return postgresEndpoints(url);
  if (scheme === 'mysql' || scheme === 'mariadb') return mysqlEndpoints(url.replace(/^mariadb:/i, 'mysql:'));
  throw badUrl(url, `unknown scheme "${scheme ?? ''}"`);
}

/**
 * True for this machine only: a Unix socket, `localhost`, 127.0.0.0/8 and ::1 in any spelling the resolver
 * accepts (`127.1`, `0x7f000001`, `0:0:0:0:0:0:0:1`, `::ffff:127.0.0.1`). Every other name is remote: a name that
 * resolves to this machine through /etc/hosts or DNS cannot be told apart from one that does not.
 */
export function isLocalEndpoint(endpoint: DriverEndpoint): boolean {
  return endpoint.socket || isLocalHost(endpoint.host);
}

export function isLocalHost(hostname: string): boolean {
  const host = hostname
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost') return true;
  try {
    // The WHATWG parser normalises IPv4 shorthand and IPv6 spellings the way getaddrinfo reads them.
    const normalised = new URL(`http://${isIP(host) === 6 ? `[${host}]` : host}/`).hostname;
    return normalised === '[::1]' || normalised.startsWith('127.') || /^\[::ffff:7f[0-9a-f]{2}:/.test(normalised);
  } catch {
    return false;
  }
}

function splitHosts(value: string, from: string): DriverEndpoint[] {
  return value
    .split(',')
    .map((host) => host.trim())
    .filter((host) => host !== '')
    .map((host) => ({ host, socket: host.startsWith('/'), from }));
}

function badUrl(url: string, reason: string): UserError {
  return new UserError(
    'bad-database-url',
    `"${url.replace(/:[^:@/]*@/, ':***@')}" is not a database URL (${reason}).`,
    'Write it as postgres://user:password@host:5432/database or mysql://user:password@host:3306/database; list several PostgreSQL hosts as ?host=host1,host2.',
  );
}
