import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { bindEarly } from '../hosts/listener.js';
import { loadConfig } from '../infra/config.js';
import { createLogger, isPretty } from '../infra/logger.js';
import type { App } from './app.js';
import { announceReady, isClusterPrimary, runPrimary } from './cluster.js';
import { startupFailureText } from './failure.js';
import { listenStartupError, startupBlock, startupIndex } from './startup.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/**
 * `npm start` and `polyface serve`: validate the configuration, bind the
 * port(s) — before any secret is generated, stored or printed — then open
 * storage, resolve secrets, seed and serve. Prints the faces' URLs: a
 * readable block on a terminal (LOG_FORMAT=pretty), one JSON log line
 * otherwise. Messages for a person (a generated password) go to stdout on a
 * terminal and to stderr beside JSON logs, so stdout stays JSON lines.
 */
export async function serve(env: NodeJS.ProcessEnv = process.env): Promise<App> {
  // The gateway itself is loaded here, not when this module is: node:cluster's primary (runGateway with WORKERS > 1)
  // only forks and never needs it (issue 18: it held the whole gateway's code, ~100 MB, for nothing). Started now,
  // so that the files are read while the ports are bound; a failure is reported where it is awaited.
  const gateway = import('./app.js');
  gateway.catch(() => undefined);
  const config = loadConfig(env);
  const pretty = isPretty(config.logFormat);
  const log = createLogger(config.logLevel, config.logFormat);
  const announce = pretty ? (m: string) => process.stdout.write(`\n*** ${m}\n\n`) : (m: string) => process.stderr.write(`polyface: ${m}\n`);
  const opened: Server[] = [];
  const bind = async (setting: 'PORT' | 'METRICS_PORT' | 'GRPC_PORT', port: number) => {
    try {
      const server = await bindEarly(config.host, port, config.http);
      opened.push(server);
      return server;
    } catch (err) {
      throw listenStartupError(err, setting, config.host, port);
    }
  };
  try {
    const http = await bind('PORT', config.port);
    const metrics = config.metrics.port !== undefined ? await bind('METRICS_PORT', config.metrics.port) : undefined;
    // gRPC's port is bound by grpc-js itself once the app is built; a trial bind now makes a taken GRPC_PORT
    // stop the start before secrets are touched too (a port taken in the moment between is still one clear line).
    if (config.grpc.port !== 0) {
      const trial = await bind('GRPC_PORT', config.grpc.port);
      opened.splice(opened.indexOf(trial), 1);
      await new Promise<void>((resolve) => trial.close(() => resolve()));
    }
    const { buildApp } = await gateway;
    const app = await buildApp(config, announce, { log, servers: { http, metrics } });
    const url = await app.listen();
    if (pretty) {
      process.stdout.write(startupBlock(version, url, app.faces, app.metricsUrl));
      log.info({ url, grpc: app.grpcAddress }, listening(url, app.grpcAddress));
    } else {
      log.info({ url, grpc: app.grpcAddress, version, faces: startupIndex(url, app.faces, app.metricsUrl) }, listening(url, app.grpcAddress));
    }
    return app;
  } catch (err) {
    for (const server of opened) server.close();
    throw err;
  }
}

const listening = (url: string, grpc: string) => `polyface listening on ${url}${grpc ? ` (gRPC on ${grpc}, and as h2c on the same port)` : ''}`;

/** The process around `serve`: a failed start is one line and exit code 1; SIGTERM/SIGINT stop gracefully. */
export async function runServe(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let app: App;
  try {
    app = await serve(env);
  } catch (err) {
    process.stderr.write(startupFailureText(err, env.LOG_LEVEL));
    process.exit(1);
  }
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
  // The door may open while the start-up password checks still run (app.ts); a start that fails there still fails.
  try {
    await app.ready;
  } catch (err) {
    process.stderr.write(startupFailureText(err, env.LOG_LEVEL));
    process.exit(1);
  }
  announceReady();
}

/** `npm start` and `polyface serve`: one instance in this process, or with WORKERS > 1 node:cluster's primary over that many. */
export async function runGateway(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let workers = 1;
  try {
    workers = loadConfig(env).workers;
  } catch {
    // runServe reports the bad setting in its one line.
  }
  if (workers > 1 && isClusterPrimary()) await runPrimary(workers);
  else await runServe(env);
}
