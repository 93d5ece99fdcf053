import cluster, { type Worker } from 'node:cluster';
import { startApp, type App } from './app.ts';
import type { Config } from './config.ts';
import { HTTP_CHILD_ENV, serveClusterScrapes } from './platform/cluster-metrics.ts';
import { freePort } from './platform/free-port.ts';
import type { Logger } from './platform/logger.ts';
import { refreshQueueDepths } from './platform/metrics.ts';

const RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 30_000;
/** A child that exits sooner than this after its fork died young: the next fork waits longer. */
const YOUNG_MS = 30_000;

/** 1 s after a child that lived, doubling per child that died young in a row, up to 30 s. */
export function restartDelayMs(youngDeathsInARow: number): number {
  return Math.min(MAX_RESTART_DELAY_MS, RESTART_DELAY_MS * 2 ** Math.max(0, youngDeathsInARow - 1));
}

/**
 * HTTP_PROCESSES > 1: one Node process serves HTTP on one core, so this primary forks that many
 * children (node:cluster shares the port between them) and keeps for itself what must exist once:
 * the embedded Postgres, migrations, the bootstrap key and, with ROLE=all, the job workers. A child
 * that dies is forked again, later each time children die young in a row (one that cannot start
 * must not be forked every second forever); stop() drains the children and the primary's jobs at once.
 */
export async function startHttpCluster(config: Config, log: Logger, signal?: AbortSignal): Promise<App> {
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  const app = await startApp({ ...config, port }, { log, serveHttp: false, signal });
  serveClusterScrapes(app.deps.metrics.registry, () =>
    refreshQueueDepths(app.deps.metrics, () => app.deps.queue.boss.getQueues()).catch((err: unknown) =>
      log.warn({ err }, 'could not read queue depths'),
    ),
  );
  const childEnv = {
    ...process.env,
    DATABASE_URL: app.databaseUrl,
    PORT: String(port),
    ROLE: 'api',
    HTTP_PROCESSES: '1',
    // The connection budget is shared: N processes each with the full pool would exhaust max_connections.
    DB_POOL_SIZE: String(Math.max(2, Math.ceil(config.dbPoolSize / config.httpProcesses))),
    BOOTSTRAP_API_KEY: '', // ensured by the primary; a child must not print a new key
    [HTTP_CHILD_ENV]: '1',
  };
  let stopping = false;
  const forkedAt = new Map<number, number>();
  let youngDeaths = 0;
  const fork = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork(childEnv);
      forkedAt.set(worker.id, Date.now());
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
    for (let i = 0; i < config.httpProcesses; i++) {
      signal?.throwIfAborted();
      workers.push(await fork());
    }
    signal?.throwIfAborted();
  } catch (err) {
    stopping = true;
    await app.stop(() => Promise.all(workers.map((worker) => stopChild(worker, config.shutdownGraceMs + 10_000))));
    throw err;
  }
  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (forkedAt.get(worker.id) ?? 0);
    forkedAt.delete(worker.id);
    if (stopping) return;
    youngDeaths = lived < YOUNG_MS ? youngDeaths + 1 : 0;
    const delayMs = restartDelayMs(youngDeaths);
    log.error({ pid: worker.process.pid, code, signal, restartInMs: delayMs }, 'an HTTP process exited; starting another');
    setTimeout(() => {
      if (!stopping) fork().catch((err: unknown) => log.error({ err }, 'could not start an HTTP process'));
    }, delayMs).unref();
  });
  log.info({ processes: config.httpProcesses, port }, 'HTTP processes listening');

  return {
    ...app,
    async stop() {
      stopping = true;
      const children = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      // The children drain their requests while this process drains its jobs; the database, the
      // events and the embedded Postgres go only once the children have exited.
      await app.stop(() => Promise.all(children.map((worker) => stopChild(worker, config.shutdownGraceMs + 10_000))));
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
