import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_PACE_BYTES } from './platform/scavenge-pacer.ts';

/** The highest per-key requests-per-minute limit, for the setting and for `apikey rate-limit`. */
export const MAX_RATE_LIMIT_PER_MINUTE = 10_000_000;

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const booleanish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  DATA_DIR: z.string().default('./.data'),
  DATABASE_URL: optionalString.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional(),
  ),
  S3_BUCKET: optionalString,
  S3_ENDPOINT: optionalString.pipe(z.url().optional()),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  S3_FORCE_PATH_STYLE: booleanish.default(false),
  BOOTSTRAP_API_KEY: optionalString.pipe(
    z.string().regex(/^ffsk_[0-9a-f]{64}$/, 'must be ffsk_ followed by 64 lowercase hex characters').optional(),
  ),
  OUTBOUND_ALLOW: z.string().default(''),
  MAX_FILE_BYTES: z.coerce.number().int().positive().default(5 * 1024 ** 3),
  // Below the import job's expiry (3600 s), so a slow import is never handed to a second worker.
  IMPORT_TIMEOUT_SECONDS: z.coerce.number().int().positive().max(3000).default(600),
  FFMPEG_PATH: optionalString,
  FFPROBE_PATH: optionalString,
  SERVER_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  SANDBOX: z.enum(['auto', 'bwrap', 'none']).default('auto'),
  DEFAULT_COMMAND_RUN_SECONDS: z.coerce.number().int().min(1).max(82_800).default(300),
  // A job may stay active at most 24 h in pg-boss; keep an hour for fetching inputs and storing outputs.
  MAX_COMMAND_RUN_SECONDS: z.coerce.number().int().min(1).max(82_800).default(3600),
  COMMAND_MAX_MEMORY_BYTES: z.coerce.number().int().positive().default(8 * 1024 ** 3),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  HTTP_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  HTTP_IDLE_TIMEOUT_SECONDS: z.coerce.number().min(1).max(3600).default(120),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(MAX_RATE_LIMIT_PER_MINUTE).default(6000),
  // MiB a stream carries between the scavenges the service asks V8 for (platform/scavenge-pacer.ts); 0: never.
  STREAM_SCAVENGE_MIB: z.coerce.number().min(0).max(1024).default(DEFAULT_PACE_BYTES / 1024 ** 2),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  publicUrl: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
  s3: { bucket: string; endpoint?: string; region: string; accessKeyId?: string; secretAccessKey?: string; forcePathStyle: boolean } | undefined;
  bootstrapApiKey: string | undefined;
  outboundAllow: string;
  maxFileBytes: number;
  importTimeoutMs: number;
  ffmpegPath: string | undefined;
  ffprobePath: string | undefined;
  serverSecret: string | undefined;
  role: Env['ROLE'];
  sandbox: Env['SANDBOX'];
  commands: { defaultRunSeconds: number; maxRunSeconds: number; maxMemoryBytes: number };
  workerConcurrency: number;
  /** Processes serving HTTP on the one port (node:cluster); jobs and the embedded Postgres stay in the first. */
  httpProcesses: number;
  /** Prisma's connections per process; HTTP_PROCESSES splits it between the HTTP processes. */
  dbPoolSize: number;
  rateLimitPerMinute: number;
  shutdownGraceMs: number;
  /** A connection that moves no byte either way for this long is closed (a stalled upload, say). */
  httpIdleTimeoutMs: number;
  /** Bytes streamed between the scavenges asked for; 0 turns that off. */
  streamScavengeBytes: number;
  logLevel: Env['LOG_LEVEL'];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads every variable at once and reports every bad value together. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  if (e.S3_BUCKET && Boolean(e.S3_ACCESS_KEY_ID) !== Boolean(e.S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError(['S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together']);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    s3: e.S3_BUCKET
      ? {
          bucket: e.S3_BUCKET,
          endpoint: e.S3_ENDPOINT,
          region: e.S3_REGION,
          accessKeyId: e.S3_ACCESS_KEY_ID,
          secretAccessKey: e.S3_SECRET_ACCESS_KEY,
          forcePathStyle: e.S3_FORCE_PATH_STYLE,
        }
      : undefined,
    bootstrapApiKey: e.BOOTSTRAP_API_KEY,
    outboundAllow: e.OUTBOUND_ALLOW,
    maxFileBytes: e.MAX_FILE_BYTES,
    importTimeoutMs: e.IMPORT_TIMEOUT_SECONDS * 1000,
    ffmpegPath: e.FFMPEG_PATH,
    ffprobePath: e.FFPROBE_PATH,
    serverSecret: e.SERVER_SECRET,
    role: e.ROLE,
    sandbox: e.SANDBOX,
    commands: {
      defaultRunSeconds: Math.min(e.DEFAULT_COMMAND_RUN_SECONDS, e.MAX_COMMAND_RUN_SECONDS),
      maxRunSeconds: e.MAX_COMMAND_RUN_SECONDS,
      maxMemoryBytes: e.COMMAND_MAX_MEMORY_BYTES,
    },
    workerConcurrency: e.WORKER_CONCURRENCY,
    httpProcesses: e.HTTP_PROCESSES,
    dbPoolSize: e.DB_POOL_SIZE,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000,
    httpIdleTimeoutMs: e.HTTP_IDLE_TIMEOUT_SECONDS * 1000,
    streamScavengeBytes: Math.round(e.STREAM_SCAVENGE_MIB * 1024 * 1024),
    logLevel: e.LOG_LEVEL,
  };
}
