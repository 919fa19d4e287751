import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(REPO, 'dist', 'bundle', 'bin.js');
const FIXTURE = path.join(REPO, 'test', 'fixtures', 'detect-knex');

/** `npm test` builds first; a lone `vitest run` of this file builds only when dist is missing. */
beforeAll(() => {
  if (!existsSync(BIN)) {
    try {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: REPO, stdio: 'ignore' });
    } catch {
      // tsc reports type errors with exit code 2 but still emits; the existence check below decides.
    }
  }
  expect(existsSync(BIN), `${BIN} is missing: run npm run build`).toBe(true);
}, 120_000);

describe('the built binary over stdio', () => {
  it('answers initialize, tools/list and detect_setup through the SDK client', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp'],
      cwd: FIXTURE,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      expect(client.getServerVersion()?.name).toBe('db-migration-agent');
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('detect_setup');
      const result = (await client.callTool({ name: 'detect_setup', arguments: {} })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ root: FIXTURE, packages: [{ orms: [{ name: 'knex' }] }] });
    } finally {
      await client.close();
    }
  });

  it('writes nothing but JSON-RPC messages to stdout, and its banner to stderr', async () => {
    const child = spawn(process.execPath, [BIN, 'mcp'], { cwd: FIXTURE, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
    const responseCount = () => stdout.split('\n').filter((line) => line.includes('"id":')).length;
    const lines = async (count: number) => {
      for (let waited = 0; responseCount() < count && waited < 10_000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    await lines(1);
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'detect_setup', arguments: { projectRoot: '/nonexistent' } },
    });
    send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'detect_setup', arguments: {} } });
    await lines(3);
    child.kill();
    const messages = stdout
      .split('\n')
      .filter(Boolean)
      .map(
        (line) => JSON.parse(line) as { jsonrpc: string; id?: number; method?: string; result?: { isError?: boolean } },
      );
    expect(messages.every((message) => message.jsonrpc === '2.0')).toBe(true);
    const responses = messages.filter((message) => message.id !== undefined).sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
    expect(responses.map((message) => message.id)).toEqual([1, 2, 3]);
    expect(responses[1]?.result?.isError).toBe(true);
    expect(responses[2]?.result?.isError).toBeFalsy();
    expect(stderr).toContain('MCP server ready on stdio');
  });
});
