import { randomUUID } from 'node:crypto';
import type { Command, File, Prisma } from '../generated/prisma/client.ts';
import { fileStoragePrefix } from '../files/file-names.ts';
import { publishFileStatus } from '../files/file-status.ts';
import type { ServiceContext } from '../platform/context.ts';
import { eventsOrTicks } from '../platform/events.ts';
import { notFound, validationError } from '../platform/errors.ts';
import { isUuid } from '../platform/ids.ts';
import { runCommandJob } from './command-jobs.ts';
import { COMMAND_RECHECK_MS, publishCommandStatus, TERMINAL_COMMAND_STATUSES } from './command-status.ts';
import { originalRequestOf, type CommandSpec } from './command-spec.ts';
import { validateCommandSpec } from './command-validation.ts';

export type CommandWithOutputs = Command & { outputFiles: File[] };
const withOutputs = { outputFiles: { orderBy: { outputAlias: 'asc' } } } satisfies Prisma.CommandInclude;

/** Validates every spec first (nothing is stored when one is wrong), then stores and enqueues them together. */
export async function submitCommands(ctx: ServiceContext, specs: CommandSpec[], locs: (string | number)[][]): Promise<string[]> {
  if (specs.length < 1 || specs.length > 10) {
    throw validationError('commands must hold 1 to 10 commands', [{ loc: ['body', 'commands'], msg: 'must hold 1 to 10 commands', type: 'value_error' }]);
  }
  const limits: number[] = [];
  for (const [i, spec] of specs.entries()) limits.push(await validateCommandSpec(ctx, spec, locs[i]));
  const ids = specs.map(() => randomUUID());
  await ctx.db.$transaction(async (tx) => {
    for (const [i, spec] of specs.entries()) {
      await tx.command.create({
        data: {
          id: ids[i]!,
          accountId: ctx.accountId,
          commandType: spec.type,
          originalRequest: originalRequestOf(spec) as Prisma.InputJsonValue,
          metadata: (spec.metadata ?? undefined) as Prisma.InputJsonValue | undefined,
          webhookUrl: spec.webhookUrl,
          maxRunSeconds: limits[i]!,
        },
      });
      await ctx.queue.send(runCommandJob, { commandId: ids[i]! }, tx);
    }
  });
  return ids;
}

export async function submitCommand(ctx: ServiceContext, spec: CommandSpec): Promise<string> {
  const [id] = await submitCommands(ctx, [spec], [['body']]);
  return id!;
}

export async function getCommand(ctx: ServiceContext, commandId: string): Promise<CommandWithOutputs> {
  if (!isUuid(commandId)) throw notFound('Command');
  const command = await ctx.db.command.findFirst({ where: { id: commandId, accountId: ctx.accountId }, include: withOutputs });
  if (!command) throw notFound('Command');
  return command;
}

export async function listCommands(ctx: ServiceContext, input: { limit: number; offset: number; status?: Command['status'] }) {
  const where = { accountId: ctx.accountId, ...(input.status ? { status: input.status } : {}) };
  const [commands, total] = await Promise.all([
    ctx.db.command.findMany({
      where,
      include: withOutputs,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: input.limit,
      skip: input.offset,
    }),
    ctx.db.command.count({ where }),
  ]);
  return { commands, total, limit: input.limit, offset: input.offset };
}

/** Answers as soon as the command is terminal, or after waitSeconds with its state then. */
export async function waitForCommand(ctx: ServiceContext, commandId: string, waitSeconds: number): Promise<CommandWithOutputs> {
  let command = await getCommand(ctx, commandId);
  if (waitSeconds <= 0 || TERMINAL_COMMAND_STATUSES.has(command.status)) return command;
  const events = ctx.events.subscribe('command', command.id);
  const timer = setTimeout(() => void events.return?.(), waitSeconds * 1000);
  try {
    command = await getCommand(ctx, commandId); // a change between the first read and subscribing
    if (TERMINAL_COMMAND_STATUSES.has(command.status)) return command;
    for await (const event of eventsOrTicks(events, COMMAND_RECHECK_MS)) {
      if (event && TERMINAL_COMMAND_STATUSES.has(event.status)) break;
      if (event?.progress !== undefined) continue;
      // A tick, or RECONNECTED after the listener was down: the end may have gone unannounced.
      command = await getCommand(ctx, commandId);
      if (TERMINAL_COMMAND_STATUSES.has(command.status)) return command;
    }
    return await getCommand(ctx, commandId);
  } finally {
    clearTimeout(timer);
    await events.return?.();
  }
}

/**
 * Removes every output file's bytes and marks them deleted; the command itself is kept. On a command
 * still QUEUED or PROCESSING, the outputs it stores later are stored deleted (see storeOutput).
 */
export async function deleteCommandFiles(ctx: ServiceContext, commandId: string): Promise<{ deleted: true; filesDeleted: number }> {
  const command = await getCommand(ctx, commandId);
  const live = await ctx.db.$transaction(async (tx) => {
    // Waits for outputs being recorded now (they hold the row FOR SHARE), so they are among those read next.
    await tx.command.update({ where: { id: command.id }, data: { outputsDeletedAt: command.outputsDeletedAt ?? new Date() } });
    return tx.file.updateManyAndReturn({
      where: { commandId: command.id, accountId: ctx.accountId, isDeleted: false },
      data: { isDeleted: true, deletedAt: new Date() },
      select: { id: true, accountId: true },
    });
  });
  // Announced before the bytes go: should a storage delete fail, the files are deleted already and
  // no process may keep showing them as live.
  await Promise.all(live.map((f) => publishFileStatus(ctx, f.id)));
  await Promise.all(live.map((f) => ctx.storage.deletePrefix(fileStoragePrefix(f.accountId, f.id))));
  await publishCommandStatus(ctx, command.id, command.status);
  return { deleted: true, filesDeleted: live.length };
}
