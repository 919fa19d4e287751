import { rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

/**
 * Bundles the executable, the sandbox's two entries (its main module and the network guard) and the PGlite worker into dist/bundle/ after tsc has type-checked and compiled
 * everything. Loading ~100 small ES modules costs a process about 30 ms of its start; our own code is bundled
 * into shared chunks (dependencies stay in node_modules), and lazy imports stay lazy as separate chunks.
 * dist/bundle/ sits at the same depth as dist/src/, so paths to package.json, prompts/ and examples/ resolve alike,
 * and the sandbox entries (child-main.js, network-guard.js) sit beside the chunks that start them.
 */
// Chunk names carry a content hash: without a clean folder, every rebuild would leave the previous chunks behind.
rmSync('dist/bundle', { recursive: true, force: true });
await build({
  entryPoints: {
    bin: 'src/bin.ts',
    'child-main': 'src/sandbox/child-main.ts',
    'network-guard': 'src/sandbox/network-guard.ts',
    'pglite-worker': 'src/shadow/pglite-worker.ts',
  },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunk-[hash]',
  sourcemap: true,
  logLevel: 'warning',
});

// tools/list is answered from this file (src/prebuilt-listing.ts): building it from the zod schemas would cost the
// server's cold start 10-50 ms. tsc has just compiled the tools to dist/.
const { TOOLS } = await import('../dist/tools/index.js');
const { toolListing } = await import('../dist/tools/listing.js');
writeFileSync('dist/bundle/tool-listing.json', JSON.stringify(toolListing(TOOLS)));
