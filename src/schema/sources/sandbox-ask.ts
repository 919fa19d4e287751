import type { SandboxMessage, SandboxRequest } from '../../sandbox/child-main.js';
import { startSandbox } from '../../sandbox/spawn.js';
import { sandboxFailed, sandboxFailure } from '../../sources/isolate.js';

/** One request to a fresh sandbox and its one answer; the sandbox is killed when it answers, fails or hangs. */
export async function askSandbox<T extends SandboxMessage['type']>(
  request: SandboxRequest,
  answer: T,
  options: { root: string; timeoutMs: number; what: string },
): Promise<Extract<SandboxMessage, { type: T }>> {
  const { child } = await startSandbox({ root: options.root });
  return new Promise((resolve, reject) => {
    const finish = (done: () => void) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.kill('SIGKILL');
      done();
    };
    const timer = setTimeout(
      () => finish(() => reject(sandboxFailed(`${options.what} did not load within ${options.timeoutMs} ms`))),
      options.timeoutMs,
    );
    child.on('message', (message: SandboxMessage) => {
      if (message.type === answer) finish(() => resolve(message as Extract<SandboxMessage, { type: T }>));
      else if (message.type === 'failed') finish(() => reject(sandboxFailure(message.failure)));
    });
    child.on('error', (error) => finish(() => reject(sandboxFailed(error.message))));
    child.on('exit', (code, signal) =>
      finish(() => reject(sandboxFailed(`it exited with ${signal ?? `code ${code}`} while loading ${options.what}`))),
    );
    child.send(request);
  });
}
