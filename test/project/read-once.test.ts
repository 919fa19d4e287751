import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEachFileOnce, readingOnce } from '../../src/project/read-once.js';
import { ProjectFiles } from '../../src/project/walk.js';
import { readText } from '../../src/sources/files.js';

const root = mkdtempSync(path.join(tmpdir(), 'dma-read-once-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('reading each file once (one-shot CLI commands)', () => {
  it('reads from the disk every time until it is turned on', async () => {
    const file = path.join(root, 'before.sql');
    writeFileSync(file, 'SELECT 1;');
    expect(readingOnce()).toBe(false);
    expect(await readText(file)).toBe('SELECT 1;');
    writeFileSync(file, 'SELECT 2;');
    expect(await readText(file)).toBe('SELECT 2;');
  });

  it('then gives every stage the text of the first read: the detect walk, the readers and the checker agree', async () => {
    readEachFileOnce();
    expect(readingOnce()).toBe(true);
    writeFileSync(path.join(root, 'up.sql'), 'CREATE TABLE a (id int);');
    const files = new ProjectFiles(root);
    expect(files.read('up.sql')).toBe('CREATE TABLE a (id int);');
    writeFileSync(path.join(root, 'up.sql'), 'changed after the first read');
    expect(await readText(path.join(root, 'up.sql'))).toBe('CREATE TABLE a (id int);');
    expect(new ProjectFiles(root).read('up.sql')).toBe('CREATE TABLE a (id int);');
  });

  it('still answers undefined for a file that cannot be read, and reads it once it exists', async () => {
    const missing = path.join(root, 'later.sql');
    expect(await readText(missing)).toBeUndefined();
    writeFileSync(missing, 'SELECT 3;');
    expect(await readText(missing)).toBe('SELECT 3;');
  });

  it('keeps the 1 MiB limit of the detect walk for a text a reader read first', async () => {
    const big = path.join(root, 'big.sql');
    writeFileSync(big, `-- ${'x'.repeat(1024 * 1024 + 10)}\n`);
    expect((await readText(big))?.length).toBeGreaterThan(1024 * 1024);
    const files = new ProjectFiles(root);
    expect(files.read('big.sql')).toBeUndefined();
    expect(files.warnings.join('\n')).toContain('big.sql: larger than 1 MiB, not read.');
  });
});
