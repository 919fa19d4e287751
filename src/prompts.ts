import { readFileSync } from 'node:fs';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

/**
 * The skill prompt lives as Markdown in prompts/ (so it ships as SKILL.md too); the server reads it once
 * and serves it as the MCP prompt `database_migration` (a slash command in Claude Code).
 */
const PROMPTS_DIR = new URL('../../prompts/', import.meta.url);

function readPrompt(file: string): string {
  // dist/src/prompts.js → ../../prompts; src/prompts.ts (tests) → ../prompts
  for (const base of [PROMPTS_DIR, new URL('../prompts/', import.meta.url)]) {
    try {
      return readFileSync(new URL(file, base), 'utf8');
    } catch {
      // try the next location
    }
  }
  throw new Error(`prompt file prompts/${file} is missing from the package`);
}

/** Strips YAML front matter (the SKILL.md header) from a Markdown file. */
export function stripFrontMatter(markdown: string): string {
  return markdown.startsWith('---\n') ? markdown.slice(markdown.indexOf('\n---\n', 4) + 5).trimStart() : markdown;
}

export const SERVER_INSTRUCTIONS = `db-migration-agent helps you change a database schema safely, the way a careful database engineer would.
Workflow: 1) detect_setup to learn the ORM/migration tool, engine, schema files and existing migrations;
2) understand the change (the user's words or the schema diff) and classify it safe / careful / dangerous;
3) write the migration in the project's own format and naming; 4) validate it for data loss, locks and
backward compatibility, and rehearse it on a throw-away database when available; 5) always give a rollback;
6) offer seed data for new tables; 7) present the plan; check_before_apply right before applying. Never drop columns or tables without the user's explicit
confirmation. Nothing runs against a real database unless the user names it and asks. The prompt
'database_migration' walks through all of this.
Fields shared by the tools: projectRoot defaults to the client's first root, else the server's working directory.
executeProjectCode is the user's consent to run code migrations (knex, TypeORM, Sequelize, Alembic, Django…) to
read their SQL, against recorders that never reach a database; JS/TS runs in a sandbox (read-only project, no
network, no writes, no processes, no credentials). Omitted: the user is asked when the client supports it, else no.
shadowUrl names a server for throw-away shadow databases (MySQL/MariaDB need one; default PGlite / SQLite in
memory); allowRemoteShadow, only with the user's yes, accepts one not on this machine. engine (postgresql,
mysql, mariadb or sqlite) defaults to the project's. rowCounts gives the real rows per table ({"orders": 12000000})
for lock and duration estimates. path names the migration folder when the project has several. renames answers
diff_schema's rename questions: [{table?, from, to}], without table a table rename.
Full input and output schemas: resource db-migration-agent://tools/<name>/schema. An answer over the result budget
(20,000 characters; resultBudget in the config) keeps the most important items and says in omitted what it left out,
with resources holding the whole answer and each cut array.`;

export function registerPrompts(server: McpServer): void {
  server.registerPrompt(
    'database_migration',
    {
      title: 'Safe database migration',
      description:
        'The seven-step workflow for a safe schema change: detect the setup, understand the change, generate the migration in the project format, validate and rehearse it, plan the rollback, seed new tables, and present the deployment plan.',
      argsSchema: {
        change: z
          .string()
          .describe('The schema change you want, e.g. "add an orders table" or "make users.email NOT NULL"'),
      },
    },
    ({ change }) => ({
      description: `Safe migration workflow for: ${change}`,
      messages: [
        {
          role: 'user',
          content: {
            type: 'text',
            text: stripFrontMatter(readPrompt('database-migration.md')).replaceAll('{{change}}', change),
          },
        },
      ],
    }),
  );
}
