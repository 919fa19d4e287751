import type { CliCommand } from './command.js';
import { mcpCommand } from './mcp.js';

/** Every CLI command. Adding a command = adding its file and one line below. */
export const COMMANDS: CliCommand[] = [
  mcpCommand,
  // commands: one entry per line
];
