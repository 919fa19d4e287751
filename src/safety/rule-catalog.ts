import { SAFETY_ENGINES } from './safety-engines.js';
import type { RuleMeta } from './types.js';

/** Every rule's metadata by id, of every engine: the safety rules and the engines' own checks. */
export function ruleCatalog(): ReadonlyMap<string, RuleMeta> {
  return new Map(SAFETY_ENGINES.flatMap((engine) => engine.ruleMeta().map((meta) => [meta.id, meta] as const)));
}
