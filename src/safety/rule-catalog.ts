import { ENGINE_RULES } from './builtin.js';
import { RULES } from './rules/index.js';
import type { RuleMeta } from './types.js';

/** Every rule's metadata by id: the safety rules and the engine's own checks, for the report writers. */
export function ruleCatalog(): ReadonlyMap<string, RuleMeta> {
  return new Map([
    ...RULES.map((rule) => [rule.meta.id, rule.meta] as const),
    ...ENGINE_RULES.map((meta) => [meta.id, meta] as const),
  ]);
}
