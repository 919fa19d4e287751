import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';
import { EXPECTED, FIXTURES, tempProject } from '../project/helpers.js';

type Connection = Awaited<ReturnType<typeof connectInMemory>>;

describe('detect_setup over MCP', () => {
  let connection: Connection;
  beforeAll(async () => {
    connection = await connectInMemory(path.join(FIXTURES, 'detect-knex'));
  });
  afterAll(async () => {
    await connection.close();
  });

  it('is listed read-only with input and output schemas', async () => {
    const { tools } = await connection.client.listTools();
    const tool = tools.find((candidate) => candidate.name === 'detect_setup');
    expect(tool?.annotations).toMatchObject({
      readOnlyHint: true,
      idempotentHint: true,
      openWorldHint: false,
    });
    expect(Object.keys(tool?.inputSchema.properties ?? {})).toEqual(['projectRoot', 'path', 'maxFiles']);
    expect(Object.keys(tool?.outputSchema?.properties ?? {})).toEqual([
      'root',
      'packages',
      'ambiguities',
      'warnings',
      'stats',
    ]);
    expect(tool?.description).toMatch(/^Use first/);
  });

  it('returns the exact structured result and a readable summary for a fixture', async () => {
    const result = await callTool(connection.client, 'detect_setup', {
      projectRoot: path.join(FIXTURES, 'detect-prisma'),
    });
    expect(result.isError).toBeFalsy();
    const { root, stats, ...rest } = result.structuredContent as { root: string; stats: Record<string, unknown> };
    const { elapsedMs, ...keptStats } = stats;
    expect(root).toBe(path.join(FIXTURES, 'detect-prisma'));
    expect(typeof elapsedMs).toBe('number');
    expect({ ...rest, stats: keptStats }).toEqual(
      JSON.parse(readFileSync(path.join(EXPECTED, 'detect-prisma.json'), 'utf8')),
    );
    const text = textOf(result);
    expect(text).toContain('- ORM / migration tool: prisma ^5.22.0');
    expect(text).toContain('- Engine: postgresql (from prisma/schema.prisma: datasource provider = "postgresql"');
    expect(text).toContain('  apply: `npm run db:migrate`');
  });

  it("falls back to the server's working directory without projectRoot", async () => {
    const result = await callTool(connection.client, 'detect_setup', {});
    expect((result.structuredContent as { root: string }).root).toBe(path.join(FIXTURES, 'detect-knex'));
  });

  it('lists ambiguities instead of guessing', async () => {
    const result = await callTool(connection.client, 'detect_setup', {
      projectRoot: path.join(FIXTURES, 'detect-ambiguous'),
    });
    expect(textOf(result)).toContain('## Ambiguities (not guessed — ask the user)');
    expect((result.structuredContent as { ambiguities: string[] }).ambiguities).toHaveLength(3);
  });

  describe('bad input gives an isError result and the server keeps serving', () => {
    const cases: [string, () => Record<string, unknown>, RegExp][] = [
      ['a root that does not exist', () => ({ projectRoot: '/nonexistent/dma' }), /does not exist/],
      [
        'a file instead of a folder',
        () => ({ projectRoot: path.join(FIXTURES, 'detect-knex', 'knexfile.js') }),
        /is a file, not a folder/,
      ],
      [
        'a path outside the root',
        () => ({ projectRoot: path.join(FIXTURES, 'detect-knex'), path: '../../..' }),
        /outside the project root/,
      ],
    ];
    it.each(cases)('%s', async (_label, args, message) => {
      const failed = await callTool(connection.client, 'detect_setup', args());
      expect(failed.isError).toBe(true);
      expect(textOf(failed)).toMatch(message);
      expect(textOf(failed)).toContain('fix:');
      const next = await callTool(connection.client, 'detect_setup', {
        projectRoot: path.join(FIXTURES, 'detect-goose'),
      });
      expect(next.isError).toBeFalsy();
    });

    it('a project root that is a symlink loop', async () => {
      const project = tempProject({});
      try {
        const loop = path.join(project.dir, 'loop');
        symlinkSync(loop, loop);
        const failed = await callTool(connection.client, 'detect_setup', { projectRoot: loop });
        expect(failed.isError).toBe(true);
        expect(textOf(failed)).toContain('is a symlink loop (it resolves back to itself)');
        const next = await callTool(connection.client, 'detect_setup', {
          projectRoot: path.join(FIXTURES, 'detect-flyway'),
        });
        expect(next.isError).toBeFalsy();
      } finally {
        project.cleanup();
      }
    });

    it('a malformed package.json and pyproject.toml name file:line:col', async () => {
      const project = tempProject({ 'package.json': '{"name": "x",\n "dependencies": {"knex": }\n}' });
      try {
        const failed = await callTool(connection.client, 'detect_setup', { projectRoot: project.dir });
        expect(failed.isError).toBe(true);
        expect(textOf(failed)).toMatch(/^detect_setup failed: package\.json:2:27: package\.json is not valid JSON/);
        expect(failed.structuredContent).toBeUndefined();
        writeFileSync(path.join(project.dir, 'package.json'), '{}');
        writeFileSync(path.join(project.dir, 'pyproject.toml'), '[project\nname = "x"\n');
        const toml = await callTool(connection.client, 'detect_setup', { projectRoot: project.dir });
        expect(toml.isError).toBe(true);
        expect(textOf(toml)).toMatch(/^detect_setup failed: pyproject\.toml:1:\d+: pyproject\.toml is not valid TOML/);
        const next = await callTool(connection.client, 'detect_setup', {
          projectRoot: path.join(FIXTURES, 'detect-django'),
        });
        expect(next.isError).toBeFalsy();
      } finally {
        project.cleanup();
      }
    });
  });
});
