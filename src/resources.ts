import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

/** A read-only, cheap resource: a fixed URI and a function producing its text. */
export interface StaticResource {
  name: string;
  uri: string;
  title: string;
  description: string;
  mimeType: string;
  read(): Promise<string> | string;
}

/** Every resource the server exposes. Adding one = adding an entry. */
export const RESOURCES: StaticResource[] = [
  // resources: one entry per line
];

export function registerResources(server: McpServer): void {
  for (const resource of RESOURCES) {
    server.registerResource(
      resource.name,
      resource.uri,
      { title: resource.title, description: resource.description, mimeType: resource.mimeType },
      async (uri) => ({ contents: [{ uri: uri.href, mimeType: resource.mimeType, text: await resource.read() }] }),
    );
  }
}
