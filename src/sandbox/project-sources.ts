import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import type { FilesAtRef } from '../schema/sources/files-at-ref.js';

/**
 * How the project's own source files are read while compiling them for the sandbox, when esbuild's default will
 * not do: files at a git ref (through `git show`, never written), and TypeScript whose decorators need
 * `emitDecoratorMetadata` (TypeORM infers a column's type from `design:type`, which esbuild does not emit), compiled
 * with oxc's TypeScript transform as tsc would compile them. Packages (node_modules) are left alone.
 */
export interface ProjectSourcesOptions {
  atRef?: FilesAtRef;
  /** Legacy decorators with their design-time metadata; strictNullChecks as the project's tsconfig sets it. */
  decorators?: { strictNullChecks: boolean };
}

const TYPESCRIPT = /\.[cm]?tsx?$/;
const CANDIDATE_SUFFIXES = ['', '.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '/index.ts', '/index.js'];

export function projectSources(options: ProjectSourcesOptions): Plugin {
  const { atRef, decorators } = options;
  return {
    name: 'project-sources',
    setup(build) {
      if (atRef)
        build.onResolve({ filter: /^\.\.?(\/|$)/ }, (args) => {
          const base = path.resolve(args.resolveDir, args.path);
          // `./user.js` written for Node's ESM resolution names `./user.ts` in a TypeScript project.
          const stems = /\.[cm]?js$/.test(base) ? [base, base.replace(/\.([cm]?)js$/, '.$1ts')] : [base];
          for (const stem of stems)
            for (const suffix of CANDIDATE_SUFFIXES) if (atRef.has(stem + suffix)) return { path: stem + suffix };
          return {
            errors: [{ text: `Could not resolve "${args.path}": no such file at ${atRef.ref}` }],
          };
        });
      build.onLoad({ filter: /\.([cm]?[jt]sx?|json)$/ }, async (args) => {
        if (args.path.split(path.sep).includes('node_modules')) return undefined;
        if (!atRef && !(decorators && TYPESCRIPT.test(args.path))) return undefined;
        const text = atRef ? await atRef.read(args.path) : await readFile(args.path, 'utf8');
        const resolveDir = path.dirname(args.path);
        if (args.path.endsWith('.json')) return { contents: text, loader: 'json', resolveDir };
        if (!TYPESCRIPT.test(args.path)) return { contents: text, loader: 'js', resolveDir };
        if (!decorators) return { contents: text, loader: args.path.endsWith('x') ? 'tsx' : 'ts', resolveDir };
        const compiled = await withDecoratorMetadata(args.path, text, decorators.strictNullChecks);
        if ('code' in compiled) return { contents: compiled.code, loader: 'js', resolveDir };
        return { errors: [{ text: compiled.error, location: { file: args.path, ...compiled.at } }] };
      });
    },
  };
}

type Transformed = { code: string } | { error: string; at: { line: number; column: number } };

async function withDecoratorMetadata(file: string, text: string, strictNullChecks: boolean): Promise<Transformed> {
  const { transformSync } = await import('oxc-transform');
  const result = transformSync(file, text, {
    lang: file.endsWith('x') ? 'tsx' : 'ts',
    sourcemap: true,
    decorator: { legacy: true, emitDecoratorMetadata: true, strictNullChecks },
    // Helpers come from the bundle's banner (DECORATOR_HELPERS): the project need not install oxc's runtime.
    helpers: { mode: 'External' as never },
  });
  const first = result.errors[0];
  if (first) return { error: first.message, at: lineColumn(text, first.labels[0]?.start ?? 0) };
  if (!result.map) return { code: result.code };
  const map = { ...result.map, sources: [pathToFileURL(file).href] };
  const inline = Buffer.from(JSON.stringify(map)).toString('base64');
  return { code: `${result.code}\n//# sourceMappingURL=data:application/json;base64,${inline}\n` };
}

/** esbuild's location: line from 1, column from 0. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)?.length ?? 0 };
}

/**
 * What tsc's `__decorate` / `__metadata` / `__param` do, under the names oxc's external helpers call. Metadata is
 * recorded only when reflect-metadata is loaded (TypeORM loads it), as tsc's helper does.
 */
export const DECORATOR_HELPERS = `var babelHelpers = {
  decorate: function (decorators, target, key, descriptor) {
    var asClass = arguments.length < 3;
    var result = asClass ? target : descriptor === null ? (descriptor = Object.getOwnPropertyDescriptor(target, key)) : descriptor;
    for (var i = decorators.length - 1; i >= 0; i--) {
      var decorator = decorators[i];
      if (!decorator) continue;
      result = (asClass ? decorator(result) : arguments.length > 3 ? decorator(target, key, result) : decorator(target, key)) || result;
    }
    if (arguments.length > 3 && result) Object.defineProperty(target, key, result);
    return result;
  },
  decorateMetadata: function (name, value) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(name, value);
  },
  decorateParam: function (index, decorator) {
    return function (target, key) { decorator(target, key, index); };
  },
};
`;
