import { checkBeforeApplyTool } from './check_before_apply.js';
import type { ToolDefinition } from './define.js';
import { detectSetupTool } from './detect_setup.js';
import { diffSchemaTool } from './diff_schema.js';
import { generateMigrationTool } from './generate_migration.js';
import { generateSeedTool } from './generate_seed.js';
import { listMigrationsTool } from './list_migrations.js';
import { migrationPlanTool } from './migration_plan.js';
import { migrationStatusTool } from './migration_status.js';
import { rehearseMigrationTool } from './rehearse_migration.js';
import { rollbackPlanTool } from './rollback_plan.js';
import { validateSafetyTool } from './validate_safety.js';

/**
 * Every MCP tool the server registers, in the order of the workflow. A tool is listed here only when it
 * really works. Adding a tool = adding its file and one line below.
 */
export const TOOLS: ToolDefinition[] = [
  // tools: one entry per line, in workflow order
  detectSetupTool,
  listMigrationsTool,
  diffSchemaTool,
  generateMigrationTool,
  validateSafetyTool,
  checkBeforeApplyTool,
  rehearseMigrationTool,
  rollbackPlanTool,
  generateSeedTool,
  migrationPlanTool,
  migrationStatusTool,
];
