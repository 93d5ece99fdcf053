// Requirement: "probe cost against size: probing a 10 MB and a 2 GB file stored in S3 (ffprobe over a
// presigned URL with range reads, not a full download): the 2 GB probe within 2x of the 10 MB probe".
// Runs the worker's own probe path (src/files/file-jobs.ts `probe`): the storage driver built from
// config as src/app.ts builds it, against s3rver, `presignGet`, then `probeMedia` with the options
// the probe job passes. Timed probes go straight to s3rver; one extra probe per file goes through a
// counting proxy to record the HTTP requests and bytes the store served. The same files probed on
// local disk show how much of the cost is ffprobe itself rather than HTTP.
// Run: `npx tsx bench/probe-cost.ts [--runs=5] [--large-mib=2048] [--moov=end,start] [--dry-run]`
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { probeMedia, resolveMediaBinaries, type MediaFields } from '../src/platform/media/index.ts';
import { createStorage, type StorageDriver } from '../src/platform/storage/index.ts';
import { startS3, type TestS3 } from '../test/support/s3.ts';
import { machineLines, markdownTable, recordRun } from './support/benchmarks-md.ts';
import { makeProbeMedia, type MoovPlacement, type ProbeMedia } from './support/probe-cost-media.ts';
import { startCountingProxy, type CountingProxy, type ProxiedRequest } from './support/probe-cost-proxy.ts';
import { MIB } from './support/rss-sampler.ts';
import { median } from './support/stats.ts';

const TARGET_RATIO = 2;
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'large-mib': { type: 'string', default: '2048' },
    moov: { type: 'string', default: 'end,start' }, // where the moov atom sits: end (ffmpeg's default) and/or start (faststart)
    'dry-run': { type: 'boolean', default: false }, // do not write BENCHMARKS.md
  },
});
const runs = Number(args.runs);
const placements = args.moov.split(',') as MoovPlacement[];
const binaries = resolveMediaBinaries({ ffmpegPath: process.env.FFMPEG_PATH, ffprobePath: process.env.FFPROBE_PATH });

interface Case {
  media: ProbeMedia;
  key: string;
  s3Ms: number[];
  localMs: number[];
  requests: ProxiedRequest[];
}

