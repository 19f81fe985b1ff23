// A second app beside a test platform, built with other deps or config (a console directory, a
// production-like env), listening on an ephemeral port until closed.
import type { Server } from 'node:http';
import { createApp, type AppDeps } from '../../src/http/app.ts';
import type { Config } from '../../src/config/env.ts';
import { testLogger, type TestPlatform } from './platform.ts';

export interface ServedApp {
  baseUrl: string;
  close: () => Promise<void>;
}

export async function serveApp(
  platform: TestPlatform,
  { config, ...deps }: Partial<Omit<AppDeps, 'config'>> & { config?: Partial<Config> } = {},
): Promise<ServedApp> {
  const app = createApp({ ...platform, logger: testLogger, ...deps, config: { ...platform.config, ...config } });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
