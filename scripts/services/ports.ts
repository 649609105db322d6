import fs from 'node:fs';
import net from 'node:net';

/** A TCP port on loopback that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Resolves once something accepts TCP connections on host:port (and, given `ownerPid`, that process holds the port: a
 * port taken by another server between its pick and our server's bind answers too), or rejects after `timeoutMs`, or
 * as soon as `signal` aborts (the server waited for has exited: no need to keep knocking).
 */
export async function waitForPort(
  port: number,
  timeoutMs: number,
  host = '127.0.0.1',
  options: { signal?: AbortSignal; ownerPid?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    options.signal?.throwIfAborted();
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open && (options.ownerPid === undefined || holdsPort(options.ownerPid, port) !== false)) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * Whether process `pid` holds a listening TCP socket on `port`: the socket's inode from /proc/net/tcp{,6} among the
 * process's open files. Undefined where /proc cannot tell (not Linux).
 */
export function holdsPort(pid: number, port: number): boolean | undefined {
  const inodes = new Set<string>();
  let readable = false;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    readable = true;
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode; state 0A is LISTEN.
      const [, local, , state, , , , , , inode] = line.trim().split(/\s+/);
      if (state === '0A' && local && inode && parseInt(local.split(':')[1] ?? '', 16) === port) inodes.add(inode);
    }
  }
  if (!readable) return undefined;
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  return fds.some((fd) => {
    try {
      const socket = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      return socket !== null && inodes.has(socket[1]!);
    } catch {
      return false;
    }
  });
}
