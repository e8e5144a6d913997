import { loadConfig } from '../infra/config.js';
import { buildApp } from './app.js';

/** The process entry point: the only file that reads the environment and owns signals. */
const config = loadConfig();
const app = await buildApp(config);
const url = await app.listen();
app.log.info({ url, grpc: app.grpcAddress }, `polyface listening on ${url} (gRPC on ${app.grpcAddress}, and as h2c on the same port)`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (err) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
