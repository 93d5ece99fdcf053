import type { Config } from '../config.ts';
import type { FileCache } from '../files/file-cache.ts';
import type { Db } from './db.ts';
import type { EventBus } from './events.ts';
import type { Logger } from './logger.ts';
import type { MediaBinaries } from './media/index.ts';
import type { Metrics } from './metrics.ts';
import type { AllowList } from './outbound/index.ts';
import type { JobQueue } from './queue.ts';
import type { UrlSigner } from './signed-urls.ts';
import type { StorageDriver } from './storage/index.ts';

/** Everything a service or job may touch: built once per process by main.ts. */
export interface Deps {
  config: Config;
  db: Db;
  storage: StorageDriver;
  queue: JobQueue;
  events: EventBus;
  fileCache: FileCache;
  media: MediaBinaries;
  allow: AllowList;
  signer: UrlSigner;
  log: Logger;
  metrics: Metrics;
  /** Aborted when the process shuts down and its grace period is over: running work must let go. */
  shutdown: AbortSignal;
}

/** The reason of `Deps.shutdown`: work stopped because the process is going away, not because it failed. */
export class ShutdownError extends Error {
  constructor() {
    super('the process is shutting down');
    this.name = 'ShutdownError';
  }
}

/** What a service function receives: the deps plus the caller's account. Never a Request or GraphQL info. */
export interface ServiceContext extends Deps {
  accountId: string;
  requestId: string;
}
