import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import path from 'node:path';
import { createAuthenticator, createAuthorizer } from './accounts/authenticator.ts';
import { createRateLimiter } from './accounts/rate-limiter.ts';
import { bootstrapApiKey } from './accounts/bootstrap.ts';
import type { Config } from './config.ts';
import { createFileCache } from './files/file-cache.ts';
import { createHttpServer } from './http/server.ts';
import { jobDefinitions, jobWorkers } from './jobs.ts';
import { SWEEP_CRON, sweepJob, sweepWorkDirs } from './maintenance/sweep.ts';
import { ShutdownError, type Deps } from './platform/context.ts';
import { createDb, type Db } from './platform/db.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './platform/embedded-postgres.ts';
import { createEventBus } from './platform/events.ts';
import { freePort } from './platform/free-port.ts';
import { createLogger, type Logger } from './platform/logger.ts';
import { createMetrics } from './platform/metrics.ts';
import { resolveMediaBinaries } from './platform/media/index.ts';
import { migrate } from './platform/migrate.ts';
import { parseAllowList } from './platform/outbound/index.ts';
import { setScavengePace } from './platform/scavenge-pacer.ts';
import { startQueue } from './platform/queue.ts';
import { createUrlSigner } from './platform/signed-urls.ts';
import { createStorage } from './platform/storage/index.ts';

export const VERSION = '0.1.0';

export interface App {
  deps: Deps;
  url: string;
  /** The database this process uses: DATABASE_URL, or the embedded Postgres it started. */
  databaseUrl: string;
  server: Server | undefined;
  /** The API key created at this start (first start without BOOTSTRAP_API_KEY), shown once. */
  createdApiKey: string | undefined;
  /**
   * Stops taking work and drains: running jobs get SHUTDOWN_GRACE_SECONDS from this call, requests in
   * flight get theirs, both at once and alongside `alsoDrain` (a cluster's children); then closes
   * the rest, the embedded Postgres last.
   */
  stop(alsoDrain?: () => Promise<unknown>): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** How long verified API keys are cached; tests use 0 so revocation is immediate. */
  authCacheMs?: number;
  /** False in the primary of an HTTP cluster: its children serve HTTP, it runs everything else. */
  serveHttp?: boolean;
  /** Aborted: start-up stops at its next step and undoes what it started (then rejects). */
  signal?: AbortSignal;
}

/** Starts every role the config asks for; the embedded Postgres (if any) is stopped last. */
export async function startApp(config: Config, options: StartOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(config.logLevel);
  // Drains run together at the start of a stop; cleanups then run one by one, last added first.
  const drains: (() => Promise<unknown>)[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  // Once: a second call waits for the first rather than close what the first is still draining.
  let stopping: Promise<void> | undefined;
  const stop = (alsoDrain?: () => Promise<unknown>) => (stopping ??= (async () => {
    const failed = (err: unknown) => log.warn({ err }, 'shutdown step failed');
    await Promise.all([...drains.splice(0), ...(alsoDrain ? [alsoDrain] : [])].map((drain) => drain().catch(failed)));
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(failed);
  })());
  setScavengePace(config.streamScavengeBytes);
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const embedded: EmbeddedPostgres = await startEmbeddedPostgres({
        dataDir: path.join(config.dataDir, 'pg'),
        log: (msg) => log.warn(msg),
      });
      cleanups.push(() => embedded.stop());
      databaseUrl = embedded.url;
      log.info('embedded PostgreSQL started');
    }
    options.signal?.throwIfAborted();
    const applied = await migrate(databaseUrl, { log: (m) => log.info(m) });
    if (applied.length) log.info({ applied }, 'migrations applied');

    const db: Db = createDb(databaseUrl, { maxConnections: config.dbPoolSize });
    cleanups.push(() => db.$disconnect());
    options.signal?.throwIfAborted();
    const events = await createEventBus(databaseUrl, log);
    cleanups.push(() => events.close());
    // A process that runs no jobs only sends them: two connections do.
    const queue = await startQueue(databaseUrl, jobDefinitions, log, { maxConnections: config.role === 'api' ? 2 : 5 });
    // Running jobs get the grace period to finish; then they are aborted and released (pg-boss
    // retries them, here after a restart or on another worker), never marked FAILED for a shutdown.
    const shutdown = new AbortController();
    cleanups.push(() => queue.stop());
    drains.push(async () => {
      const abortLater = setTimeout(() => shutdown.abort(new ShutdownError()), config.shutdownGraceMs);
      try {
        await queue.drain(config.shutdownGraceMs + 5_000);
      } finally {
        clearTimeout(abortLater);
      }
    });

    const port = config.port === 0 ? await freePort(config.host) : config.port;
    const publicUrl = config.publicUrl ?? `http://localhost:${port}`;
    const deps: Deps = {
      config,
      db,
      storage: createStorage({ dataDir: config.dataDir, s3: config.s3, log }),
      queue,
      events,
      fileCache: createFileCache(events),
      media: resolveMediaBinaries({ ffmpegPath: config.ffmpegPath, ffprobePath: config.ffprobePath }),
      allow: parseAllowList(config.outboundAllow),
      signer: createUrlSigner(config.serverSecret ?? (await serverSecret(db)), publicUrl),
      log,
      metrics: createMetrics(),
      shutdown: shutdown.signal,
    };
    options.signal?.throwIfAborted();
    const createdApiKey = await bootstrapApiKey(db, config.bootstrapApiKey, log);

    if (config.role !== 'api') {
      // Working directories left by a crash of this process are gone before it takes new work.
      await sweepWorkDirs(deps).catch((err: unknown) => log.warn({ err }, 'could not clean working directories'));
      await queue.schedule(sweepJob, SWEEP_CRON);
      await queue.work(jobWorkers(deps), {
        onOutcome: (queueName, outcome) => deps.metrics.jobOutcomes.inc({ queue: queueName, outcome }),
        shutdown: deps.shutdown,
      });
    }
    options.signal?.throwIfAborted();
    let server: Server | undefined;
    if (config.role !== 'worker' && options.serveHttp !== false) {
      const authorize = createAuthorizer(createAuthenticator(db, log, options.authCacheMs), createRateLimiter(db), config.rateLimitPerMinute);
      const httpService = createHttpServer(deps, authorize, VERSION);
      server = httpService.server;
      await new Promise<void>((resolve, reject) => {
        httpService.server.once('error', reject);
        httpService.server.listen(port, config.host, resolve);
      });
      drains.push(() => httpService.close(Math.min(5_000, config.shutdownGraceMs)));
      log.info({ url: publicUrl }, 'HTTP server listening');
    }
    return { deps, url: `http://127.0.0.1:${port}`, databaseUrl, server, createdApiKey, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function serverSecret(db: Db): Promise<string> {
  const candidate = randomBytes(32).toString('base64url');
  await db.setting.createMany({ data: [{ key: 'server_secret', value: candidate }], skipDuplicates: true });
  const row = await db.setting.findUniqueOrThrow({ where: { key: 'server_secret' } });
  return row.value;
}

