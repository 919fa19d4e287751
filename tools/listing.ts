import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ToolDefinition } from './define.js';

/**
 * What tools/list says of each tool. Every agent session pays for this listing, so it carries what an agent needs
 * to choose and call a tool — description, input fields, annotations — and of the output only the top-level fields
 * and their kinds. The server still validates every answer against the tool's full output schema, and the full
 * input and output schemas are the resource db-migration-agent://tools/<name>/schema.
 */
export function toolListing(tools: readonly ToolDefinition[]): Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: compact(jsonSchemaOf(tool.listedInput ?? tool.inputSchema)) as Tool['inputSchema'],
    outputSchema: outlineOf(tool.outputSchema),
    annotations: tool.annotations,
  }));
}

/** The draft-7 JSON schema of a zod object, without the `$schema` line every copy repeats. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { target: 'draft-7', io }) as Record<string, unknown>;
  return json;
}

/** Bounds and patterns the server checks on every call, and enums too long to be worth reading in a listing. */
const CHECKED_ON_CALL = new Set([
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'pattern',
  'propertyNames',
]);
const LONGEST_LISTED_ENUM = 8;

function compact(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(compact);
  if (!schema || typeof schema !== 'object') return schema;
  const entries = Object.entries(schema).filter(
    ([key, value]) =>
      !CHECKED_ON_CALL.has(key) &&
      !(key === 'enum' && Array.isArray(value) && value.length > LONGEST_LISTED_ENUM) &&
      !(key === 'additionalProperties' && value && typeof value === 'object' && !Object.keys(value).length),
  );
  return Object.fromEntries(entries.map(([key, value]) => [key, compact(value)]));
}

/** Top-level field names, with the values of short enums (risk levels, outcomes). */
function outlineOf(schema: z.ZodObject): Tool['outputSchema'] & object {
  const properties: Record<string, object> = {};
  for (const [key, field] of Object.entries(schema.shape)) properties[key] = kindOf(field as z.ZodType);
  return { type: 'object', properties };
}

function kindOf(field: z.ZodType): object {
  if (field instanceof z.ZodOptional || field instanceof z.ZodNullable) return kindOf(field.unwrap() as z.ZodType);
  if (field instanceof z.ZodEnum && field.options.length <= LONGEST_LISTED_ENUM) return { enum: field.options };
  return {};
}

/** "table,columns,primaryKey?": a zod object's field names, optional ones marked, for one-line descriptions. */
export function fieldList(schema: z.ZodObject, except: string[] = []): string {
  return Object.entries(schema.shape)
    .filter(([key]) => !except.includes(key))
    .map(([key, field]) => (field instanceof z.ZodOptional ? `${key}?` : key))
    .join(',');
}
