import { PgBoss, fromPrisma, type Job, type JobWithMetadata, type PrismaTransactionLike, type Queue } from 'pg-boss';
import type { z } from 'zod';
import type { Logger } from './logger.ts';

/** One row of the job table: a queue, its retry/expiry policy and its payload schema. */
export interface JobDefinition<T = unknown> {
  name: string;
  payload: z.ZodType<T>;
  options: Omit<Queue, 'name' | 'notify'>;
}

/** The worker side of a queue: how many at once in one process, and what to do with a job. */
export interface JobWorker<T = unknown> {
  definition: JobDefinition<T>;
  concurrency?: number;
  /**
   * Long jobs (commands) take one job per fetch on `concurrency` loops. Short ones (the default)
   * fetch up to `concurrency` at once and fetch again at once while a backlog lasts: a pg-boss loop
   * that fetched one job otherwise waits out its polling interval before the next.
   */
  long?: boolean;
  handle(data: T, job: Job<unknown>): Promise<void>;
}

export interface JobQueue {
  /** Enqueues a job; with tx, the job exists only if that Prisma transaction commits. */
  send<T>(definition: JobDefinition<T>, data: T, tx?: PrismaTransactionLike): Promise<void>;
  /**
   * Runs the workers. A job that fails once `shutdown` has aborted was released by this process
   * stopping, not failed by its work: it gets its attempt back, so deploys never use up retries.
   */
  work(workers: JobWorker<any>[], opts?: { onOutcome?: (queue: string, outcome: 'completed' | 'failed') => void; shutdown?: AbortSignal }): Promise<void>;
  /** Runs a job of this queue on a cron schedule (stored in the database: one schedule for all processes). */
  schedule(definition: JobDefinition<Record<string, unknown>>, cron: string): Promise<void>;
  /**
   * Stops fetching new jobs at once and waits up to waitMs for running ones. The connections stay
   * open, so requests still being answered can send jobs; stop() closes them.
   */
  drain(waitMs: number): Promise<void>;
  /** Closes the queue (after drain, or at once). */
  stop(): Promise<void>;
  boss: PgBoss;
}

const SCHEMA = 'pgboss';

export function defineJob<T>(definition: JobDefinition<T>): JobDefinition<T> {
  return definition;
}

/**
 * Whether the queue will not run this job again if it fails now. The job's own retry limit (its
 * metadata) counts, not the queue's: a shutdown that released an attempt raised the job's by one.
 */
export function isLastAttempt(job: Job<unknown>, definition: JobDefinition<any>): boolean {
  const retryLimit = (job as Partial<JobWithMetadata>).retryLimit ?? definition.options.retryLimit ?? 0;
  return job.retryCount >= retryLimit;
}

/** Starts pg-boss and creates every queue (dead-letter queues must come before their users). */
export async function startQueue(
  databaseUrl: string,
  definitions: JobDefinition<any>[],
  log: Logger,
  opts: { maxConnections?: number } = {},
): Promise<JobQueue> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: SCHEMA,
    max: opts.maxConnections ?? 5,
    // A NOTIFY wakes workers at once; polling stays as a slow backstop.
    useListenNotify: true,
    // Expired jobs and lapsed heartbeats (a worker killed mid-job) are found by the supervise+monitor
    // pass; the 60 s defaults would leave a dead worker's file PROCESSING for minutes.
    superviseIntervalSeconds: 10,
    monitorIntervalSeconds: 10,
  });
  boss.on('error', (err) => log.error({ err }, 'job queue error'));
  boss.on('warning', (warning) => log.warn({ warning }, 'job queue warning'));
  await boss.start();
  for (const def of definitions) {
    await boss.createQueue(def.name, { ...def.options, notify: true });
  }

  return {
    boss,
    async send(def, data, tx) {
      await boss.send(def.name, def.payload.parse(data) as object, tx ? { db: fromPrisma(tx) } : undefined);
    },
    async work(workers, { onOutcome, shutdown } = {}) {
      // pg-boss retries a failed job while retry_count < retry_limit; one more allowed retry is
      // the attempt the release took. Only an active job: a retry already decided stays as it is.
      const giveBackAttempt = (job: Job<unknown>) =>
        boss.getDb()
          .executeSql(`UPDATE ${SCHEMA}.job SET retry_limit = retry_limit + 1 WHERE name = $1 AND id = $2 AND state = 'active'`, [job.name, job.id])
          .catch((err: unknown) => log.warn({ err, jobId: job.id }, 'could not give a released job its attempt back'));
      for (const worker of workers as JobWorker<unknown>[]) {
        const { definition } = worker;
        const concurrency = worker.concurrency ?? 1;
        const run = async (job: Job<unknown>): Promise<'completed' | 'failed'> => {
          const parsed = definition.payload.safeParse(job.data);
          if (!parsed.success) {
            // A payload that cannot be read never becomes readable by retrying.
            log.error({ queue: definition.name, jobId: job.id, issues: parsed.error.issues }, 'dropping malformed job');
            return 'completed';
          }
          try {
            await worker.handle(parsed.data, job);
            onOutcome?.(definition.name, 'completed');
            return 'completed';
          } catch (err) {
            if (shutdown?.aborted) {
              await giveBackAttempt(job);
              log.info({ queue: definition.name, jobId: job.id }, 'job released by the shutdown; the queue runs it again');
              return 'failed';
            }
            onOutcome?.(definition.name, 'failed');
            log.warn({ err, queue: definition.name, jobId: job.id }, 'job failed; the queue retries it');
            return 'failed';
          }
        };
        // With metadata, every handler can tell whether its attempt is the last (isLastAttempt).
        const polling = { pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 2 };
        if (worker.long) {
          // A loop that finished a job waits out this interval before fetching again (unless a new
          // job's NOTIFY wakes it): short, so that a backlog drains at the speed of the jobs.
          const longPolling = { pollingIntervalSeconds: 0.5, notifyPollingIntervalSeconds: 0.5 };
          await boss.work(definition.name, { ...longPolling, localConcurrency: concurrency, includeMetadata: true }, async ([job]) => {
            if (job && (await run(job)) === 'failed') throw new Error(`job ${job.id} failed`);
          });
        } else {
          await boss.work(
            definition.name,
            // At least two: pg-boss bursts only when a fetch comes back full and the batch holds more than one.
            { ...polling, batchSize: Math.max(2, concurrency), burstWhenBatchFull: true, perJobResults: true, includeMetadata: true },
            async (jobs) => Promise.all(jobs.map(async (job) => ({ id: job.id, status: await run(job) }))),
          );
        }
      }
    },
    async schedule(def, cron) {
      await boss.schedule(def.name, cron, {}, { tz: 'UTC' });
    },
    async drain(waitMs) {
      await boss.stop({ close: false, graceful: true, timeout: waitMs });
    },
    async stop() {
      await boss.stop({ graceful: false });
    },
  };
}
