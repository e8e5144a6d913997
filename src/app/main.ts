import { loadConfig } from '../infra/config.js';
import { startupFailureText } from './failure.js';

/**
 * The process entry point (`npm start`; `polyface serve` does the same):
 * with the CLI, the only code that reads the environment and owns signals.
 * A bad setting is reported before the rest of the gateway is even loaded.
 * With WORKERS > 1 it becomes node:cluster's primary (cluster.ts) and each
 * worker runs this same file as one full instance.
 */
try {
  loadConfig();
} catch (err) {
  process.stderr.write(startupFailureText(err, process.env.LOG_LEVEL));
  process.exit(1);
}
const { runGateway } = await import('./serve.js');
await runGateway();
