/**
 * The URL to start a worker thread from: the compiled `.js` beside the caller, or — when the caller runs from
 * TypeScript sources (tests, tsx) — a small ES module that registers tsx and then loads the `.ts` worker.
 */
export function workerScript(callerUrl: string, name: string): URL {
  if (!callerUrl.endsWith('.ts')) return new URL(`./${name}.js`, callerUrl);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const worker = new URL(`./${name}.ts`, callerUrl).href;
  const bootstrap = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(worker)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`);
}
