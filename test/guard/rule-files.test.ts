import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TOOLS } from '../../tools/index.js';

/** The Cursor rule and the Copilot instructions: front matter their editors read, and every tool named. */

const INTEGRATIONS = path.resolve(import.meta.dirname, '../../integrations');

function frontMatter(file: string): { data: Record<string, unknown>; body: string } {
  const text = readFileSync(path.join(INTEGRATIONS, file), 'utf8');
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
  expect(match, file).not.toBeNull();
  return { data: parse(match?.[1] ?? '') as Record<string, unknown>, body: match?.[2] ?? '' };
}

describe('editor rule files', () => {
  it.each([
    ['cursor/db-migration-agent.mdc', ['description', 'globs', 'alwaysApply']],
    ['copilot/db-migration-agent.instructions.md', ['applyTo']],
  ])('%s has its front matter and names every tool, check_before_apply before applying', (file, keys) => {
    const { data, body } = frontMatter(file);
    expect(Object.keys(data).sort()).toEqual([...keys].sort());
    for (const tool of TOOLS) expect(body, tool.name).toContain(`\`${tool.name}\``);
    expect(body).toMatch(/right before running/i);
    expect(body).toContain('prisma migrate reset');
  });
});
