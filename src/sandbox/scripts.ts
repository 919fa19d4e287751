import { entryScripts, ownPackageFolder } from '../entry-scripts.js';

/**
 * The two scripts the sandboxed child runs: the network guard (preloaded) and the child's main module, located
 * (or, from TypeScript sources, compiled) by entry-scripts.ts.
 */
export interface SandboxScripts {
  guard: string;
  main: string;
  /** Our package folder: the sandbox may read it (runtime code, node_modules). */
  ownPackage: string;
}

export async function sandboxScripts(): Promise<SandboxScripts> {
  const scripts = await entryScripts(import.meta.url, ['network-guard', 'child-main']);
  return { guard: scripts['network-guard'], main: scripts['child-main'], ownPackage: ownPackageFolder() };
}
