import type { Dependency, NodeManifest } from './node.js';
import type { PythonManifest } from './python.js';
import type { ToolName } from './types.js';
import type { ProjectFiles } from './walk.js';

/** One package being detected: its folder, the files that belong to it (not to nested packages), its manifests. */
export interface PackageContext {
  files: ProjectFiles;
  dir: string;
  /** Files of this package (relative to the project root), excluding nested packages. */
  ownFiles: string[];
  /** Folders of this package, excluding nested packages. */
  ownDirs: string[];
  node?: NodeManifest;
  python: PythonManifest;
  dependencies: Dependency[];
  /** Tools the package names in its dependencies or config files (a format's scan may look further). */
  tools: ReadonlySet<ToolName>;
}

/** Path of `relative` (relative to the package folder) as a project-root path. */
export function inPackage(context: PackageContext, relative: string): string {
  return context.dir === '.' ? relative : `${context.dir}/${relative}`;
}

/** Own files whose base name matches. */
export function ownFilesNamed(context: PackageContext, pattern: RegExp): string[] {
  return context.ownFiles.filter((file) => pattern.test(file.slice(file.lastIndexOf('/') + 1)));
}

export function findDependency(context: PackageContext, names: readonly string[]): Dependency | undefined {
  for (const name of names) {
    const found = context.dependencies.find((dependency) => dependency.name === name);
    if (found) return found;
  }
  return undefined;
}

/** `'value'`, `"value"` or `` `value` `` after `key:` / `key =` in config source; first match. */
export function configString(source: string, key: string): string | undefined {
  const match = new RegExp(`['"]?\\b${key}['"]?\\s*[:=]\\s*['"\`]([^'"\`]+)['"\`]`).exec(source);
  return match?.[1];
}
