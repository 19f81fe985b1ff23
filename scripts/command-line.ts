// The command line of the evaluation scripts: strict options, usage on --help (exit 0), and a
// usage error (the message, then the usage, exit 2) for a bad option or value.
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Prints `message` and the usage to stderr and exits with status 2. */
export const usageFailure =
  (usage: string) =>
  (message: string): never => {
    process.stderr.write(`${message}\n\n${usage}`);
    process.exit(2);
  };

/** The parsed option values; `--help` (which `options` must define) prints the usage and exits. */
export function parseCommandLine<const T extends Options>(options: T, usage: string) {
  let values: ReturnType<typeof parseArgs<{ options: T; strict: true }>>['values'];
  try {
    values = parseArgs({ options, strict: true }).values;
  } catch (error) {
    return usageFailure(usage)((error as Error).message);
  }
  if ((values as { help?: boolean }).help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  return values;
}
