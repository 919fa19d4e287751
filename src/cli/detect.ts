import path from 'node:path';
import { UserError } from '../errors.js';
import type { CliCommand } from './command.js';

export const detectCommand: CliCommand = {
  help: `Usage: db-migration-agent detect [path] [--json] [--max-files <n>]

Reads the project at <path> (default: the current folder) without running any of its code and prints,
per package: ORM / migration tool and version, database engine and where it was learned, schema files,
migration folders, existing migrations in apply order, their conventions, seeds and commands.
Ambiguities (two ORMs, several schemas, conflicting engines) are listed, never guessed.

Options:
  --json            Print the result as JSON (the detect_setup tool's structuredContent)
  --max-files <n>   Stop walking after n files (default 100000)

Examples:
  db-migration-agent detect
  db-migration-agent detect ../shop --json`,
  async run(args, io) {
    const { target, json, maxFiles } = parseArgs(args);
    // Loaded here, not at the top: `db-migration-agent mcp` imports every command, and must start fast.
    const [{ detectSetup }, { summarizeDetect }] = await Promise.all([
      import('../project/detect.js'),
      import('../project/summary.js'),
    ]);
    const result = detectSetup(path.resolve(io.cwd, target), maxFiles ? { maxFiles } : {});
    // The root as the user named it (relative to where they ran the command), not the checkout's absolute path.
    const shown = { ...result, root: path.relative(io.cwd, result.root) || '.' };
    io.stdout.write(json ? `${JSON.stringify(shown, null, 2)}\n` : `${summarizeDetect(result)}\n`);
    return 0;
  },
};

function parseArgs(args: string[]): { target: string; json: boolean; maxFiles?: number } {
  let target: string | undefined;
  let json = false;
  let maxFiles: number | undefined;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--json') json = true;
    else if (arg === '--max-files') {
      maxFiles = Number(args[++index]);
      if (!Number.isInteger(maxFiles) || maxFiles <= 0) {
        throw new UserError(
          'bad-option',
          `--max-files needs a positive whole number, got '${args[index] ?? ''}'.`,
          'Example: --max-files 50000',
        );
      }
    } else if (arg.startsWith('-')) {
      throw new UserError(
        'bad-option',
        `Unknown option '${arg}' for detect.`,
        "Run 'db-migration-agent detect --help' for the options.",
      );
    } else if (target === undefined) target = arg;
    else {
      throw new UserError(
        'bad-option',
        `detect takes one path, got '${target}' and '${arg}'.`,
        'Pass a single project folder.',
      );
    }
  }
  return { target: target ?? '.', json, ...(maxFiles ? { maxFiles } : {}) };
}
