import { createRequire } from 'node:module';
import { GUARD_MARK, NETWORK_BLOCKED } from './guard-mark.js';

/**
 * Preloaded into the sandbox (`--import`) before any project module: every way Node reaches the network —
 * TCP/IPC sockets (and so every database driver: pg, mysql2, …), TLS, DNS, HTTP(S), UDP and fetch — throws.
 * The patched functions cannot be put back (non-writable, non-configurable). The empty network namespace
 * (`unshare --net`), when the OS allows it, is the second wall; Unix sockets (a local PostgreSQL's
 * /var/run/postgresql/.s.PGSQL.5432) are reachable in any namespace, so this guard is what stops those.
 */

const require = createRequire(import.meta.url);

function blocked(what: string): () => never {
  return () => {
    const error = new Error(
      `${NETWORK_BLOCKED} (${what}): migrations are run only to record their SQL and may not connect to anything.`,
    );
    (error as { code?: string }).code = 'ERR_SANDBOX_NETWORK';
    throw error;
  };
}

function lock(target: object, name: string, what: string): void {
  Object.defineProperty(target, name, { value: blocked(what), writable: false, configurable: false });
}

function guard(): void {
  const net = require('node:net') as typeof import('node:net');
  lock(net.Socket.prototype, 'connect', 'net.Socket.connect');
  lock(net, 'connect', 'net.connect');
  lock(net, 'createConnection', 'net.createConnection');
  lock(net.Server.prototype, 'listen', 'net.Server.listen');
  const tls = require('node:tls') as typeof import('node:tls');
  lock(tls, 'connect', 'tls.connect');
  const dgram = require('node:dgram') as typeof import('node:dgram');
  lock(dgram, 'createSocket', 'dgram.createSocket');
  const dns = require('node:dns') as typeof import('node:dns');
  for (const name of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveSrv']) {
    lock(dns, name, `dns.${name}`);
    lock(dns.promises, name, `dns.promises.${name}`);
  }
  lock(dns.Resolver.prototype, 'resolve', 'dns.Resolver.resolve');
  for (const module of ['node:http', 'node:https'] as const) {
    const http = require(module) as typeof import('node:http');
    lock(http, 'request', `${module.slice(5)}.request`);
    lock(http, 'get', `${module.slice(5)}.get`);
  }
  lock(globalThis, 'fetch', 'fetch');
  Object.defineProperty(globalThis, GUARD_MARK, { value: true, writable: false, configurable: false });
}

guard();
