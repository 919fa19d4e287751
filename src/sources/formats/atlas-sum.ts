import { nodeCrypto } from '../../lazy-builtins.js';

/** Atlas's integrity file (atlas.sum) and the file-header directives that decide what it hashes. */

export const SUM_FILE = 'atlas.sum';

/** Atlas reads every `.sql` file of the directory, in lexicographic order; the version is the part before `_`. */
export function migrationFiles(names: string[]): string[] {
  return names.filter((name) => name.endsWith('.sql')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

interface SumFile {
  total: string;
  entries: { name: string; hash: string; line: number }[];
}

export function parseSum(text: string): SumFile {
  const lines = text.split('\n');
  const entries: SumFile['entries'] = [];
  lines.slice(1).forEach((line, index) => {
    const split = line.indexOf('h1:');
    if (split === -1) return;
    entries.push({ name: line.slice(0, split).trim(), hash: line.slice(split + 3).trim(), line: index + 2 });
  });
  return { total: (lines[0] ?? '').replace(/^h1:/, '').trim(), entries };
}

/**
 * The header directives Atlas reads: the comment lines before the first blank line of a file
 * (`-- atlas:txmode none`, `-- atlas:delimiter \n\n`, `-- atlas:sum ignore`).
 */
export function directive(text: string, name: string): string | undefined {
  const header = text.split(/\r?\n\r?\n/, 1)[0] ?? '';
  for (const line of header.split('\n')) {
    const match = /^\s*--\s*atlas:(\w+)(?:\s+(.*))?$/.exec(line);
    if (match?.[1] === name) return (match[2] ?? '').trim();
  }
  return undefined;
}

/** Atlas's integrity hashes: a running SHA-256 over each file's name and bytes; the total over names and hashes. */
export function computeSum(files: { name: string; bytes: Buffer }[]): { total: string; byName: Map<string, string> } {
  const running = nodeCrypto().createHash('sha256');
  const byName = new Map<string, string>();
  const total = nodeCrypto().createHash('sha256');
  for (const file of files) {
    running.update(file.name);
    if (directive(file.bytes.toString('utf8'), 'sum') === 'ignore') continue;
    running.update(file.bytes);
    const hash = running.copy().digest('base64');
    byName.set(file.name, hash);
    total.update(file.name).update(hash);
  }
  return { total: total.digest('base64'), byName };
}
