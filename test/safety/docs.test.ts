import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRuleMeta, explainRule, generatedRuleDocs, renderRuleDoc, staleRuleDocs } from '../../src/safety/docs.js';
import { RULES } from '../../src/safety/rules/index.js';

const REPO = path.join(import.meta.dirname, '../..');

describe('rule documentation', () => {
  it('docs/rules/ matches the rule metadata (regenerate with `npx tsx src/safety/docs.ts`)', async () => {
    expect(await staleRuleDocs(REPO)).toEqual([]);
  });

  it('covers every rule and the engine findings, with unique kebab-case ids', async () => {
    const ids = (await allRuleMeta()).map((meta) => meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RULES) expect(ids).toContain(rule.meta.id);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)+$/);
    expect((await generatedRuleDocs()).size).toBe(ids.length + 1);
  });

  it('a page says why, what instead, the lock and how to ignore', async () => {
    const meta = (await allRuleMeta()).find((each) => each.id === 'large-table-lock');
    if (!meta) throw new Error('large-table-lock missing');
    const page = renderRuleDoc(meta);
    expect(page).toContain('# large-table-lock');
    expect(page).toContain('## Why');
    expect(page).toContain('## Instead');
    expect(page).toContain('- Lock: `ACCESS EXCLUSIVE` on the table — blocks reads and writes');
    expect(page).toContain('-- dma-ignore large-table-lock');
    expect(explainRule(meta)).toContain('Lock: ACCESS EXCLUSIVE on the table');
  });
});
