import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSources } from '../../src/schema/diff-sources.js';

const MODULES = path.resolve(import.meta.dirname, '../../node_modules');

const SCHEMA = `import { pgTable, serial } from 'drizzle-orm/pg-core';
import { audit } from './columns';

export const users = pgTable('users', { id: serial('id').primaryKey(), ...audit });
`;
const columns = (extra: string) => `import { text, timestamp } from 'drizzle-orm/pg-core';

export const audit = {
  createdAt: timestamp('created_at').defaultNow().notNull(),${extra}
};
`;

/**
 * schema.ts is the same at HEAD and in the working tree; the module it imports is not. Read at HEAD, the import
 * must resolve to HEAD's columns.ts, not the working tree's; a module only the working tree has must not resolve.
 */
describe('a Drizzle schema at a git ref imports its neighbours at that ref', { timeout: 120_000 }, () => {
  const project = mkdtempSync(path.join(tmpdir(), 'dma-drizzle-at-ref-'));
  beforeAll(async () => {
    mkdirSync(path.join(project, 'src/db'), { recursive: true });
    writeFileSync(path.join(project, 'package.json'), '{ "name": "drizzle-at-ref", "private": true }\n');
    writeFileSync(path.join(project, 'src/db/schema.ts'), SCHEMA);
    writeFileSync(path.join(project, 'src/db/columns.ts'), columns(''));
    symlinkSync(MODULES, path.join(project, 'node_modules'), 'dir');
    const git = simpleGit({ baseDir: project });
    await git.init();
    await git.addConfig('user.email', 'test@example.com').addConfig('user.name', 'test');
    await git.add(['package.json', 'src']).commit('schema');
    writeFileSync(path.join(project, 'src/db/columns.ts'), columns("\n  updatedBy: text('updated_by'),"));
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it("the column only the working tree's columns.ts has is the one operation", async () => {
    const result = await diffSources({ root: project, file: 'src/db/schema.ts', executeProjectCode: true });
    expect(result.from).toBe('src/db/schema.ts at HEAD');
    expect(result.diff.operations.map((operation) => [operation.kind, operation.object])).toEqual([
      ['add-column', 'users.updated_by'],
    ]);
  });

  it('an import of a file never committed does not fall back to the working tree: it fails, naming the ref', async () => {
    writeFileSync(path.join(project, 'src/db/schema.ts'), SCHEMA.replace("'./columns'", "'./extra'"));
    writeFileSync(path.join(project, 'src/db/extra.ts'), columns(''));
    await simpleGit({ baseDir: project }).add(['src/db/schema.ts']).commit('imports an uncommitted module');
    await expect(
      diffSources({
        root: project,
        from: 'git:HEAD:src/db/schema.ts',
        to: 'drizzle:src/db/schema.ts',
        executeProjectCode: true,
      }),
    ).rejects.toMatchObject({
      code: 'drizzle-schema-import',
      what: expect.stringContaining('Could not resolve "./extra": no such file at HEAD'),
      where: { file: 'src/db/schema.ts at HEAD', line: 2 },
    });
  });
});
