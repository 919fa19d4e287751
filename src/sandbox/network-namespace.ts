import { nodeChildProcess } from '../lazy-builtins.js';

/**
 * How to start a process in an empty network namespace (no interface but a down loopback), when this OS lets
 * us: `unshare --net` as root, `unshare -rn` (a user namespace mapping us to root) otherwise. Probed once per
 * process; where neither works (macOS, containers without user namespaces) the child runs without it and the
 * sandbox says so in its notes — the network guard still blocks every socket.
 */
export interface NetworkNamespace {
  /** Command and arguments to put before `node …`, empty when unavailable. */
  prefix: string[];
  note?: string;
}

let probed: NetworkNamespace | undefined;

export function networkNamespace(): NetworkNamespace {
  probed ??= probe();
  return probed;
}

function probe(): NetworkNamespace {
  if (process.platform !== 'linux') {
    return {
      prefix: [],
      note: `no empty network namespace on ${process.platform}; the network guard alone blocks sockets`,
    };
  }
  const attempts = process.getuid?.() === 0 ? [['--net'], ['-rn']] : [['-rn'], ['--net']];
  for (const args of attempts) {
    const result = nodeChildProcess().spawnSync('unshare', [...args, process.execPath, '-e', '0'], {
      stdio: 'ignore',
      timeout: 5_000,
    });
    if (result.status === 0) return { prefix: ['unshare', ...args] };
  }
  return {
    prefix: [],
    note: 'unshare --net is not permitted here (no user namespaces); the network guard alone blocks sockets',
  };
}
