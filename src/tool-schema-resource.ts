import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { TOOLS } from '../tools/index.js';
import { jsonSchemaOf } from '../tools/listing.js';
import { withOmitted } from './results/answer.js';

const PREFIX = 'db-migration-agent://tools/';

/** The full input and output JSON schemas of each tool, which tools/list gives only in outline. */
export function registerToolSchemaResources(server: McpServer): void {
  server.registerResource(
    'tool-schema',
    new ResourceTemplate(`${PREFIX}{name}/schema`, {
      list: async () => ({
        resources: TOOLS.map((tool) => ({
          uri: `${PREFIX}${tool.name}/schema`,
          name: `${tool.name} schema`,
          mimeType: 'application/json',
        })),
      }),
    }),
    {
      title: 'Tool schema (JSON)',
      description: "A tool's full input and output JSON schemas; tools/list gives them in outline.",
      mimeType: 'application/json',
    },
    async (uri, variables) => {
      const tool = TOOLS.find((candidate) => candidate.name === String(variables.name ?? ''));
      if (!tool)
        throw new Error(`No tool ${String(variables.name)}: the tools are ${TOOLS.map((t) => t.name).join(', ')}.`);
      const text = JSON.stringify({
        input: jsonSchemaOf(tool.inputSchema),
        output: jsonSchemaOf(withOmitted(tool.outputSchema), 'output'),
      });
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text }] };
    },
  );
}
