import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A boolean compiler option of the project's tsconfig.json, or of the relative configs it extends; undefined when
 * none sets it. strictNullChecks decides the `design:type` tsc records for `string | null` (Object when on).
 */
export function compilerOption(root: string, name: string): boolean | undefined {
  let file = path.join(root, 'tsconfig.json');
  for (let depth = 0; depth < 5; depth++) {
    const config = readConfig(file);
    const value = config?.compilerOptions?.[name];
    if (typeof value === 'boolean') return value;
    if (typeof config?.extends !== 'string' || !config.extends.startsWith('.')) return undefined;
    file = path.resolve(path.dirname(file), config.extends);
    if (!file.endsWith('.json')) file += '.json';
  }
  return undefined;
}

interface TsConfig {
  extends?: unknown;
  compilerOptions?: Record<string, unknown>;
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
