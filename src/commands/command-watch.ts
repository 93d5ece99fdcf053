import type { ServiceContext } from '../platform/context.ts';
import { endingWith, eventsOrTicks, type EventSubscription } from '../platform/events.ts';
import { getCommand, type CommandWithOutputs } from './command-service.ts';
import { COMMAND_RECHECK_MS, TERMINAL_COMMAND_STATUSES } from './command-status.ts';

/**
 * Yields the command now, then at each change until it is SUCCESS or FAILED. Progress events carry
 * the live percent (the database keeps it only coarsely), so they are applied without a read.
 */
export async function watchCommandStatus(ctx: ServiceContext, commandId: string): Promise<AsyncGenerator<CommandWithOutputs>> {
  const { id } = await getCommand(ctx, commandId); // NOT_FOUND before subscribing
  const events = ctx.events.subscribe('command', id);
  return endingWith(events, follow(ctx, commandId, events));
}

async function* follow(ctx: ServiceContext, commandId: string, events: EventSubscription): AsyncGenerator<CommandWithOutputs> {
  try {
    let command = await getCommand(ctx, commandId);
    yield command;
    if (TERMINAL_COMMAND_STATUSES.has(command.status)) return;
    for await (const event of eventsOrTicks(events, COMMAND_RECHECK_MS)) {
      if (event && event.status === command.status && event.progress !== undefined) {
        if (event.progress <= (command.progress ?? 0)) continue;
        command = { ...command, progress: event.progress };
        yield command;
        continue;
      }
      const fresh = await getCommand(ctx, commandId);
      if (fresh.status === command.status) continue; // same status: progress arrives through events
      command = fresh;
      yield command;
      if (TERMINAL_COMMAND_STATUSES.has(command.status)) return;
    }
  } finally {
    await events.return();
  }
}
