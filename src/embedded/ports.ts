import net from 'node:net';

/** Fails with a readable message when something already listens on 127.0.0.1:`port`. */
export async function assertPortFree(port: number, what: string, setting: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new PortInUseError(
      `Port ${port} for ${what} is already in use (an earlier run still going?). ` +
        `Stop that process, or choose another port with ${setting}.`,
    );
  }
}

export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
