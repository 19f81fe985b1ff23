// npm run config:check — validates the configuration exactly as the API and worker would (the
// environment, then .env, then defaults; the signing keys are loaded as at start-up) and prints
// the result with secrets masked. Exits 1, naming the problem, when it would not start.
import { KeyConfigError, loadTokenKeys } from '../src/auth/token-keys.ts';
import { describeConfig } from '../src/config/describe.ts';
import { loadConfigOrExit } from '../src/config/env.ts';

const config = loadConfigOrExit();
process.stdout.write(`${JSON.stringify(describeConfig(config), null, 2)}\n`);
try {
  await loadTokenKeys(config);
} catch (error) {
  if (!(error instanceof KeyConfigError)) throw error;
  console.error(`Invalid configuration: ${error.message}`);
  process.exit(1);
}
process.stdout.write(`Configuration is valid for APP_ENV=${config.env}.\n`);
