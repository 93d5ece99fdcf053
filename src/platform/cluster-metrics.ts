import cluster, { type Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client';

// With HTTP_PROCESSES > 1 a scrape reaches one HTTP process, but request counts are spread over all
// of them and the job metrics live in the primary, which serves no HTTP. So an HTTP process hands
// the scrape to the primary, which collects every HTTP process's metrics, adds its own and merges
// them: counters and histograms are summed, prom-client's default process metrics use their own
// aggregators. Plain IPC messages over node:cluster's channel; no port, no file.

const SCRAPE = 'ffapi:metrics-scrape';
const SCRAPED = 'ffapi:metrics-scraped';
const COLLECT = 'ffapi:metrics-collect';
const COLLECTED = 'ffapi:metrics-collected';
/** A child that does not answer within this is left out of the scrape, which still answers. */
const COLLECT_TIMEOUT_MS = 2_000;
const SCRAPE_TIMEOUT_MS = 5_000;

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
  const collecting = new Map<string, (metrics: MetricsJson) => void>();
  cluster.on('message', (worker: Worker, message: Message) => {
    if (message?.type === COLLECTED && typeof message.id === 'string') collecting.get(message.id)?.(message.metrics ?? []);
    if (message?.type !== SCRAPE || typeof message.id !== 'string') return;
    const id = message.id;
    merged().then(
      (text) => worker.isConnected() && worker.send({ type: SCRAPED, id, text }),
      (err: unknown) => worker.isConnected() && worker.send({ type: SCRAPED, id, error: String(err) }),
    );
  });

  async function merged(): Promise<string> {
    await beforeScrape();
    const parts = await Promise.all([registry.getMetricsAsJSON() as Promise<MetricsJson>, ...connectedChildren().map(collectFrom)]);
    return AggregatorRegistry.aggregate(parts.filter((part): part is MetricsJson => part !== undefined)).metrics();
  }

  function collectFrom(worker: Worker): Promise<MetricsJson | undefined> {
    const id = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(undefined), COLLECT_TIMEOUT_MS);
      function finish(metrics: MetricsJson | undefined) {
        clearTimeout(timer);
        collecting.delete(id);
        resolve(metrics);
      }
      collecting.set(id, finish);
      worker.send({ type: COLLECT, id }, (err) => err && finish(undefined));
    });
  }
}

function connectedChildren(): Worker[] {
  return Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && w.isConnected());
}

/** HTTP process: hands its registry to the primary's collections. */
export function answerMetricCollections(registry: Registry): void {
  process.on('message', (message: Message) => {
    if (message?.type !== COLLECT || typeof message.id !== 'string') return;
    const id = message.id;
    (registry.getMetricsAsJSON() as Promise<MetricsJson>).then(
      (metrics) => process.connected && process.send!({ type: COLLECTED, id, metrics }),
      () => process.connected && process.send!({ type: COLLECTED, id, metrics: [] }),
    );
  });
}

/** HTTP process: the merged metrics of the whole cluster, as the primary answers them. */
export function scrapeThroughPrimary(): Promise<string> {
  const id = randomUUID();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error('the primary did not answer the metrics scrape')), SCRAPE_TIMEOUT_MS);
    const onMessage = (message: Message) => {
      if (message?.type !== SCRAPED || message.id !== id) return;
      done(message.error === undefined ? undefined : new Error(message.error), message.text);
    };
    function done(err: Error | undefined, text?: string) {
      clearTimeout(timer);
      process.off('message', onMessage);
      if (err) reject(err);
      else resolve(text ?? '');
    }
    process.on('message', onMessage);
    if (!process.send || !process.connected) done(new Error('no channel to the primary'));
    else process.send({ type: SCRAPE, id }, undefined, {}, (err: Error | null) => err && done(err));
  });
}
