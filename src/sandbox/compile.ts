import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildFailure, BuildOptions, Message, OutputFile, Plugin } from 'esbuild';
import { DECORATOR_HELPERS, type ProjectSourcesOptions, projectSources } from './project-sources.js';

/**
 * Project modules compiled in our own process, before the sandbox starts: the sandboxed child may not start
 * esbuild (a child process) nor a worker, so TypeScript and ES-module syntax are turned into JavaScript here.
 * Compiling never runs project code. Each migration becomes one bundle of itself and the project files it
 * imports (packages stay `require`/`import`s resolved inside the sandbox), with a source map whose sources are
 * absolute, so stack frames — and the origins read from them — name the original `.ts` lines.
 */
export type CompiledModule =
  | { kind: 'cjs'; code: string }
  /** A JavaScript ES module with top-level await: Node imports the file itself (exact lines, no map needed). */
  | { kind: 'native-esm' }
  /**
   * A TypeScript module with top-level await: an ES module whose package imports were resolved to absolute
   * URLs, imported from a data: URL (Node applies no source map there, so its statements carry no line).
   */
  | { kind: 'esm'; code: string }
  | { kind: 'error'; message: string; line?: number; column?: number };

export type CompiledModules = Record<string, CompiledModule>;

const TOP_LEVEL_AWAIT = /Top-level await is currently not supported with the "cjs" output format/;

/** Compiles every file; one that does not compile gets its error, the others their code. */
export async function compileProjectModules(root: string, files: string[]): Promise<CompiledModules> {
  const compiled: CompiledModules = {};
  if (files.length === 0) return compiled;
  const esbuild = await import('esbuild');
  try {
    // One esbuild call for the whole folder is much faster than one per file; on any error, file by file.
    const result = await esbuild.build({ ...common(root), format: 'cjs', entryPoints: files.map(entry), outdir: '/' });
    for (const file of files) compiled[file] = { kind: 'cjs', code: withAbsoluteMap(file, result.outputFiles ?? []) };
    return compiled;
  } catch {
    // fall through: one build per file tells which file failed
  }
  for (const file of files) compiled[file] = await compileOne(esbuild, root, file);
  return compiled;
}

/**
 * A module whose text is not the file on disk (a schema file at a git ref), compiled as if it stood at `file`:
 * its relative imports resolve from there. Nothing is written.
 */
export async function compileProjectSource(
  root: string,
  file: string,
  text: string,
  sources: ProjectSourcesOptions = {},
): Promise<CompiledModule> {
  const esbuild = await import('esbuild');
  try {
    const result = await esbuild.build({
      ...common(root),
      ...withSources(sources),
      format: 'cjs',
      stdin: {
        contents: text,
        resolveDir: path.dirname(file),
        sourcefile: file,
        loader: /\.[cm]?ts$/.test(file) ? 'ts' : 'js',
      },
      outfile: `${file}.sandbox.js`,
    });
    return { kind: 'cjs', code: withAbsoluteMap(file, result.outputFiles ?? []) };
  } catch (error) {
    return failure(root, file, error, (error as BuildFailure).errors?.[0]);
  }
}

/**
 * One bundle of several project modules (TypeORM entities, whose relations must see one class each), standing at
 * `file` (its package requires resolve from there); its exports are the entries' exports, in order.
 */
export async function compileProjectBundle(
  root: string,
  file: string,
  entries: string[],
  sources: ProjectSourcesOptions,
): Promise<CompiledModule> {
  const contents = `module.exports = [${entries.map((entry) => `require(${JSON.stringify(entry)})`).join(', ')}];\n`;
  return compileProjectSource(root, file, contents, sources);
}

function withSources(sources: ProjectSourcesOptions): Pick<BuildOptions, 'plugins' | 'banner' | 'keepNames'> {
  if (!sources.atRef && !sources.decorators) return {};
  return {
    plugins: [projectSources(sources)],
    // TypeORM names entities by their class names ('Post' in a relation): a bundle must not rename them.
    ...(sources.decorators ? { banner: { js: DECORATOR_HELPERS }, keepNames: true } : {}),
  };
}

type Esbuild = typeof import('esbuild');

async function compileOne(esbuild: Esbuild, root: string, file: string): Promise<CompiledModule> {
  try {
    const result = await esbuild.build({ ...common(root), format: 'cjs', entryPoints: [entry(file)], outdir: '/' });
    return { kind: 'cjs', code: withAbsoluteMap(file, result.outputFiles ?? []) };
  } catch (error) {
    const first = (error as BuildFailure).errors?.[0];
    if (!first || !TOP_LEVEL_AWAIT.test(first.text)) return failure(root, file, error, first);
  }
  if (/\.m?js$/.test(file)) return { kind: 'native-esm' };
  try {
    const { packages: _external, ...options } = common(root);
    const result = await esbuild.build({
      ...options,
      format: 'esm',
      entryPoints: [entry(file)],
      outdir: '/',
      plugins: [packagesAsUrls(file)],
      // esbuild's require shim for CommonJS code inside an ES module uses a `require` in scope.
      banner: {
        js: `import { createRequire as __sandboxCreateRequire } from 'node:module'; const require = __sandboxCreateRequire(${JSON.stringify(pathToFileURL(file).href)});`,
      },
    });
    return { kind: 'esm', code: withAbsoluteMap(file, result.outputFiles ?? []) };
  } catch (error) {
    return failure(root, file, error, (error as BuildFailure).errors?.[0]);
  }
}

function common(root: string): BuildOptions & { write: false } {
  return {
    absWorkingDir: root,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    sourcemap: 'external',
    sourcesContent: false,
    write: false,
    logLevel: 'silent',
    // What the migration tools themselves load: TypeScript, JSON, and plain JavaScript in either module syntax.
    loader: { '.json': 'json' },
  };
}

/** The output sits beside the input (never written), so the map's relative sources resolve from the input. */
function entry(file: string): { in: string; out: string } {
  return { in: file, out: `${file}.sandbox` };
}

function withAbsoluteMap(file: string, outputs: OutputFile[]): string {
  const base = `${file}.sandbox`;
  const code = outputs.find((output) => output.path === `${base}.js`)?.text ?? '';
  const mapText = outputs.find((output) => output.path === `${base}.js.map`)?.text;
  const body = code.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  if (!mapText) return body;
  const map = JSON.parse(mapText) as { sources: string[] };
  map.sources = map.sources.map((source) => pathToFileURL(path.resolve(path.dirname(file), source)).href);
  return `${body}//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
}

/**
 * An ES module loaded from a data: URL cannot resolve bare specifiers, so package imports become absolute
 * file URLs here (resolved as Node resolves an import from the migration's folder).
 */
function packagesAsUrls(file: string): Plugin {
  return {
    name: 'packages-as-urls',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.path.startsWith('node:') || args.pluginData === 'resolving')
          return { path: args.path, external: true };
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir || path.dirname(file),
          pluginData: 'resolving',
        });
        if (resolved.errors.length > 0 || !path.isAbsolute(resolved.path)) return { path: args.path, external: true };
        return { path: pathToFileURL(resolved.path).href, external: true };
      });
    },
  };
}

function failure(root: string, file: string, error: unknown, first: Message | undefined): CompiledModule {
  const location = first?.location;
  if (first && location && path.resolve(root, location.file) === file) {
    return { kind: 'error', message: first.text, line: location.line, column: location.column + 1 };
  }
  const text = first
    ? `${first.text}${location ? ` (${location.file}:${location.line}:${location.column + 1})` : ''}`
    : error instanceof Error
      ? error.message
      : String(error);
  return { kind: 'error', message: text };
}
