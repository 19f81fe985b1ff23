// Routes the Temporal SDK's own logs (worker, workflow sandbox, core) into pino, at warn and
// above unless the app's level is lower, so operators read one log stream.
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import type { Logger } from './logger.ts';

let installed = false;

export function installTemporalRuntime(logger: Logger): void {
  if (installed) return;
  installed = true;
  const sdk = logger.child({ component: 'temporal' });
  const level = ['trace', 'debug'].includes(logger.level) ? 'DEBUG' : 'WARN';
  Runtime.install({
    logger: new DefaultLogger(level, ({ level: entryLevel, message, meta }: LogEntry) => {
      const method = entryLevel === 'ERROR' ? 'error' : entryLevel === 'WARN' ? 'warn' : 'debug';
      sdk[method](meta ?? {}, message);
    }),
  });
}
