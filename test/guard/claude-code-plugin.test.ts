import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLUGIN_SKILL_URL, SKILL_NAME, skillFromPrompt } from '../../prompts/sync-skill.mjs';

/** The Claude Code plugin's files: the layout Claude Code loads, and the skill kept identical to the prompt. */

const PLUGIN = path.resolve(import.meta.dirname, '../../integrations/claude-code');
const json = (file: string) => JSON.parse(readFileSync(path.join(PLUGIN, file), 'utf8'));

describe('integrations/claude-code', () => {
  it('has a manifest, a marketplace entry, the MCP server and a PreToolUse hook on Bash running the guard', () => {
    const manifest = json('.claude-plugin/plugin.json');
    expect(manifest.name).toBe('db-migration-agent');
    expect(manifest.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(json('.claude-plugin/marketplace.json').plugins).toEqual([
      expect.objectContaining({ name: manifest.name, source: './' }),
    ]);
    expect(json('.mcp.json').mcpServers['db-migration-agent'].args).toEqual(['-y', 'db-migration-agent', 'mcp']);
    const hooks = json('hooks/hooks.json').hooks.PreToolUse;
    expect(hooks).toEqual([
      {
        matcher: 'Bash',
        // Claude Code substitutes the plugin's folder for the placeholder.
        hooks: [{ type: 'command', command: `node "$\{CLAUDE_PLUGIN_ROOT}/hooks/guard.mjs"`, timeout: 90 }],
      },
    ]);
  });

  it('ships the database-migration skill generated from the prompt (node prompts/sync-skill.mjs)', () => {
    const prompt = readFileSync(path.resolve(import.meta.dirname, '../../prompts/database-migration.md'), 'utf8');
    expect(PLUGIN_SKILL_URL.pathname).toBe(path.join(PLUGIN, 'skills', SKILL_NAME, 'SKILL.md'));
    expect(readFileSync(PLUGIN_SKILL_URL, 'utf8')).toBe(skillFromPrompt(prompt));
  });
});
