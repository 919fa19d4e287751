import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonEnvironment, scrubbedEnvironment } from '../../src/sandbox/environment.js';
import { networkNamespace } from '../../src/sandbox/network-namespace.js';
import { permissionFlags, readablePaths } from '../../src/sandbox/permissions.js';
import { readMigrations } from '../../src/sources/index.js';

describe('sandbox settings', () => {
  it('uses the permission flag of the running Node version, never grants writes, processes or workers', () => {
    const flags = permissionFlags({ readable: ['/project/'], addons: false }, '20.20.2');
    expect(flags[0]).toBe('--experimental-permission');
    expect(permissionFlags({ readable: [], addons: false }, '22.13.0')[0]).toBe('--permission');
    expect(flags).toContain('--allow-fs-read=/project/');
    expect(flags.some((flag) => /allow-(fs-write|child-process|worker|wasi|addons)/.test(flag))).toBe(false);
    expect(permissionFlags({ readable: [], addons: true }, '20.20.2')).toContain('--allow-addons');
  });

  it('reads the project, our runtime, and the package.json / node_modules module resolution looks for above it', () => {
    const paths = readablePaths('/home/dev/shop', '/opt/tool/node_modules/db-migration-agent');
    expect(paths).toEqual(
      expect.arrayContaining([
        '/home/dev/shop/',
        '/opt/tool/node_modules/db-migration-agent/dist/',
        '/opt/tool/node_modules/db-migration-agent/node_modules/',
        '/opt/tool/node_modules/',
        '/home/dev/package.json',
        '/home/package.json',
        '/package.json',
        '/home/dev/node_modules/',
      ]),
    );
    // Not the folders above the project themselves, nor our sources or tests.
    expect(paths).not.toContain('/home/dev/');
    expect(paths).not.toContain('/opt/tool/node_modules/db-migration-agent/');
  });

  it('a monorepo package can load its linked sibling workspace packages, nothing else of the monorepo', async () => {
    const monorepo = realpathSync(mkdtempSync(path.join(tmpdir(), 'sandbox-monorepo-')));
    try {
      const api = path.join(monorepo, 'packages/api');
      mkdirSync(path.join(api, 'migrations'), { recursive: true });
      mkdirSync(path.join(monorepo, 'packages/shared'), { recursive: true });
      mkdirSync(path.join(monorepo, 'node_modules/@org'), { recursive: true });
      symlinkSync('../../packages/shared', path.join(monorepo, 'node_modules/@org/shared'));
      writeFileSync(path.join(monorepo, 'packages/shared/package.json'), '{"name":"@org/shared","main":"index.js"}');
      writeFileSync(path.join(monorepo, 'packages/shared/index.js'), "exports.table = 'shared_table';\n");
      writeFileSync(path.join(monorepo, 'secrets.txt'), 'not for migrations');
      writeFileSync(path.join(api, 'knexfile.js'), "module.exports = { client: 'pg' };\n");
      writeFileSync(
        path.join(api, 'migrations/001_uses_shared.js'),
        "const { table } = require('@org/shared');\nexports.up = (knex) => knex.schema.createTable(table, (t) => t.increments());\nexports.down = (knex) => knex.schema.dropTable(table);\n",
      );
      writeFileSync(
        path.join(api, 'migrations/002_reads_monorepo.js'),
        "const fs = require('fs');\nexports.up = async (knex) => { await knex.raw('select ?', [fs.readFileSync(require('path').join(__dirname, '../../../secrets.txt'), 'utf8')]); };\nexports.down = async () => {};\n",
      );
      expect(readablePaths(api, '/opt/tool')).toContain(`${path.join(monorepo, 'packages/shared')}/`);
      const result = await readMigrations(api, { executeProjectCode: true });
      expect(result.migrations.map((migration) => migration.up[0]?.sql)).toEqual([
        'create table "shared_table" ("id" serial primary key)',
      ]);
      expect(result.errors[0]).toMatchObject({
        path: 'migrations/002_reads_monorepo.js',
        error: { what: expect.stringContaining('the sandbox denied reading outside the project') },
      });
    } finally {
      rmSync(monorepo, { recursive: true, force: true });
    }
  }, 60_000);

  it('passes only an allow-list of environment variables', () => {
    const source = {
      PATH: '/usr/bin',
      LANG: 'C.UTF-8',
      NODE_ENV: 'test',
      DATABASE_URL: 'postgres://u:secret@db/prod',
      PGPASSWORD: 'secret',
      PGHOST: 'db.internal',
      MYSQL_PWD: 'secret',
      AWS_SECRET_ACCESS_KEY: 'secret',
      GITHUB_TOKEN: 'secret',
      NODE_OPTIONS: '--require /tmp/evil.js',
      HOME: '/home/dev',
    };
    expect(scrubbedEnvironment(source)).toEqual({
      PATH: '/usr/bin',
      LANG: 'C.UTF-8',
      NODE_ENV: 'test',
      HOME: '/nonexistent',
    });
    const python = pythonEnvironment({ ...source, VIRTUAL_ENV: '/home/dev/shop/.venv' });
    expect(python).toMatchObject({ PATH: '/usr/bin', HOME: '/home/dev', VIRTUAL_ENV: '/home/dev/shop/.venv' });
    expect(Object.keys(python)).not.toEqual(expect.arrayContaining(['DATABASE_URL']));
    expect(JSON.stringify(python)).not.toContain('secret');
  });

  it('probes for an empty network namespace once and uses it where unshare works', () => {
    const namespace = networkNamespace();
    expect(networkNamespace()).toBe(namespace);
    const works =
      process.platform === 'linux' &&
      spawnSync('unshare', [...namespace.prefix.slice(1), process.execPath, '-e', '0']).status === 0;
    if (works) {
      expect(namespace.prefix[0]).toBe('unshare');
      // Inside it, no interface has an address: nothing to connect through.
      const inside = spawnSync(
        namespace.prefix[0] ?? '',
        [
          ...namespace.prefix.slice(1),
          process.execPath,
          '-e',
          'console.log(Object.keys(require("os").networkInterfaces()).length)',
        ],
        { encoding: 'utf8' },
      );
      expect(inside.stdout.trim()).toBe('0');
    } else {
      expect(namespace.note).toMatch(/network guard alone/);
    }
  });

  it('the network guard refuses every way out, and cannot be undone', () => {
    const guard = path.resolve(import.meta.dirname, '../../src/sandbox/network-guard.ts');
    const script = `
      const attempts = {
        net: () => require('net').connect(5432, '127.0.0.1'),
        unix: () => require('net').createConnection('/var/run/postgresql/.s.PGSQL.5432'),
        tls: () => require('tls').connect(443, 'example.com'),
        dns: () => require('dns').lookup('example.com', () => {}),
        dnsPromises: () => require('dns').promises.resolve4('example.com'),
        http: () => require('http').get('http://127.0.0.1:5432/'),
        https: () => require('https').request('https://example.com/'),
        udp: () => require('dgram').createSocket('udp4'),
        listen: () => require('net').createServer().listen(0),
        fetch: () => fetch('http://127.0.0.1:5432/'),
        restore: () => { require('net').Socket.prototype.connect = function () { return 'restored'; }; return require('net').Socket.prototype.connect(); },
      };
      const results = {};
      for (const [name, attempt] of Object.entries(attempts)) {
        try { const value = attempt(); results[name] = value === 'restored' ? 'restored' : 'allowed'; }
        catch (error) { results[name] = /network access is blocked in the sandbox|read.only|Cannot assign/.test(error.message) ? 'blocked' : error.message; }
      }
      console.log(JSON.stringify(results));`;
    const child = spawnSync(process.execPath, ['--import', 'tsx/esm', '--import', guard, '-e', script], {
      encoding: 'utf8',
      cwd: path.resolve(import.meta.dirname, '../..'),
    });
    const results = JSON.parse(child.stdout) as Record<string, string>;
    expect(Object.entries(results).filter(([, outcome]) => outcome !== 'blocked')).toEqual([]);
  });
});
