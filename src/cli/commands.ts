import { checkCommand } from './check.js';
import type { CliCommand } from './command.js';
import { demoCommand } from './demo.js';
import { detectCommand } from './detect.js';
import { diffCommand } from './diff.js';
import { generateCommand } from './generate.js';
import { githubActionCommand } from './github-action.js';
import { hookCommand } from './hook.js';
import { mcpCommand } from './mcp.js';
import { migrationsCommand } from './migrations.js';
import { planCommand } from './plan.js';
import { rehearseCommand } from './rehearse.js';
import { rollbackCommand } from './rollback.js';
import { seedCommand } from './seed.js';
import { statusCommand } from './status.js';

/** Every CLI command. Adding a command = adding its file and one line below. */
export const COMMANDS: CliCommand[] = [
  mcpCommand,
  detectCommand,
  demoCommand,
  migrationsCommand,
  checkCommand,
  rehearseCommand,
  diffCommand,
  generateCommand,
  rollbackCommand,
  seedCommand,
  planCommand,
  statusCommand,
  hookCommand,
  githubActionCommand,
  // commands: one entry per line
];
