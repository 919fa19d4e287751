import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Whether the project compiles with strictNullChecks (`strict` implies it), read from its tsconfig.json and the
 * relative configs it extends. It decides the `design:type` tsc records for `string | null` (Object when on).
 */
export function strictNullChecksOf(root: string): boolean {
  let file = path.join(root, 'tsconfig.json');
  for (let depth = 0; depth < 5; depth++) {
    const config = readConfig(file);
    if (!config) return false;
    const options = config.compilerOptions ?? {};
    if (typeof options.strictNullChecks === 'boolean') return options.strictNullChecks;
    if (typeof options.strict === 'boolean') return options.strict;
    if (typeof config.extends !== 'string' || !config.extends.startsWith('.')) return false;
    file = path.resolve(path.dirname(file), config.extends);
    if (!file.endsWith('.json')) file += '.json';
  }
  return false;
}

interface TsConfig {
  extends?: unknown;
  compilerOptions?: { strict?: unknown; strictNullChecks?: unknown };
}

/** tsconfig is JSON with comments and trailing commas. */
function readConfig(file: string): TsConfig | undefined {
  try {
    const text = readFileSync(file, 'utf8')
      .replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_, string: string | undefined) => string ?? '')
      .replace(/,(\s*[}\]])/g, '$1');
    return JSON.parse(text) as TsConfig;
  } catch {
    return undefined;
  }
}
