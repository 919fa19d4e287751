import type { CliCommandEntry, CliIO } from './cli/command.js';
import { COMMANDS } from './cli/commands.js';
import { toUserError, UserError } from './errors.js';
import { NAME, VERSION } from './version.js';

function usage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `${NAME} ${VERSION} — safe database schema changes for AI agents and the humans who review them.

Usage: ${NAME} <command> [options]

Commands:
${lines.join('\n')}

Options:
  -h, --help     Show help (also: ${NAME} <command> --help)
  -v, --version  Print the version

Exit codes: 0 success, 1 findings or a failed check, 2 usage or input error.`;
}

async function helpOf(entry: CliCommandEntry): Promise<string> {
  const { help } = await entry.load();
  return typeof help === 'string' ? help : help();
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((command) => command.name === rest[0]) : undefined;
    io.stdout.write(`${topic ? await helpOf(topic) : usage()}\n`);
    return 0;
  }
  if (name === '-v' || name === '--version') {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    io.stderr.write(`${NAME}: unknown command '${name}'.\n  fix: run '${NAME} --help' to see the commands.\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${await helpOf(command)}\n`);
    return 0;
  }
  try {
    return await (await command.load()).run(rest, io);
  } catch (error) {
    const userError = toUserError(error);
    io.stderr.write(`${NAME} ${name}: ${userError.message}\n`);
    return userError instanceof UserError && userError.code === 'internal' ? 70 : 2;
  }
}
