import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerPlanResources } from './plan/migration-plan-resource.js';
import { registerToolSchemaResources } from './tool-schema-resource.js';

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
  {
    name: 'rules',
    uri: 'db-migration-agent://rules',
    title: 'PostgreSQL safety rules',
    description:
      'Every validate_safety rule as JSON: id, title, category, default severity, locks and what they block, rewrite/scan, why, safe alternative, examples.',
    mimeType: 'application/json',
    read: async () => (await import('./safety/docs.js')).ruleCatalogJson(),
  },
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
  registerPlanResources(server);
  registerToolSchemaResources(server);
}
