import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  type CallToolResult,
  ListToolsRequestSchema,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { ToolContext, ToolDefinition } from '../tools/define.js';
import { TOOLS } from '../tools/index.js';
import { toolListing } from '../tools/listing.js';
import { toUserError, UserError } from './errors.js';
import { prebuiltListing } from './prebuilt-listing.js';
import { registerPrompts, SERVER_INSTRUCTIONS } from './prompts.js';
import { registerResources } from './resources.js';
import { capAnswer, withOmitted } from './results/answer.js';
import { budgetFromConfig, budgetFromEnv, DEFAULT_RESULT_BUDGET } from './results/setting.js';
import { ResultStore, registerResultResources } from './results/store.js';
import { resolveProjectRoot } from './root.js';
import { NAME, VERSION } from './version.js';

export interface ServerOptions {
  /** Fallback project root when neither the tool argument nor the client's roots give one. */
  cwd: string;
  /**
   * Characters of structuredContent an answer may have (src/results); default: DMA_RESULT_BUDGET, else the
   * project's resultBudget, else 20,000.
   */
  resultBudget?: number;
}

interface ToolRuntime extends ServerOptions {
  /** The whole answers that were cut, for the results resources. */
  results: ResultStore;
}

/** Builds the MCP server with every tool, prompt and resource registered. Transport-agnostic. */
export function createServer(options: ServerOptions): McpServer {
  const server = new McpServer(
    { name: NAME, version: VERSION, title: 'Database migration agent' },
    { capabilities: { logging: {} }, instructions: SERVER_INSTRUCTIONS },
  );
  const runtime: ToolRuntime = {
    ...options,
    resultBudget: options.resultBudget ?? budgetFromEnv(),
    results: new ResultStore(),
  };
  for (const tool of TOOLS) registerTool(server, tool, runtime);
  // The SDK lists every schema whole; ours lists what an agent needs (tools/listing.ts) and validates in full.
  const listing = prebuiltListing(TOOLS.map((tool) => tool.name)) ?? toolListing(TOOLS);
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listing }));
  registerPrompts(server);
  registerResources(server);
  registerResultResources(server, runtime.results);
  return server;
}

type RequestExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

function registerTool(server: McpServer, tool: ToolDefinition, options: ToolRuntime): void {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.inputSchema,
      outputSchema: withOmitted(tool.outputSchema),
      annotations: { title: tool.title, ...tool.annotations },
    },
    async (input: unknown, extra: RequestExtra): Promise<CallToolResult> => {
      const base = toolContext(server, extra, options);
      let root: string | undefined;
      const context: ToolContext = {
        ...base,
        resolveRoot: async (explicit) => {
          root = await base.resolveRoot(explicit);
          return root;
        },
      };
      try {
        const answer = await tool.handler(input as never, context);
        const budget = options.resultBudget ?? budgetFromConfig(root ?? options.cwd) ?? DEFAULT_RESULT_BUDGET;
        const capped = capAnswer(
          tool.name,
          { structured: answer.structured as Record<string, unknown>, text: answer.text },
          budget,
          options.results,
        );
        return { content: [{ type: 'text', text: capped.text }], structuredContent: capped.structured };
      } catch (error) {
        // A cancelled call fails with whatever the client gave as reason (often a string): say it was cancelled.
        const cancelled = extra.signal.aborted && !(error instanceof UserError);
        const userError = toUserError(cancelled ? new DOMException('cancelled', 'AbortError') : error);
        await context.log('error', `${tool.name}: ${userError.message}`);
        // No structuredContent here: SDK clients validate it against the tool's outputSchema even on errors.
        return {
          isError: true,
          content: [{ type: 'text', text: `${tool.name} failed: ${userError.message}` }],
        };
      }
    },
  );
}

function toolContext(server: McpServer, extra: RequestExtra, options: ServerOptions): ToolContext {
  const progressToken = extra._meta?.progressToken;
  return {
    signal: extra.signal,
    async resolveRoot(explicit?: string) {
      if (explicit) return resolveProjectRoot(explicit);
      const fromClient = await firstClientRoot(server);
      return resolveProjectRoot(fromClient ?? options.cwd);
    },
    async progress(progress, total, message) {
      if (progressToken === undefined) return;
      await extra.sendNotification({
        method: 'notifications/progress',
        params: { progressToken, progress, ...(total !== undefined ? { total } : {}), ...(message ? { message } : {}) },
      });
    },
    async confirm({ message, label, description }) {
      if (!server.server.getClientCapabilities()?.elicitation) return false;
      try {
        const answer = await server.server.elicitInput(
          {
            message,
            requestedSchema: {
              type: 'object',
              properties: { allow: { type: 'boolean', title: label, description } },
              required: ['allow'],
            },
          },
          // A human answers: give them time (the SDK's default request timeout is one minute).
          { signal: extra.signal, timeout: 10 * 60_000 },
        );
        return answer.action === 'accept' && answer.content?.allow === true;
      } catch {
        return false;
      }
    },
    async log(level, message) {
      process.stderr.write(`[${NAME}] ${level}: ${message}\n`);
      if (server.isConnected()) {
        await server.sendLoggingMessage({ level, logger: NAME, data: message }).catch(() => undefined);
      }
    },
  };
}

async function firstClientRoot(server: McpServer): Promise<string | undefined> {
  if (!server.server.getClientCapabilities()?.roots) return undefined;
  try {
    const { roots } = await server.server.listRoots(undefined, { timeout: 5_000 });
    const first = roots.find((root) => root.uri.startsWith('file://'));
    return first ? fileURLToPath(first.uri) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the server on stdio. stdout carries JSON-RPC only: console output is redirected to stderr. */
export async function startStdioServer(cwd: string): Promise<void> {
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
  const server = createServer({ cwd });
  await server.connect(new StdioServerTransport());
  process.stdin.once('end', () => {
    void shutdown(server);
  });
  process.stderr.write(`${NAME} ${VERSION} MCP server ready on stdio (project root fallback: ${cwd})\n`);
}

/** The client went away: close the server and drop what rehearsals keep warm (spare PGlite, cached baselines). */
async function shutdown(server: McpServer): Promise<void> {
  await server.close().catch(() => undefined);
  const [{ releaseBaselineCache }, { releaseWarmPglite }] = await Promise.all([
    import('./shadow/baseline-cache.js'),
    import('./shadow/pglite.js'),
  ]);
  await Promise.allSettled([releaseBaselineCache(), releaseWarmPglite()]);
}
