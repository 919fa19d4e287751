import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UserError } from '../errors.js';
import type { Engine } from '../model.js';

/** parseArgs for a command: an unknown or malformed option is a usage error pointing at the command's help. */
export function parseCommandArgs<const T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, allowPositionals: true, options });
  } catch (error) {
    throw new UserError('usage', (error as Error).message, `Run: db-migration-agent ${command} --help`);
  }
}

/** `--engine <e>` checked against the engines the command accepts. */
export function engineOption(value: string | undefined, engines: readonly string[]): Engine | undefined {
  if (value === undefined) return undefined;
  if (!engines.includes(value))
    throw new UserError('usage', `--engine ${value} is not one of ${engines.join(', ')}.`, 'Example: --engine sqlite');
  return value as Engine;
}

/** For commands whose input is all options: a stray word is a usage error saying what to pass instead. */
export function refusePositionals(command: string, positionals: string[], fix: string): void {
  if (positionals.length > 0)
    throw new UserError('usage', `${command} takes no positional arguments, got '${positionals[0]}'.`, fix);
}
