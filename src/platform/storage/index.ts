// Picks the storage driver from configuration: S3 when a bucket is configured, else local disk.
import path from 'node:path';
import type { Config } from '../../config.ts';
import type { Logger } from '../logger.ts';
import type { StorageDriver } from './driver.ts';
import { createLocalDriver } from './local-driver.ts';
import { createS3Driver } from './s3-driver.ts';

export function createStorage(config: { dataDir: string; s3: Config['s3']; log?: Pick<Logger, 'warn'> }): StorageDriver {
  return config.s3 ? createS3Driver({ ...config.s3, log: config.log }) : createLocalDriver(path.join(config.dataDir, 'storage'));
}

export {
  assertSafeKey,
  byteLimit,
  ByteCounter,
  ObjectNotFoundError,
  ObjectTooLargeError,
  UnsafeKeyError,
  type ByteRange,
  type PresignOptions,
  type PutOptions,
  type StorageDriver,
  type StoredObject,
} from './driver.ts';
export { createLocalDriver } from './local-driver.ts';
export { createS3Driver, type S3DriverConfig } from './s3-driver.ts';
