import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { createServer } from '../../src/server.js';
import { callTool } from '../helpers/mcp.js';
import { FIXTURES } from '../project/helpers.js';

describe("the project root comes from the argument, else the client's roots, else the working directory", () => {
  it("uses the client's first file root when no projectRoot is given", async () => {
    const server = createServer({ cwd: path.join(FIXTURES, 'detect-knex') });
    const client = new Client({ name: 'roots-client', version: '1.0.0' }, { capabilities: { roots: {} } });
    client.setRequestHandler(ListRootsRequestSchema, async () => ({
      roots: [{ uri: pathToFileURL(path.join(FIXTURES, 'detect-goose')).href, name: 'goose project' }],
    }));
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
    try {
      const fromRoots = await callTool(client, 'detect_setup', {});
      expect((fromRoots.structuredContent as { root: string }).root).toBe(path.join(FIXTURES, 'detect-goose'));
      const explicit = await callTool(client, 'detect_setup', { projectRoot: path.join(FIXTURES, 'detect-dbmate') });
      expect((explicit.structuredContent as { root: string }).root).toBe(path.join(FIXTURES, 'detect-dbmate'));
    } finally {
      await client.close();
      await server.close();
    }
  });
});
