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
