import { yaml } from '../project/parse.js';

/**
 * Settings read from a migration tool's configuration as text — the configuration is never run. A setting is a
 * literal value, or `code` when the file computes it (`process.env.TABLE`, a variable): then only the project
 * knows it, and the caller says which name it assumed.
 */

export type TextSetting = { value: string; line: number } | { code: string; line: number };

function lineAt(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

const regexSafe = (key: string) => key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `key: 'value'` / `key = "value"` (JS, TS, Python keyword arguments, JSON), the first occurrence outside a line
 * comment. Anything but a plain string literal is `code`.
 */
export function sourceSetting(text: string, key: string): TextSetting | undefined {
  const pattern = new RegExp(`(^|[^\\w$.])["']?${regexSafe(key)}["']?\\s*[:=](?!=)\\s*([^,}\\n)]*)`, 'gm');
  for (const match of text.matchAll(pattern)) {
    const start = (match.index ?? 0) + (match[1]?.length ?? 0);
    const lineStart = text.lastIndexOf('\n', start) + 1;
    if (/^\s*(\/\/|#|\*)/.test(text.slice(lineStart, start))) continue;
    const raw = (match[2] ?? '').trim();
    const line = lineAt(text, start);
    const literal = /^(["'`])([^"'`$\\]*)\1$/.exec(raw);
    return literal ? { value: literal[2] ?? '', line } : { code: raw, line };
  }
  return undefined;
}

/** The `{ … }` object written after `key:` (no nested braces), e.g. drizzle.config's `migrations: { table }`. */
export function objectBlock(text: string, key: string): { text: string; offset: number } | undefined {
  const match = new RegExp(`(^|[^\\w$.])["']?${regexSafe(key)}["']?\\s*:\\s*\\{([^{}]*)\\}`, 'm').exec(text);
  if (!match) return undefined;
  return { text: match[2] ?? '', offset: (match.index ?? 0) + match[0].indexOf('{') + 1 };
}

/** A setting found inside a block, with its line counted in the whole file. */
export function blockSetting(text: string, block: { text: string; offset: number }, key: string) {
  const found = sourceSetting(block.text, key);
  if (!found) return undefined;
  return { ...found, line: found.line + lineAt(text, block.offset) - 1 };
}

/** Java `.properties` (Flyway's flyway.conf, liquibase.properties, Spring's application.properties). */
export function propertySetting(text: string, keys: readonly string[]): TextSetting | undefined {
  const lines = text.split(/\r?\n/);
  for (const key of keys) {
    const pattern = new RegExp(`^\\s*${regexSafe(key)}\\s*[=:]\\s*(.*?)\\s*$`);
    for (let index = lines.length - 1; index >= 0; index--) {
      const value = pattern.exec(lines[index] ?? '')?.[1];
      if (value === undefined) continue;
      return /\$\{/.test(value) ? { code: value, line: index + 1 } : { value, line: index + 1 };
    }
  }
  return undefined;
}

/** `KEY=value` in a .env file (quotes removed). */
export function envFileSetting(text: string, key: string): TextSetting | undefined {
  const setting = propertySetting(text.replace(/^(\s*)export\s+/gm, '$1'), [key]);
  if (!setting || !('value' in setting)) return setting;
  return { ...setting, value: setting.value.replace(/^(["'])(.*)\1$/, '$2') };
}

/** A command-line flag's value in a script or Makefile line that runs `command` (`goose -table x`). */
export function flagSetting(text: string, command: RegExp, flags: readonly string[]): TextSetting | undefined {
  const lines = text.split(/\r?\n/);
  const names = flags.map(regexSafe).join('|');
  const pattern = new RegExp(`(?:^|\\s)(?:${names})(?:=|\\s+)(?:\\\\?["'])?([^\\s"'\\\\;&|]+)`);
  for (const [index, line] of lines.entries()) {
    if (!command.test(line)) continue;
    const value = pattern.exec(line)?.[1];
    if (value === undefined) continue;
    return /^\$/.test(value) ? { code: value, line: index + 1 } : { value, line: index + 1 };
  }
  return undefined;
}

/** The first item of a comma-separated or `[…]` list setting (Flyway's schemas). */
export function firstOfList(setting: TextSetting | undefined): TextSetting | undefined {
  if (!setting || !('value' in setting)) return setting;
  const first = setting.value
    .replace(/^\[|\]$/g, '')
    .split(',')[0]
    ?.trim()
    .replace(/^(["'])(.*)\1$/, '$2');
  return first ? { ...setting, value: first } : undefined;
}

/** `key = "value"` or `key = ["a", "b"]` in a TOML file (Flyway 10's flyway.toml). */
export function tomlString(text: string, key: string): TextSetting | undefined {
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    const match = new RegExp(`^\\s*${key}\\s*=\\s*(.+?)\\s*$`).exec(line);
    if (!match) continue;
    const raw = match[1] ?? '';
    const value = raw.startsWith('[') ? raw : raw.replace(/^(["'])(.*)\1$/, '$2');
    return /\$\{/.test(value) ? { code: value, line: index + 1 } : { value, line: index + 1 };
  }
  return undefined;
}

/** A scalar at a key path of a YAML file (Spring Boot's application.yml). */
export function yamlSetting(text: string, keys: string[]): TextSetting | undefined {
  let data: unknown;
  try {
    data = yaml().parse(text);
  } catch {
    return undefined;
  }
  for (const key of keys) data = (data as Record<string, unknown> | undefined)?.[key];
  if (data === undefined || data === null) return undefined;
  const value = Array.isArray(data) ? data.join(',') : String(data);
  const last = keys[keys.length - 1] ?? '';
  const line = text.split(/\r?\n/).findIndex((candidate) => candidate.trim().startsWith(`${last}:`)) + 1;
  return /\$\{/.test(value) ? { code: value, line } : { value, line };
}
