import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createServer } from '../../src/server.js';

/** A real MCP client connected to the server in-process (InMemoryTransport): the protocol, minus the pipe. */
export async function connectInMemory(cwd = process.cwd()): Promise<{ client: Client; close(): Promise<void> }> {
  const server = createServer({ cwd });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'db-migration-agent-tests', version: '1.0.0' });
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  return {
    client,
    async close() {
      await client.close();
      await server.close();
    },
  };
}

/** `timeout`: ms the client waits for the answer (the SDK's default is one minute). */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  timeout?: number,
): Promise<CallToolResult> {
  return (await client.callTool(
    { name, arguments: args },
    undefined,
    timeout ? { timeout } : undefined,
  )) as CallToolResult;
}

/** The readable text of a tool result. */
export function textOf(result: CallToolResult): string {
  return result.content
    .filter((part): part is { type: 'text'; text: string } => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
}
