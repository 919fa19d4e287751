#!/usr/bin/env node
// Writes prompts/skills/database-migration/SKILL.md (and the Claude Code plugin's copy) from prompts/database-migration.md, so the MCP prompt and
// the Agent Skill share one hand-written text. Run after editing the prompt: node prompts/sync-skill.mjs
// (test/prompts/skill.test.ts fails when the two drift apart).
import { readFileSync, writeFileSync } from 'node:fs';

export const SKILL_NAME = 'database-migration';

export const SKILL_FRONTMATTER = `---
name: ${SKILL_NAME}
description: Plan, write, validate and rehearse a safe database schema migration in the project's own ORM or migration-tool format (Prisma, Drizzle, knex, TypeORM, Sequelize, Alembic, Django, raw SQL), with a rollback plan, seed data and a deployment plan. Use when the user asks to add, change, rename or drop tables, columns, indexes or constraints, or to review a migration for data loss, locking or backward-compatibility risks.
argument-hint: "[the schema change, e.g. add an orders table]"
compatibility: Works best with the db-migration-agent MCP server connected (npx -y db-migration-agent mcp).
---
`;

/** The skill's text: front matter, then the prompt with the MCP argument replaced by the skill's arguments. */
export function skillFromPrompt(prompt) {
  return `${SKILL_FRONTMATTER}\n${prompt.replaceAll('{{change}}', '$ARGUMENTS')}`;
}

const promptUrl = new URL('./database-migration.md', import.meta.url);
const skillUrl = new URL(`./skills/${SKILL_NAME}/SKILL.md`, import.meta.url);
/** The Claude Code plugin ships the same skill (a plugin is copied whole on install: no link outside it). */
export const PLUGIN_SKILL_URL = new URL(`../integrations/claude-code/skills/${SKILL_NAME}/SKILL.md`, import.meta.url);

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  for (const url of [skillUrl, PLUGIN_SKILL_URL]) {
    writeFileSync(url, skillFromPrompt(readFileSync(promptUrl, 'utf8')));
    process.stdout.write(`wrote ${url.pathname}\n`);
  }
}
