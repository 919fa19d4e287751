import type { CliCommand } from './command.js';

export const mcpCommand: CliCommand = {
  help: `Usage: db-migration-agent mcp

Runs the Model Context Protocol server on stdin/stdout. Only JSON-RPC is written to stdout;
logs go to stderr and to the client's MCP log. Configure your client with mcp.json from this package.`,
  async run(_args, io) {
    const { startStdioServer } = await import('../server.js');
    await startStdioServer(io.cwd);
    return 0;
  },
};
