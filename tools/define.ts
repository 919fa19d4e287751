import type { z } from 'zod';

/**
 * A tool is data: name, title, description (when to use it, what it returns), zod input and output schemas,
 * all four annotations, and a handler that calls the engine in src/. The server (src/server.ts) turns a
 * handler's answer into `structuredContent` plus a short readable text, and any thrown UserError into an
 * `isError` result that says what, where and how to fix.
 */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export interface ToolContext {
  /** The project root: the tool's own argument, else the client's first root, else the working directory. */
  resolveRoot(explicit?: string): Promise<string>;
  /** Reports progress when the client asked for it (progressToken); a no-op otherwise. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  log(level: 'debug' | 'info' | 'warning' | 'error', message: string): Promise<void>;
  /** Aborted when the client cancels the request. */
  signal: AbortSignal;
  /**
   * Asks the human (MCP elicitation) a yes/no question; false when the client cannot ask (no elicitation
   * capability), or the human declines or cancels.
   */
  confirm(question: { message: string; label: string; description: string }): Promise<boolean>;
}

export interface ToolAnswer<Output> {
  structured: Output;
  /** A short readable summary for the human reviewing the agent's work (Markdown is fine). */
  text: string;
}

export interface ToolDefinition<Input extends z.ZodObject = z.ZodObject, Output extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  inputSchema: Input;
  /**
   * A shorter input schema for tools/list, when the full one is long (generate_migration's change union); calls
   * are still validated against `inputSchema`, which the tool's schema resource publishes whole.
   */
  listedInput?: z.ZodObject;
  outputSchema: Output;
  annotations: ToolAnnotations;
  handler(input: z.infer<Input>, context: ToolContext): Promise<ToolAnswer<z.infer<Output>>>;
}

/** Identity function that keeps the input/output types of a tool definition checked together. */
export function defineTool<Input extends z.ZodObject, Output extends z.ZodObject>(
  definition: ToolDefinition<Input, Output>,
): ToolDefinition<Input, Output> {
  return definition;
}
