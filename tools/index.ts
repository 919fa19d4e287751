import type { ToolDefinition } from './define.js';

/**
 * Every MCP tool the server registers, in the order of the workflow. A tool is listed here only when it
 * really works. Adding a tool = adding its file and one line below.
 */
export const TOOLS: ToolDefinition[] = [
  // tools: one entry per line, in workflow order
];
