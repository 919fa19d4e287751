import { PassThrough } from 'node:stream';
import { main } from '../../src/cli.js';

/** The CLI run in-process from `cwd` (standard input given as text): its exit code and both outputs. */
export async function runCli(
  args: string[],
  options: { cwd: string; stdin?: string },
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => {
    out += chunk;
  });
  stderr.on('data', (chunk) => {
    err += chunk;
  });
  stdin.end(options.stdin ?? '');
  const code = await main(args, { stdout, stderr, stdin, cwd: options.cwd, env: {} });
  return { code, out, err };
}
