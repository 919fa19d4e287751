import type { Dependency } from './node.js';
import { isRecord, parseTomlText } from './parse.js';
import type { ProjectFiles } from './walk.js';

/** Go (go.mod) and Rust (Cargo.toml) dependencies: where golang-migrate, goose, sql-migrate and Diesel are declared. */
export function readNativeManifests(files: ProjectFiles, dir: string): Dependency[] {
  const dependencies: Dependency[] = [];
  const prefix = dir === '.' ? '' : `${dir}/`;
  const goMod = files.filesIn(dir).includes('go.mod') ? files.read(`${prefix}go.mod`) : undefined;
  if (goMod !== undefined) {
    for (const match of goMod.matchAll(/^\s*(?:require\s+)?([\w.-]+\.[\w.-]+\/[^\s]+)\s+(v[^\s]+)/gm)) {
      dependencies.push({ name: match[1]!, version: match[2]!, file: `${prefix}go.mod`, field: 'require' });
    }
  }
  const cargo = files.filesIn(dir).includes('Cargo.toml') ? files.read(`${prefix}Cargo.toml`) : undefined;
  if (cargo !== undefined) {
    const toml = parseTomlText(cargo, `${prefix}Cargo.toml`);
    // A workspace root declares shared versions under [workspace.dependencies]; members take them with `x.workspace = true`.
    const workspace = isRecord(toml.workspace) ? toml.workspace : {};
    for (const field of ['dependencies', 'dev-dependencies', 'workspace.dependencies']) {
      const table = field === 'workspace.dependencies' ? workspace.dependencies : toml[field];
      if (!isRecord(table)) continue;
      for (const [name, spec] of Object.entries(table)) {
        const version =
          typeof spec === 'string' ? spec : isRecord(spec) && typeof spec.version === 'string' ? spec.version : '*';
        const features = isRecord(spec) && Array.isArray(spec.features) ? spec.features.join(',') : '';
        dependencies.push({
          name,
          version,
          file: `${prefix}Cargo.toml`,
          field: features ? `[${field}] features=${features}` : `[${field}]`,
        });
      }
    }
  }
  return dependencies;
}
