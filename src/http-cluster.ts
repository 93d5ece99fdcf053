import cluster, { type Worker } from 'node:cluster';
import { startApp, type App } from './app.ts';
import type { Config } from './config.ts';
import { freePort } from './platform/free-port.ts';
import type { Logger } from './platform/logger.ts';

const RESTART_DELAY_MS = 1_000;

/**
 * HTTP_PROCESSES > 1: one Node process serves HTTP on one core, so this primary forks that many
 * children (node:cluster shares the port between them) and keeps for itself what must exist once:
 * the embedded Postgres, migrations, the bootstrap key and, with ROLE=all, the job workers. A child
 * that dies is forked again; stop() ends the children first, then the primary's own parts.
 */
export async function startHttpCluster(config: Config, log: Logger): Promise<App> {
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  const app = await startApp({ ...config, port }, { log, serveHttp: false });
  const childEnv = {
    ...process.env,
    DATABASE_URL: app.databaseUrl,
    PORT: String(port),
    ROLE: 'api',
    HTTP_PROCESSES: '1',
    // The connection budget is shared: N processes each with the full pool would exhaust max_connections.
    DB_POOL_SIZE: String(Math.max(2, Math.ceil(config.dbPoolSize / config.httpProcesses))),
    BOOTSTRAP_API_KEY: '', // ensured by the primary; a child must not print a new key
  };
  let stopping = false;
  const fork = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork(childEnv);
      const failed = (code: number | null) => reject(new Error(`an HTTP process exited during start-up (${code})`));
      worker.once('exit', failed);
      worker.once('listening', () => {
        worker.off('exit', failed);
        resolve(worker);
      });
    });

  const workers: Worker[] = [];
  try {
    // One after another: each child's start-up is mostly CPU (loading modules), and a failing
    // configuration then fails once rather than N times.
    for (let i = 0; i < config.httpProcesses; i++) workers.push(await fork());
  } catch (err) {
    for (const worker of workers) worker.process.kill('SIGTERM');
    await app.stop();
    throw err;
  }
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    log.error({ pid: worker.process.pid, code, signal }, 'an HTTP process exited; starting another');
    setTimeout(() => {
      if (!stopping) fork().catch((err: unknown) => log.error({ err }, 'could not start an HTTP process'));
    }, RESTART_DELAY_MS).unref();
  });
  log.info({ processes: config.httpProcesses, port }, 'HTTP processes listening');

  return {
    ...app,
    async stop() {
      stopping = true;
      const children = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      await Promise.all(children.map((worker) => stopChild(worker, config.shutdownGraceMs + 10_000)));
      await app.stop();
    },
  };
}

/** SIGTERM (the child drains its requests as a single process would), SIGKILL after the deadline. */
function stopChild(worker: Worker, deadlineMs: number): Promise<void> {
  if (worker.isDead()) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => worker.process.kill('SIGKILL'), deadlineMs);
    worker.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    worker.process.kill('SIGTERM');
  });
}
