import cluster from 'node:cluster';
import { startApp, type App } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { startHttpCluster } from './http-cluster.ts';
import { answerMetricCollections, isHttpChild } from './platform/cluster-metrics.ts';
import { createLogger } from './platform/logger.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  // Listening from the start: a signal during start-up (initdb, migrations, forking) must undo what
  // was started, the embedded Postgres above all, rather than kill the process where it stands.
  const starting = new AbortController();
  let app: App | undefined;
  const stopAndExit = (started: App) =>
    started.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  const shutdown = (signal: string) => {
    if (starting.signal.aborted) return;
    starting.abort();
    log.info({ signal }, 'shutting down');
    if (app) void stopAndExit(app);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));
  // An HTTP process of a cluster whose primary is gone (even SIGKILLed) must not live on alone.
  if (cluster.isWorker) process.on('disconnect', () => shutdown('disconnect'));

  const clustered = cluster.isPrimary && config.httpProcesses > 1 && config.role !== 'worker';
  try {
    app = clustered ? await startHttpCluster(config, log, starting.signal) : await startApp(config, { log, signal: starting.signal });
  } catch (err) {
    if (!starting.signal.aborted) throw err;
    log.info('stopped during start-up');
    process.exit(0);
  }
  if (starting.signal.aborted) {
    // The signal came as start-up finished, too late for it to notice.
    void stopAndExit(app);
    return;
  }
  if (isHttpChild()) answerMetricCollections(app.deps.metrics.registry);
  if (app.createdApiKey) {
    // Shown once: only its hash is stored.
    process.stdout.write(
      `\n  API key for the default account (shown once, store it now):\n\n    ${app.createdApiKey}\n\n` +
        `  Try: curl -H "X-API-KEY: ${app.createdApiKey}" ${config.publicUrl ?? app.url}/api/v1/files\n\n`,
    );
  }
}

main().catch((err: unknown) => {
  // What went wrong is in the message (a database that does not exist, a port in use, a missing
  // binary); the stack only at LOG_LEVEL=debug or trace.
  const verbose = /^(debug|trace)$/i.test(process.env.LOG_LEVEL ?? '');
  const text = err instanceof Error ? (verbose ? err.stack ?? err.message : err.message) : String(err);
  process.stderr.write(`Start-up failed: ${text}\n`);
  process.exit(1);
});
