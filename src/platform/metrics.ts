import type { ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process, served at /metrics. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const routes = new WeakMap<ServerResponse, string>();
  const metrics = {
    registry,
    httpRequests: new Counter({
      name: 'ffapi_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'ffapi_http_request_duration_seconds',
      help: 'HTTP request latency by method and route',
      labelNames: ['method', 'route'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    jobOutcomes: new Counter({
      name: 'ffapi_job_outcomes_total',
      help: 'Finished jobs by queue and outcome (completed, failed)',
      labelNames: ['queue', 'outcome'] as const,
      registers: [registry],
    }),
    ffmpegSeconds: new Counter({
      name: 'ffapi_ffmpeg_seconds_total',
      help: 'Wall-clock seconds FFmpeg ran for commands, by result',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'ffapi_queue_depth',
      help: 'Jobs waiting or running per queue, as of the last scrape',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
    }),
    // 1 in every process, summed when an HTTP cluster merges its processes' metrics: a scrape says
    // how many processes it covers, and a missing one shows.
    processes: new Gauge({
      name: 'ffapi_scrape_processes',
      help: 'Processes whose metrics this scrape merged (the primary and each HTTP process; 1 without HTTP_PROCESSES)',
      registers: [registry],
    }),
    /** Names the route template a response answered (a bounded label, unlike raw paths). */
    labelRoute(res: ServerResponse, route: string) {
      routes.set(res, route);
    },
    routeOf(res: ServerResponse): string {
      return routes.get(res) ?? 'other';
    },
  };
  metrics.processes.set(1);
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Sets the queue-depth gauge from the queue's own counts; called at each scrape. */
export async function refreshQueueDepths(
  metrics: Metrics,
  queues: () => Promise<{ name: string; queuedCount: number; activeCount: number }[]>,
): Promise<void> {
  for (const queue of await queues()) {
    metrics.queueDepth.set({ queue: queue.name, state: 'queued' }, queue.queuedCount);
    metrics.queueDepth.set({ queue: queue.name, state: 'active' }, queue.activeCount);
  }
}
