import type { Config } from '../config.ts';
import type { Db } from './db.ts';
import type { EventBus } from './events.ts';
import type { Logger } from './logger.ts';
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
  media: { ffmpeg: string; ffprobe: string };
  allow: AllowList;
  signer: UrlSigner;
  log: Logger;
  metrics: Metrics;
}

/** What a service function receives: the deps plus the caller's account. Never a Request or GraphQL info. */
export interface ServiceContext extends Deps {
  accountId: string;
  requestId: string;
}
