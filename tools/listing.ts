import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ToolDefinition } from './define.js';
import { SHARED_FIELDS } from './fields.js';

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
    inputSchema: listedInputOf(tool.listedInput ?? tool.inputSchema),
    outputSchema: outlineOf(tool.outputSchema),
    annotations: listedAnnotations(tool.annotations),
  }));
}

/** destructiveHint means something only when a tool may write (MCP spec): a read-only tool's is left out. */
function listedAnnotations(annotations: ToolDefinition['annotations']): Tool['annotations'] {
  if (!annotations.readOnlyHint) return annotations;
  const { destructiveHint: _, ...listed } = annotations;
  return listed;
}

/** The draft-7 JSON schema of a zod object, without the `$schema` line every copy repeats. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { target: 'draft-7', io }) as Record<string, unknown>;
  return json;
}

/**
 * The input fields, each reduced to what an agent needs to call the tool: a field shared by several tools
 * (tools/fields.ts), which the server instructions explain once, to its type.
 */
function listedInputOf(schema: z.ZodObject): Tool['inputSchema'] {
  const json = compact(jsonSchemaOf(schema)) as Tool['inputSchema'];
  const properties: Record<string, object> = {};
  for (const [name, field] of Object.entries(json.properties ?? {})) {
    const listed = outlineNested(field as JsonField);
    properties[name] = schema.shape[name] === SHARED_FIELDS[name] ? { type: listed.type } : listed;
  }
  return { ...json, properties };
}

interface JsonField {
  type?: string;
  description?: string;
  items?: JsonField;
  properties?: Record<string, JsonField>;
  required?: string[];
}

/** An array of objects is listed as `array of object`, its item's fields named in the description: `[{table?,from,to}]`. */
function outlineNested(field: JsonField): JsonField {
  const item = field.items;
  if (field.type !== 'array' || item?.type !== 'object' || !item.properties) return field;
  const fields = Object.keys(item.properties).map((key) => (item.required?.includes(key) ? key : `${key}?`));
  const shape = `[{${fields.join(',')}}]`;
  return {
    ...field,
    description: field.description ? `${shape} ${field.description}` : shape,
    items: { type: 'object' },
  };
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
      !(
        (key === 'additionalProperties' || key === 'properties') &&
        value &&
        typeof value === 'object' &&
        !Object.keys(value).length
      ),
  );
  return Object.fromEntries(entries.map(([key, value]) => [key, compact(value)]));
}

/**
 * The output's top-level field names: an agent reads the values in the answer; their kinds and enum values are in
 * the schema resource.
 */
function outlineOf(schema: z.ZodObject): Tool['outputSchema'] & object {
  const properties: Record<string, object> = {};
  for (const key of Object.keys(schema.shape)) properties[key] = {};
  return { type: 'object', properties };
}

/** "table,columns,primaryKey?": a zod object's field names, optional ones marked, for one-line descriptions. */
export function fieldList(schema: z.ZodObject, except: string[] = []): string {
  return Object.entries(schema.shape)
    .filter(([key]) => !except.includes(key))
    .map(([key, field]) => (field instanceof z.ZodOptional ? `${key}?` : key))
    .join(',');
}
