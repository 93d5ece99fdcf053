import cluster, { type Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client';

// With HTTP_PROCESSES > 1 a scrape reaches one HTTP process, but request counts are spread over all
// of them and the job metrics live in the primary, which serves no HTTP. So an HTTP process hands
// the scrape to the primary, which collects every ready HTTP process's metrics, adds its own and
// merges them with prom-client's aggregate(): summed, except the few default metrics that name
// another rule (event-loop lag is averaged, the version taken once, the start time left out).
// Plain IPC messages over node:cluster's channel; no port, no file.

/** Set in the environment of the HTTP processes the primary forks (not by other cluster managers). */
export const HTTP_CHILD_ENV = 'FFAPI_HTTP_CHILD';
export const isHttpChild = () => cluster.isWorker && process.env[HTTP_CHILD_ENV] === '1';

const READY = 'ffapi:metrics-ready';
const SCRAPE = 'ffapi:metrics-scrape';
const SCRAPED = 'ffapi:metrics-scraped';
const COLLECT = 'ffapi:metrics-collect';
const COLLECTED = 'ffapi:metrics-collected';
/** A child that does not answer within this is counted with its last answer; the scrape still answers. */
const COLLECT_TIMEOUT_MS = 2_000;
const REFRESH_TIMEOUT_MS = 1_000;
const SCRAPE_TIMEOUT_MS = 5_000;
const ignoreSendError = () => undefined;

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];
interface Message {
  type?: unknown;
  id?: unknown;
  metrics?: MetricsJson;
  text?: string;
  error?: string;
}

/** Primary: answers its HTTP processes' scrapes; beforeScrape refreshes its own gauges first. */
export function serveClusterScrapes(registry: Registry, beforeScrape: () => Promise<void>): void {
  const ready = new Map<number, { worker: Worker; last: MetricsJson }>();
  const collecting = new Map<string, (metrics: MetricsJson | undefined) => void>();
  // Counters of HTTP processes that exited, so that a sum never goes down (Prometheus would read
  // that as a reset). Gauges of a gone process are dropped with it.
  let departed: MetricsJson[] = [];
  let inFlight: Promise<string> | undefined;

  cluster.on('message', (worker: Worker, message: Message) => {
    if (message?.type === READY) ready.set(worker.id, { worker, last: [] });
    if (message?.type === COLLECTED && typeof message.id === 'string') collecting.get(message.id)?.(message.metrics ?? []);
    if (message?.type !== SCRAPE || typeof message.id !== 'string') return;
    const id = message.id;
    // Concurrent scrapes share one collection.
    inFlight ??= merged().finally(() => (inFlight = undefined));
    inFlight.then(
      (text) => worker.isConnected() && worker.send({ type: SCRAPED, id, text }, ignoreSendError),
      (err: unknown) => worker.isConnected() && worker.send({ type: SCRAPED, id, error: String(err) }, ignoreSendError),
    );
  });
  cluster.on('exit', (worker: Worker) => {
    const gone = ready.get(worker.id);
    ready.delete(worker.id);
    if (gone) departed.push(gone.last.filter((m) => ['counter', 'histogram'].includes(String(m.type))));
  });

  async function merged(): Promise<string> {
    const refreshed = Promise.race([beforeScrape(), new Promise((resolve) => setTimeout(resolve, REFRESH_TIMEOUT_MS).unref())]);
    const answers = await Promise.all([...ready.entries()].map(async ([id, child]) => ({ id, metrics: await collectFrom(child) })));
    // A child that exited meanwhile is already among the departed: counting it twice here would
    // make the next scrape's sum go down.
    const children = answers.filter(({ id }) => ready.has(id)).map(({ metrics }) => metrics);
    await refreshed;
    const own = (await registry.getMetricsAsJSON()) as MetricsJson;
    if (departed.length > 1) {
      // One entry for all the gone processes keeps this bounded however often children restart.
      const folded = departed;
      const one = (await AggregatorRegistry.aggregate(folded).getMetricsAsJSON()) as MetricsJson;
      departed = [one, ...departed.slice(folded.length)];
    }
    return AggregatorRegistry.aggregate([own, ...departed, ...children]).metrics();
  }

  function collectFrom(child: { worker: Worker; last: MetricsJson }): Promise<MetricsJson> {
    const id = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(undefined), COLLECT_TIMEOUT_MS);
      const onGone = () => finish(undefined);
      function finish(metrics: MetricsJson | undefined) {
        clearTimeout(timer);
        collecting.delete(id);
        child.worker.off('disconnect', onGone);
        if (metrics) child.last = metrics;
        resolve(child.last);
      }
      collecting.set(id, finish);
      child.worker.once('disconnect', onGone);
      child.worker.send({ type: COLLECT, id }, (err: Error | null) => err && finish(undefined));
    });
  }
}

/** HTTP process: tells the primary it is ready, then hands its registry to the primary's collections. */
export function answerMetricCollections(registry: Registry): void {
  process.on('message', (message: Message) => {
    if (message?.type !== COLLECT || typeof message.id !== 'string') return;
    const id = message.id;
    (registry.getMetricsAsJSON() as Promise<MetricsJson>).then(
      (metrics) => process.connected && process.send!({ type: COLLECTED, id, metrics }, undefined, {}, ignoreSendError),
      () => process.connected && process.send!({ type: COLLECTED, id, metrics: [] }, undefined, {}, ignoreSendError),
    );
  });
  if (process.connected) process.send!({ type: READY }, undefined, {}, ignoreSendError);
}

const scrapes = new Map<string, (message: Message) => void>();
let scrapeListener = false;

/** HTTP process: the merged metrics of the whole cluster, as the primary answers them. */
export function scrapeThroughPrimary(): Promise<string> {
  if (!scrapeListener) {
    scrapeListener = true;
    process.on('message', (message: Message) => {
      if (message?.type === SCRAPED && typeof message.id === 'string') scrapes.get(message.id)?.(message);
    });
  }
  const id = randomUUID();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done({ error: 'the primary did not answer the metrics scrape' }), SCRAPE_TIMEOUT_MS);
    function done(message: Message) {
      clearTimeout(timer);
      scrapes.delete(id);
      if (message.error !== undefined) reject(new Error(message.error));
      else resolve(message.text ?? '');
    }
    scrapes.set(id, done);
    if (!process.send || !process.connected) done({ error: 'no channel to the primary' });
    else process.send({ type: SCRAPE, id }, undefined, {}, (err: Error | null) => err && done({ error: err.message }));
  });
}
