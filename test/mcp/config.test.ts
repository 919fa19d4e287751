import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('mcp.json', () => {
  const config = JSON.parse(readFileSync(new URL('../../mcp.json', import.meta.url), 'utf8')) as {
    mcpServers: Record<string, { type: string; command: string; args: string[]; env?: Record<string, string> }>;
  };
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    name: string;
    bin: Record<string, string>;
    files: string[];
  };

  it('starts the published binary over stdio with npx, without any database URL', () => {
    expect(config.mcpServers).toEqual({
      'db-migration-agent': { type: 'stdio', command: 'npx', args: ['-y', pkg.name, 'mcp'] },
    });
    expect(Object.keys(pkg.bin)).toContain('db-migration-agent');
    expect(pkg.files).toEqual(expect.arrayContaining(['mcp.json', 'prompts', 'dist']));
  });
});
