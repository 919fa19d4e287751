import type { CliCommandEntry } from './command.js';

/**
 * Every CLI command: its name and summary here, its help and code in its own module, loaded only when it runs or
 * its help is asked for (a command's start compiles its own module, not the other thirteen).
 * Adding a command = adding its file and one entry below.
 */
export const COMMANDS: CliCommandEntry[] = [
  {
    name: 'mcp',
    summary: 'Run the MCP server over stdio (what .mcp.json starts).',
    load: async () => (await import('./mcp.js')).mcpCommand,
  },
  {
    name: 'detect',
    summary: 'Detect the ORM / migration tool, engine, schema files and migrations of a project.',
    load: async () => (await import('./detect.js')).detectCommand,
  },
  {
    name: 'demo',
    summary: 'Run the whole workflow on the bundled example projects (knex, then Prisma).',
    load: async () => (await import('./demo.js')).demoCommand,
  },
  {
    name: 'migrations',
    summary: "List a project's migrations in apply order with the SQL each one runs.",
    load: async () => (await import('./migrations.js')).migrationsCommand,
  },
  {
    name: 'check',
    summary:
      'Check migrations (any format) for locks, data loss and breaking changes on PostgreSQL, MySQL/MariaDB and SQLite (CI-friendly).',
    load: async () => (await import('./check.js')).checkCommand,
  },
  {
    name: 'rehearse',
    summary: 'Run a migration up → down → up on a throw-away database: real locks, rewrites, durations, data kept.',
    load: async () => (await import('./rehearse.js')).rehearseCommand,
  },
  {
    name: 'diff',
    summary:
      'The change between two schemas (git ref, working tree, migrations, database) as ordered, categorised operations.',
    load: async () => (await import('./diff.js')).diffCommand,
  },
  {
    name: 'generate',
    summary: 'Write a proven migration (phased when a step is unsafe) in the project’s own format.',
    load: async () => (await import('./generate.js')).generateCommand,
  },
  {
    name: 'rollback',
    summary: 'Plan the rollback of a migration: the down, how recoverable it is, the command, the backup, the proof.',
    load: async () => (await import('./rollback.js')).rollbackCommand,
  },
  {
    name: 'seed',
    summary: 'Realistic seed rows for new tables, proven on a shadow, in the project’s seed format.',
    load: async () => (await import('./seed.js')).seedCommand,
  },
  {
    name: 'plan',
    summary: 'The deployment plan of a migration: changes, rollback, checklist, steps, impact and the lock timeline.',
    load: async () => (await import('./plan.js')).planCommand,
  },
  {
    name: 'status',
    summary: 'Applied, pending, unknown, failed and edited migrations per environment, and schema drift (read-only).',
    load: async () => (await import('./status.js')).statusCommand,
  },
  {
    name: 'hook',
    summary: 'Guard rails: the Claude Code PreToolUse hook, and the git pre-commit check (install/uninstall).',
    load: async () => (await import('./hook.js')).hookCommand,
  },
  {
    name: 'github-action',
    summary: "The GitHub Action's entry: check a pull request's migrations, one PR comment, SARIF, --fail-on.",
    load: async () => (await import('./github-action.js')).githubActionCommand,
  },
];
