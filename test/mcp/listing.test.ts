import { readFileSync } from 'node:fs';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_INSTRUCTIONS } from '../../src/prompts.js';
import { SHARED_FIELDS } from '../../tools/fields.js';
import { TOOLS } from '../../tools/index.js';
import { jsonSchemaOf, toolListing } from '../../tools/listing.js';
import { connectInMemory } from '../helpers/mcp.js';

type InMemoryConnection = Awaited<ReturnType<typeof connectInMemory>>;

/**
 * tools/list is paid for by every agent session: it gives descriptions, input fields and the output's top-level
 * fields, while the full schemas are a resource and every call is still validated against them.
 */
describe('tools/list and the tool schema resource', () => {
  let connection: InMemoryConnection;
  beforeAll(async () => {
    connection = await connectInMemory();
  });
  afterAll(async () => {
    await connection.close();
  });

  it('stays within its character budget and lists every output field', async () => {
    const { tools } = await connection.client.listTools();
    expect(JSON.stringify({ tools }).length).toBeLessThan(12_000);
    for (const tool of TOOLS) {
      const listed = tools.find((each) => each.name === tool.name);
      expect(listed?.description, tool.name).toMatch(/^.{80,350}$/s);
      expect(Object.keys(listed?.outputSchema?.properties ?? {}), tool.name).toEqual(
        Object.keys(tool.outputSchema.shape),
      );
      expect(JSON.stringify(listed), tool.name).not.toContain('$schema');
    }
  });

  it('is served by the built server from the listing the build wrote, the same as the tools give now', () => {
    // npm test builds first; a stale or missing file means the bundle is stale too (run npm run build).
    const built = readFileSync(new URL('../../dist/bundle/tool-listing.json', import.meta.url), 'utf8');
    expect(JSON.parse(built)).toEqual(toolListing(TOOLS));
  });

  it('keeps every input callable from the listing alone: names, types, required fields and enums', async () => {
    const { tools } = await connection.client.listTools();
    for (const tool of TOOLS) {
      const listed = tools.find((each) => each.name === tool.name)?.inputSchema;
      const full = jsonSchemaOf(tool.inputSchema) as {
        properties: Record<string, { type?: string; enum?: unknown[] }>;
        required?: string[];
      };
      expect(Object.keys(listed?.properties ?? {}), tool.name).toEqual(Object.keys(full.properties));
      expect(listed?.required, tool.name).toEqual(full.required);
      for (const [name, field] of Object.entries(full.properties)) {
        const shown = listed?.properties?.[name] as { type?: string; enum?: unknown[] };
        expect(shown.type, `${tool.name}.${name}`).toBe(field.type);
        const shared = tool.inputSchema.shape[name] === SHARED_FIELDS[name];
        // A shared field's meaning and values are in the server instructions, once for every tool.
        if (shared) expect(SERVER_INSTRUCTIONS, name).toContain(name);
        else if (field.enum && field.enum.length <= 8) expect(shown.enum, `${tool.name}.${name}`).toEqual(field.enum);
      }
    }
    expect(SERVER_INSTRUCTIONS).toContain('postgresql,\nmysql, mariadb or sqlite');
  });

  it('names every change op with its fields in generate_migration, and serves the full schemas as a resource', async () => {
    const { tools } = await connection.client.listTools();
    const changes = tools.find((each) => each.name === 'generate_migration')?.inputSchema.properties?.changes as {
      description: string;
    };
    expect(changes.description).toContain('add_column{table,column}');
    expect(changes.description).toContain('rename_column{table,from,to}');
    expect(changes.description).toContain('column: {name,type,nullable?,default?');
    const { resources } = await connection.client.listResources();
    expect(resources.map((resource) => resource.uri)).toContain('db-migration-agent://tools/generate_migration/schema');
    const read = await connection.client.readResource({ uri: 'db-migration-agent://tools/generate_migration/schema' });
    const schema = JSON.parse(String(read.contents[0]?.text)) as { input: { properties: Record<string, unknown> } };
    expect(JSON.stringify(schema.input.properties.changes)).toContain('"create_table"');
    expect(JSON.stringify(schema.input.properties.changes)).toContain('onDelete');
    await expect(connection.client.readResource({ uri: 'db-migration-agent://tools/nope/schema' })).rejects.toThrow(
      /No tool nope/,
    );
  });

  it('still validates a call against the full input schema, naming the field that is wrong', async () => {
    const result = (await connection.client.callTool({
      name: 'generate_migration',
      arguments: { changes: [{ op: 'add_column', table: 'orders' }], dryRun: true },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
    expect(text).toMatch(/changes/);
    expect(text).toMatch(/column/);
  });
});
