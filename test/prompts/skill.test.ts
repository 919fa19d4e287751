import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
// @ts-expect-error plain ESM script without type declarations
import { SKILL_NAME, skillFromPrompt } from '../../prompts/sync-skill.mjs';
import { connectInMemory } from '../helpers/mcp.js';

const prompt = readFileSync(new URL('../../prompts/database-migration.md', import.meta.url), 'utf8');
const skill = readFileSync(new URL(`../../prompts/skills/${SKILL_NAME}/SKILL.md`, import.meta.url), 'utf8');

describe('the database_migration prompt over MCP', () => {
  let connection: Awaited<ReturnType<typeof connectInMemory>>;
  beforeAll(async () => {
    connection = await connectInMemory();
  });
  afterAll(async () => {
    await connection.close();
  });

  it('is listed with its required change argument', async () => {
    const { prompts } = await connection.client.listPrompts();
    const entry = prompts.find((candidate) => candidate.name === 'database_migration');
    expect(entry?.title).toBe('Safe database migration');
    expect(entry?.arguments).toEqual([expect.objectContaining({ name: 'change', required: true })]);
  });

  it('returns the seven-step workflow with the change filled in', async () => {
    const change = 'make users.email NOT NULL';
    const result = await connection.client.getPrompt({ name: 'database_migration', arguments: { change } });
    expect(result.description).toBe(`Safe migration workflow for: ${change}`);
    expect(result.messages).toHaveLength(1);
    const content = result.messages[0]?.content;
    const text = content?.type === 'text' ? content.text : '';
    expect(text).toBe(prompt.replaceAll('{{change}}', change));
    expect(text).toContain(`The requested change: **${change}**`);
    expect(text).not.toContain('{{change}}');
    for (let step = 1; step <= 7; step++) expect(text).toMatch(new RegExp(`^## ${step}\\. `, 'm'));
    // Every agent session pays for the prompt: it stays short.
    expect(text.length).toBeLessThan(4_000);
  });

  it('names every tool the server registers', async () => {
    const { tools } = await connection.client.listTools();
    expect(tools.length).toBeGreaterThan(0);
    for (const tool of tools) expect(prompt, tool.name).toContain(`\`${tool.name}\``);
  });

  it('names no tool the server does not register', async () => {
    const { tools } = await connection.client.listTools();
    const registered = new Set(tools.map((tool) => tool.name));
    // Backticked snake_case words are tool names, except the SQL settings the text mentions.
    const sqlWords = new Set(['lock_timeout']);
    const named = [...prompt.matchAll(/`([a-z]+(?:_[a-z]+)+)`/g)].map((match) => match[1]!);
    expect(named.length).toBeGreaterThan(0);
    for (const name of named) if (!sqlWords.has(name)) expect(registered, name).toContain(name);
  });

  it('is summarized by the server instructions', () => {
    const instructions = connection.client.getInstructions();
    expect(instructions).toContain('detect_setup');
    expect(instructions).toContain("'database_migration'");
  });
});

describe('the SKILL.md package', () => {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(skill);
  const frontMatter = parseYaml(match?.[1] ?? '') as Record<string, unknown>;

  it('has valid Agent Skills front matter', () => {
    expect(match).not.toBeNull();
    expect(frontMatter.name).toBe(SKILL_NAME);
    expect(SKILL_NAME).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(SKILL_NAME.length).toBeLessThanOrEqual(64);
    const description = String(frontMatter.description);
    expect(description.length).toBeGreaterThan(50);
    expect(description.length).toBeLessThanOrEqual(1024);
    expect(description).toMatch(/Use when /);
    expect(String(frontMatter.compatibility).length).toBeLessThanOrEqual(500);
    expect(Object.keys(frontMatter).sort()).toEqual(['argument-hint', 'compatibility', 'description', 'name']);
  });

  it('is generated from prompts/database-migration.md (run `node prompts/sync-skill.mjs` after editing it)', () => {
    expect(skill).toBe(skillFromPrompt(prompt));
    expect(skill).toContain('The requested change: **$ARGUMENTS**');
  });
});
