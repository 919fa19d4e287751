import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { FORMAT_MODULES } from '../../src/sources/registry.js';
import { TOOLS } from '../../tools/index.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every registered tool and CLI command', () => {
    for (const tool of TOOLS) expect(readme, tool.name).toContain(`\`${tool.name}\``);
    for (const command of COMMANDS) expect(readme, command.name).toContain(`db-migration-agent ${command.name}`);
  });

  it('names every migration format of the registry', () => {
    for (const module of FORMAT_MODULES) expect(readme, module.tool).toContain(module.label);
  });

  it('gives the two set-up commands of a fresh clone', () => {
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toContain('npm ci && npm test');
  });
});
