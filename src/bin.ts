#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import type { CliIO } from './cli/command.js';
import { readEachFileOnce } from './project/read-once.js';
import { startWithoutOptimizingCompiler } from './safety/jit-tier.js';
import { reuseOfferedParses } from './sql/postgres.js';

// Commands that parse SQL once and exit compile libpg_query's WebAssembly with the baseline compiler only. With the
// optimizing tier on, V8 keeps compiling hot parser functions in the background after the answer is written, and
// Node waits for those jobs before the process exits: about 100 ms of a 20-statement `check`. Long-lived processes
// (the MCP server) and commands that run PGlite keep the optimizing tier.
const ONE_SHOT_PARSER_COMMANDS = new Set(['check', 'migrations']);
if (ONE_SHOT_PARSER_COMMANDS.has(process.argv[2] ?? '')) setFlagsFromString('--liftoff-only');
// `check` also starts without V8's optimizing compiler, turned back on for large SQL (see src/safety/jit-tier.ts).
if (process.argv[2] === 'check') {
  startWithoutOptimizingCompiler();
  // The check takes the parse a format's reader made of the same migration (src/sql/postgres.ts).
  reuseOfferedParses();
}
// Commands that only read the project read each file once (src/project/read-once.ts); those that write do not.
if (ONE_SHOT_PARSER_COMMANDS.has(process.argv[2] ?? '')) readEachFileOnce();

// A reader that stops early (`check … | head`) closes the pipe: the rest of the output has nowhere to go, which
// is not a failure of the check. Node would otherwise crash with an unhandled EPIPE stack trace. The command
// still runs to the end, so its exit code (0 clean, 1 findings, 2 input error) stays the truth for scripts.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') return;
  process.stderr.write(`db-migration-agent: cannot write the output: ${error.message}\n`);
  process.exit(74);
});

const io: CliIO = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
  env: process.env,
};
const args = process.argv.slice(2);
// `mcp` as a client starts it goes straight to the server: the other commands' modules would only delay the first
// tools/list. `mcp --help` goes through the CLI.
const run =
  args.length === 1 && args[0] === 'mcp'
    ? import('./server.js').then(async ({ startStdioServer }) => {
        await startStdioServer(io.cwd);
        return 0;
      })
    : import('./cli.js').then(({ main }) => main(args, io));
run.then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`db-migration-agent: ${error instanceof Error ? error.message : String(error)}\n`);
    // A bad setting the server starts with (DMA_RESULT_BUDGET) is an input error; anything else is a bug.
    process.exitCode = error instanceof Error && error.name === 'UserError' ? 2 : 70;
  },
);
