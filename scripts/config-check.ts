// npm run config:check — validates the configuration exactly as the API and worker would (the
// environment, then .env, then defaults) and prints the result with secrets masked. Exits 1,
// naming the problem keys, when the configuration would not start.
import { loadConfigOrExit } from '../src/config/env.ts';
import { describeConfig } from '../src/config/describe.ts';

const config = loadConfigOrExit();
process.stdout.write(`${JSON.stringify(describeConfig(config), null, 2)}\nConfiguration is valid for APP_ENV=${config.env}.\n`);
