import { readFileSync } from 'node:fs';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';

/**
 * The tools/list answer scripts/bundle.mjs computed at build time and wrote beside the bundle, when it lists exactly
 * these tools in this order; undefined otherwise (tests running from source, dist/src), and the server computes it.
 */
export function prebuiltListing(names: readonly string[]): Tool[] | undefined {
  try {
    const tools = JSON.parse(readFileSync(new URL('./tool-listing.json', import.meta.url), 'utf8')) as Tool[];
    return tools.length === names.length && tools.every((tool, index) => tool.name === names[index])
      ? tools
      : undefined;
  } catch {
    return undefined;
  }
}
