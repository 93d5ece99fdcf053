import { commandJobDefinitions, commandJobWorkers } from './commands/command-jobs.ts';
import { fileJobDefinitions, fileJobWorkers } from './files/file-jobs.ts';
import { sweepJob, sweepJobWorkers } from './maintenance/sweep.ts';
import type { Deps } from './platform/context.ts';
import type { JobDefinition, JobWorker } from './platform/queue.ts';
import { webhookJobDefinitions, webhookJobWorkers } from './webhooks/webhook-jobs.ts';

/** Every queue, in creation order (a dead-letter queue before the queues that use it). */
export const jobDefinitions: JobDefinition<any>[] = [...fileJobDefinitions, ...commandJobDefinitions, ...webhookJobDefinitions, sweepJob];

export function jobWorkers(deps: Deps): JobWorker<any>[] {
  return [...fileJobWorkers(deps), ...commandJobWorkers(deps), ...webhookJobWorkers(deps), ...sweepJobWorkers(deps)];
}
