import type { Job } from 'pg-boss';
import { z } from 'zod';
import type { Deps } from '../platform/context.ts';
import { defineJob, isLastAttempt, type JobWorker } from '../platform/queue.ts';
import { sandboxChoice } from './sandbox/index.ts';
import { runCommand } from './command-runner.ts';
import { failAbandonedCommand } from './command-finish.ts';

const commandPayload = z.object({ commandId: z.uuid() });
type CommandPayload = z.infer<typeof commandPayload>;

export const commandDeadLetterJob = defineJob({
  name: 'command.dead',
  payload: commandPayload,
  options: { retryLimit: 5, retryDelay: 5, expireInSeconds: 60 },
});

export const runCommandJob = defineJob({
  name: 'command.run',
  payload: commandPayload,
  options: {
    // A command is retried only when its worker dies (or an input download fails transiently);
    // FFmpeg's own failures are final and end the command FAILED without a retry.
    retryLimit: 2,
    retryDelay: 2,
    retryBackoff: true,
    expireInSeconds: 86_400, // the operator maximum of max_command_run_seconds; a dead worker is found by its heartbeat
    heartbeatSeconds: 10,
    deadLetter: commandDeadLetterJob.name,
  },
});

export const commandJobDefinitions = [commandDeadLetterJob, runCommandJob];

export function commandJobWorkers(
  deps: Deps,
  sandbox = sandboxChoice(deps.config.sandbox, deps.log, { ffmpegPath: deps.media.ffmpeg }),
): JobWorker<CommandPayload>[] {
  return [
    {
      definition: runCommandJob,
      concurrency: deps.config.workerConcurrency,
      long: true,
      handle: async ({ commandId }, job: Job<unknown>) => {
        let chosen: 'bwrap' | 'none';
        try {
          chosen = await sandbox();
        } catch (err) {
          // SANDBOX=bwrap and bubblewrap fails here. The job's retries come within seconds, while the
          // verdict stands for a minute: they would only end the command as WORKER_LOST, which it is not.
          deps.log.error({ err, commandId }, 'a command was refused: SANDBOX=bwrap, and bubblewrap does not work on this worker');
          await failAbandonedCommand(deps, commandId, {
            errorStatus: 'SANDBOX_UNAVAILABLE',
            errorMessage: 'FFmpeg could not be started in its sandbox on this worker; the operator has been told. Try again later.',
            completedAt: new Date(),
          });
          return;
        }
        await runCommand(deps, chosen, commandId, job, isLastAttempt(job, runCommandJob));
      },
    },
    {
      definition: commandDeadLetterJob,
      handle: async ({ commandId }) => {
        await failAbandonedCommand(deps, commandId, {
          errorStatus: 'WORKER_LOST',
          errorMessage: 'The command stopped and did not finish after every retry.',
          completedAt: new Date(),
        });
      },
    },
  ];
}
