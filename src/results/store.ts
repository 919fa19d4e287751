import { randomBytes } from 'node:crypto';
import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { valueAt } from './paths.js';

export const RESULTS_PREFIX = 'db-migration-agent://results/';

export function resultUri(id: string): string {
  return `${RESULTS_PREFIX}${id}`;
}

/** The first page of the array at `path` of a kept result. */
export function pageUri(id: string, path: string, from = 0): string {
  return `${RESULTS_PREFIX}${id}/${path}/${from}`;
}

interface Kept {
  value: unknown;
  chars: number;
  /** The budget the answer was cut to: a page of it holds about as much. */
  budget: number;
}

/**
 * The whole answers of the session's calls that were cut to the budget, newest kept: at most `maxEntries` of
 * them and `maxChars` characters in all, so a long session does not grow without bound.
 */
export class ResultStore {
  private readonly kept = new Map<string, Kept>();
  private chars = 0;

  constructor(
    private readonly maxEntries = 16,
    private readonly maxChars = 32_000_000,
  ) {}

  keep(value: unknown, chars: number, budget: number): string {
    const id = randomBytes(6).toString('base64url');
    this.kept.set(id, { value, chars, budget });
    this.chars += chars;
    for (const [oldest, entry] of this.kept) {
      if (this.kept.size <= 1 || (this.kept.size <= this.maxEntries && this.chars <= this.maxChars)) break;
      this.kept.delete(oldest);
      this.chars -= entry.chars;
    }
    return id;
  }

  get(id: string): Kept {
    const entry = this.kept.get(id);
    if (!entry) {
      throw new Error(
        `No kept result ${id}: this session keeps the last ${this.maxEntries} answers that were cut; run the tool again to get it.`,
      );
    }
    return entry;
  }
}

/**
 * db-migration-agent://results/<id>: the whole answer a tool cut to the budget; …/<id>/<path>/<from>: the items
 * of one of its arrays from index `from` (the indexes of the whole answer), a budget's worth, with the next page.
 */
export function registerResultResources(server: McpServer, store: ResultStore): void {
  server.registerResource(
    'result',
    new ResourceTemplate(`${RESULTS_PREFIX}{id}`, { list: undefined }),
    {
      title: 'Whole tool result (JSON)',
      description: 'The whole answer of a tool call that was cut to the result budget (see its `omitted`).',
      mimeType: 'application/json',
    },
    async (uri, variables) => {
      const text = JSON.stringify(store.get(String(variables.id)).value);
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text }] };
    },
  );
  server.registerResource(
    'result-page',
    new ResourceTemplate(`${RESULTS_PREFIX}{id}/{path}/{from}`, { list: undefined }),
    {
      title: 'Page of a tool result array (JSON)',
      description: 'Items of one array of a cut answer from an index, a budget at a time, with the next page.',
      mimeType: 'application/json',
    },
    async (uri, variables) => {
      const id = String(variables.id);
      const path = String(variables.path);
      const from = Number(variables.from);
      const kept = store.get(id);
      const array = valueAt(kept.value, path);
      if (!Array.isArray(array)) throw new Error(`Result ${id} has no array at ${path}: use a path its omitted lists.`);
      if (!Number.isInteger(from) || from < 0) throw new Error(`Page start ${variables.from} is not an index: use 0.`);
      const items: unknown[] = [];
      let chars = 0;
      for (let index = from; index < array.length; index++) {
        const itemChars = JSON.stringify(array[index]).length + 1;
        if (items.length > 0 && chars + itemChars > kept.budget) break;
        items.push(array[index]);
        chars += itemChars;
      }
      const to = from + items.length;
      const page = {
        path,
        of: array.length,
        from,
        items,
        ...(to < array.length ? { next: pageUri(id, path, to) } : {}),
      };
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(page) }] };
    },
  );
}
