#!/usr/bin/env node
import type { CliIO } from './cli/command.js';
import { main } from './cli.js';

const io: CliIO = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
  env: process.env,
};
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`db-migration-agent: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 70;
  },
);
