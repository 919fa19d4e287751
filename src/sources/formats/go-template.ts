import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../errors.js';
import { CONFIG_FILE, PACKAGE_KEY } from '../../safety/config.js';
import { readText } from '../files.js';

/**
 * SQL migrations that are Go templates, rendered by the tool before they run (pop / popx render every SQL
 * migration with text/template): supabase/auth's files say
 * `{{ index .Options "Namespace" }}` where the schema goes, filled from its DB_NAMESPACE setting. They are read
 * by substituting the value the project's configuration gives (`templateOptions` in db-migration-agent.config.json)
 * or the tool's documented default, each substitution reported; any other template action stops that one file
 * with its position, never a cascade of syntax errors.
 */

/** Documented defaults: supabase/auth's DB_NAMESPACE (internal/conf/configuration.go) is "auth". */
const DEFAULTS: Record<string, { value: string; source: string }> = {
  Namespace: { value: 'auth', source: 'supabase/auth’s default DB_NAMESPACE' },
};

const ACTION = /\{\{(.*?)\}\}/gs;
const OPTION = /^\s*(?:index\s+\.Options\s+"(\w+)"|\.Options\.(\w+))\s*$/;

/** How substitution notes begin: the safety check repeats them (other reader notes stay with list_migrations). */
export const TEMPLATE_NOTE = 'Go template:';

export interface ExpandedTemplate {
  text: string;
  /** One note per option, with every line:col where it was substituted. */
  notes: string[];
}

/** Substitutes `{{ index .Options "X" }}` / `{{ .Options.X }}`; text with no `{{` comes back unchanged. */
export function expandGoTemplate(text: string, file: string, configured: Record<string, string>): ExpandedTemplate {
  if (!text.includes('{{')) return { text, notes: [] };
  const positions = new Map<string, string[]>();
  const expanded = text.replace(ACTION, (action: string, inner: string, offset: number) => {
    const { line, column } = lineColumn(text, offset);
    const match = OPTION.exec(inner);
    const option = match?.[1] ?? match?.[2];
    if (!option) {
      throw new UserError(
        'template-action-unknown',
        `This file holds the Go template action ${action.replace(/\s+/g, ' ')}, which is not read yet: only {{ index .Options "Name" }} and {{ .Options.Name }} are substituted, so this file was not checked.`,
        `Check the SQL the tool renders for this file (e.g. from its dry run) with \`db-migration-agent check -\`, or rewrite the action as an option lookup.`,
        { file, line, column },
      );
    }
    const value = configured[option] ?? DEFAULTS[option]?.value;
    if (value === undefined) {
      throw new UserError(
        'template-option-unknown',
        `This file uses the Go template option "${option}", which has no known default, so this file was not checked.`,
        `Give its value in ${CONFIG_FILE}: { "templateOptions": { "${option}": "<value>" } }.`,
        { file, line, column },
      );
    }
    positions.set(option, [...(positions.get(option) ?? []), `${line}:${column}`]);
    return value;
  });
  const notes = [...positions.entries()].map(([option, at]) => {
    const value = configured[option] ?? DEFAULTS[option]?.value;
    const source = configured[option] !== undefined ? 'the project configuration' : DEFAULTS[option]?.source;
    return `${TEMPLATE_NOTE} .Options "${option}" read as "${value}" (${source}; templateOptions in ${CONFIG_FILE} overrides it) at ${file}:${at.join(', ')}.`;
  });
  return { text: expanded, notes };
}

/** A migration file's text with its template actions substituted; the substitution notes go to `notes`. */
export async function readTemplated(
  absolute: string,
  relative: string,
  configured: Record<string, string>,
  notes: string[],
): Promise<string> {
  const expanded = expandGoTemplate((await readText(absolute)) ?? '', relative, configured);
  notes.push(...expanded.notes);
  return expanded.text;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** The project's `templateOptions` (config file, else package.json's key); {} when absent or unreadable. */
export function templateOptions(root: string): Record<string, string> {
  for (const [file, key] of [
    [CONFIG_FILE, undefined],
    ['package.json', PACKAGE_KEY],
  ] as const) {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path.join(root, file), 'utf8'));
    } catch {
      continue; // absent, or invalid JSON that loading the configuration reports with its position
    }
    const config = key ? (data as Record<string, unknown> | null)?.[key] : data;
    const options = (config as { templateOptions?: unknown } | null | undefined)?.templateOptions;
    if (options && typeof options === 'object') {
      return Object.fromEntries(
        Object.entries(options).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      );
    }
    if (key === undefined && config) return {};
  }
  return {};
}
