/** Dotted paths into a JSON value (`files.0.findings`), with `*` for every index or key. */

export interface ArrayAt {
  array: unknown[];
  /** Concrete dotted path: `files.3.findings`. */
  path: string;
}

export function pathString(path: ReadonlyArray<string | number>): string {
  return path.join('.');
}

/** Every array the pattern reaches, with its concrete path. */
export function arraysAt(root: unknown, pattern: string): ArrayAt[] {
  const found: ArrayAt[] = [];
  const walk = (node: unknown, rest: string[], path: string[]) => {
    if (rest.length === 0) {
      if (Array.isArray(node)) found.push({ array: node, path: path.join('.') });
      return;
    }
    if (!node || typeof node !== 'object') return;
    const [head, ...tail] = rest as [string, ...string[]];
    const keys = head === '*' ? Object.keys(node) : [head];
    for (const key of keys) {
      if (Object.hasOwn(node, key)) walk((node as Record<string, unknown>)[key], tail, [...path, key]);
    }
  };
  walk(root, pattern.split('.'), []);
  return found;
}

/** The value at a concrete dotted path, or undefined. */
export function valueAt(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split('.')) {
    if (!node || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

export function resolvable(root: unknown, path: string): boolean {
  return valueAt(root, path) !== undefined;
}