/** probeMedia exactly as the probe job calls it; checks the answer so a failed probe cannot look fast. */
async function timedProbe(input: string, media: ProbeMedia): Promise<number> {
  const started = process.hrtime.bigint();
  const fields: MediaFields = await probeMedia(input, {
    ffprobePath: binaries.ffprobe,
    filename: media.name,
    contentType: 'video/mp4',
    timeoutMs: 120_000,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (fields.fileType !== 'video' || fields.width !== 1280 || Math.abs((fields.duration ?? 0) - media.durationSeconds) > 2) {
    throw new Error(`${media.name}: unexpected probe result ${JSON.stringify(fields)}`);
  }
  return ms;
}

const presign = (storage: StorageDriver, key: string) => storage.presignGet(key, { expiresInSeconds: 900 }) as Promise<string>;

const tmp = await mkdtemp(path.join(os.tmpdir(), 'ffapi-bench-probe-'));
let s3: TestS3 | undefined;
let proxy: CountingProxy | undefined;
const cases: Case[] = [];
try {
  let started = Date.now();
  const made = await makeProbeMedia(binaries.ffmpeg, tmp, Number(args['large-mib']) * MIB, placements);
  console.log(`media made in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  s3 = await startS3();
  proxy = await startCountingProxy(s3.endpoint);
  const config = loadConfig({ ...s3.env });
  const storage = createStorage({ dataDir: tmp, s3: config.s3 });
  const countedStorage = createStorage({ dataDir: tmp, s3: loadConfig({ ...s3.env, S3_ENDPOINT: proxy.url }).s3 });
  started = Date.now();
  for (const media of [...made.small, ...made.large]) {
    const key = `bench/probe-cost/${media.name}`;
    const { size } = await storage.put(key, createReadStream(media.file), { contentType: 'video/mp4', maxBytes: config.maxFileBytes });
    if (size !== media.bytes) throw new Error(`${key}: stored ${size} bytes of ${media.bytes}`);
    cases.push({ media, key, s3Ms: [], localMs: [], requests: [] });
  }
  console.log(`uploaded to s3rver in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  for (const c of cases) await timedProbe(await presign(storage, c.key), c.media); // warm-up: binary, page cache
  for (let run = 1; run <= runs; run++) {
    for (const c of cases) {
      c.s3Ms.push(await timedProbe(await presign(storage, c.key), c.media));
      c.localMs.push(await timedProbe(c.media.file, c.media));
    }
    console.log(`run ${run}: ${cases.map((c) => `${c.media.name} ${c.s3Ms.at(-1)!.toFixed(0)} ms`).join(', ')}`);
  }
  for (const c of cases) {
    proxy.take();
    await timedProbe(await presign(countedStorage, c.key), c.media);
    await new Promise((r) => setTimeout(r, 100)); // lets the proxy see the last bytes in flight
    c.requests = proxy.take().filter((r) => r.method === 'GET');
    console.log(`${c.media.name} (${c.media.bytes} bytes, moov ${c.media.moov.bytes} bytes at ${c.media.moov.offset}):`);
    for (const r of c.requests) console.log(`  GET Range ${r.range} -> ${r.status}, ${r.bytes} bytes`);
  }
} finally {
  await proxy?.stop();
  await s3?.stop();
  await rm(tmp, { recursive: true, force: true });
}

const rows: string[][] = [];
let met = true;
for (const placement of placements) {
  const small = cases.find((c) => c.media.placement === placement && c.media.name.startsWith('small'))!;
  for (const c of cases.filter((c) => c.media.placement === placement)) {
    const ratio = median(c.s3Ms) / median(small.s3Ms);
    if (c !== small && ratio > TARGET_RATIO) met = false;
    const served = c.requests.reduce((sum, r) => sum + r.bytes, 0);
    rows.push([
      `${(c.media.bytes / 1e6).toFixed(1)} MB (${(c.media.bytes / MIB).toFixed(0)} MiB)`,
      placement === 'end' ? 'end' : 'start (faststart)',
      `${(c.media.moov.bytes / 1024).toFixed(0)} KiB`,
      median(c.s3Ms).toFixed(0),
      c === small ? '1.00' : ratio.toFixed(2),
      median(c.localMs).toFixed(0),
      String(c.requests.length),
      `${(served / MIB).toFixed(2)} MiB (${((100 * served) / c.media.bytes).toFixed(2)} %)`,
      c === small ? '' : ratio <= TARGET_RATIO ? 'yes' : '**no**',
    ]);
  }
}
const table = markdownTable(
  ['File', 'moov at', 'moov size', 'S3 probe ms', '÷ 10 MB probe', 'Local-disk probe ms', 'GET requests', 'Bytes served per probe', `≤ ${TARGET_RATIO}×`],
  rows,
);
const section = [
  `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: probe-cost (ffprobe of a stored file against its size)`,
  '',
  ...machineLines('no database (storage and probe only)'),
  '',
  `The worker's probe path in-process: the S3 driver built from config (\`createStorage\`) against s3rver on loopback, ` +
    '`presignGet` (900 s), then `probeMedia` with the probe job\'s options. Files: a 10 s 1280x720 h264 + aac clip at 8 Mbit/s ' +
    'encoded from lavfi sources, and the same clip stream-copied in a loop to ~2 GiB (~35 min); moov at the end is what ffmpeg ' +
    'writes by default and the worst case for range reads, faststart puts it first. S3 probe ms: median wall time of `probeMedia` ' +
    'over the presigned URL. ÷ 10 MB probe: against the 10 MB file with the same moov placement (target: the 2 GB probe within ' +
    `${TARGET_RATIO}× of the 10 MB probe). Local-disk probe ms: the same call on the file on disk. GET requests and bytes served: ` +
    'one extra probe through a counting proxy in front of s3rver (bytes the store sent, which includes what was in flight when ' +
    `ffprobe dropped a connection after a seek). Median of ${runs} run(s), files interleaved, after one warm-up probe each; every ` +
    'probe checked (video, 1280 wide, expected duration).',
  '',
  table,
].join('\n');
console.log(`\n${section}\n`);
if (!args['dry-run']) recordRun(section);
if (!met) console.log(`A 2 GB probe is more than ${TARGET_RATIO}× the 10 MB probe.`);
