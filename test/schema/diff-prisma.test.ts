import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSources } from '../../src/schema/diff-sources.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/schema-diff/prisma-project');

/** A git repository whose HEAD holds schema.before.prisma as prisma/schema.prisma and whose working tree the after. */
async function prismaProject(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dma-diff-prisma-'));
  mkdirSync(path.join(dir, 'prisma'));
  const git = simpleGit({ baseDir: dir });
  await git.init();
  await git.addConfig('user.email', 'test@example.com').addConfig('user.name', 'test');
  copyFileSync(path.join(FIXTURE, 'schema.before.prisma'), path.join(dir, 'prisma/schema.prisma'));
  await git.add('prisma/schema.prisma').commit('schema');
  copyFileSync(path.join(FIXTURE, 'schema.after.prisma'), path.join(dir, 'prisma/schema.prisma'));
  return dir;
}

describe('diff_schema on schema.prisma (git HEAD against the working tree)', { timeout: 120_000 }, () => {
  let project: string;
  beforeAll(async () => {
    project = await prismaProject();
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('finds prisma/schema.prisma by default and gives the operations with the names Prisma Migrate uses', async () => {
    const result = await diffSources({ root: project });
    expect(result.from).toBe('prisma/schema.prisma at HEAD');
    expect(result.to).toBe('prisma/schema.prisma');
    expect(result.engine).toBe('postgresql');
    const operations = result.diff.operations.map((operation) => `${operation.kind} ${operation.object}`);
    expect(operations).toEqual(
      expect.arrayContaining([
        'create-enum OrderStatus',
        'create-table Order',
        'create-index Order.Order_userId_idx',
        'add-constraint Order.Order_userId_fkey',
      ]),
    );
    expect(operations.indexOf('create-enum OrderStatus')).toBeLessThan(operations.indexOf('create-table Order'));
    expect(operations.indexOf('create-table Order')).toBeLessThan(
      operations.indexOf('add-constraint Order.Order_userId_fkey'),
    );
    const sql = result.diff.operations.flatMap((operation) => operation.sql).join('\n');
    expect(sql).toMatch(/CREATE TYPE "OrderStatus" AS ENUM \('pending', 'paid'\)/);
    expect(sql).toMatch(/\btotal numeric\(10,2\) NOT NULL/);
    expect(sql).toMatch(/ON DELETE RESTRICT ON UPDATE CASCADE/);
    expect(result.diff.operations.every((operation) => operation.safety !== 'dangerous')).toBe(true);
  });

  it('reads prisma:<file> explicitly and finds nothing between a schema and itself', async () => {
    const result = await diffSources({
      root: project,
      from: 'prisma:prisma/schema.prisma',
      to: 'prisma:prisma/schema.prisma',
    });
    expect(result.diff.operations).toEqual([]);
  });
});
