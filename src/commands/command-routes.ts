import { z } from 'zod';
import { defineRoute, pageQuery, type RestRoute } from '../http/rest-route.ts';
import { commandToRest, restCommandSchema } from './command-rest.ts';
import { deleteCommandFiles, listCommands, submitCommand, submitCommands, waitForCommand } from './command-service.ts';
import { chainedCommandBody, multipleCommandBody, singleCommandBody, specFromChained, specFromSingle } from './command-spec.ts';

const commandIdBody = z.object({ command_id: z.string() });
const commandIdParams = z.object({ commandId: z.string().describe('The command id (UUID).') });
const SUBMIT_ERRORS = [400, 401, 413, 422, 429];

export const commandRoutes: RestRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/api/v1/run-ffmpeg-command',
    operationId: 'runFfmpegCommand',
    summary: 'Run one FFmpeg command; outputs become files',
    tag: 'Commands',
    body: singleCommandBody,
    response: { status: 200, description: 'Queued; poll Get Command (or ?wait=N) for the result.', schema: commandIdBody },
    errors: SUBMIT_ERRORS,
    handle: async (ctx, { body }) => ({ body: { command_id: await submitCommand(ctx, specFromSingle(body)) } }),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/run-chained-ffmpeg-commands',
    operationId: 'runChainedFfmpegCommands',
    summary: 'Run 1–10 FFmpeg commands in order in one working directory',
    tag: 'Commands',
    body: chainedCommandBody,
    response: { status: 200, description: 'Queued.', schema: commandIdBody },
    errors: SUBMIT_ERRORS,
    handle: async (ctx, { body }) => ({ body: { command_id: await submitCommand(ctx, specFromChained(body)) } }),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/run-multiple-ffmpeg-commands',
    operationId: 'runMultipleFfmpegCommands',
    summary: 'Run 1–10 independent FFmpeg commands in parallel',
    tag: 'Commands',
    body: multipleCommandBody,
    response: { status: 200, description: 'Queued, one id per command in order.', schema: z.object({ command_ids: z.array(z.string()) }) },
    errors: SUBMIT_ERRORS,
    handle: async (ctx, { body }) => {
      const specs = body.commands.map((c) => specFromSingle(c, 'MULTIPLE_COMMAND'));
      const ids = await submitCommands(ctx, specs, specs.map((_, i) => ['body', 'commands', i]));
      return { body: { command_ids: ids } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/commands/:commandId',
    operationId: 'getCommand',
    summary: 'Get a command: status, timings, errors and output files',
    tag: 'Commands',
    params: commandIdParams,
    query: z.object({
      wait: z.coerce.number().int().min(0).max(60).default(0).describe('Seconds to wait for the command to end (0–60)'),
    }),
    response: { status: 200, description: 'The command.', schema: restCommandSchema },
    errors: [400, 401, 404, 429],
    handle: async (ctx, { params, query }) => ({
      body: commandToRest(ctx, await waitForCommand(ctx, params.commandId, query.wait)),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/commands',
    operationId: 'listCommands',
    summary: 'List commands, newest first',
    tag: 'Commands',
    query: pageQuery.extend({
      status: z.enum(['QUEUED', 'PROCESSING', 'SUCCESS', 'FAILED']).optional(),
    }),
    response: {
      status: 200,
      description: 'One page of commands.',
      schema: z.object({ commands: z.array(restCommandSchema), limit: z.number(), offset: z.number(), total: z.number() }),
    },
    errors: [400, 401, 429],
    handle: async (ctx, { query }) => {
      const page = await listCommands(ctx, query);
      return { body: { ...page, commands: page.commands.map((c) => commandToRest(ctx, c)) } };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/v1/commands/:commandId/files',
    operationId: 'deleteCommandFiles',
    summary: "Delete a command's output files (the command is kept)",
    tag: 'Commands',
    params: commandIdParams,
    response: {
      status: 200,
      description: 'Deleted.',
      schema: z.object({ deleted: z.literal(true), files_deleted: z.number() }),
    },
    errors: [401, 404, 429],
    handle: async (ctx, { params }) => {
      const result = await deleteCommandFiles(ctx, params.commandId);
      return { body: { deleted: result.deleted, files_deleted: result.filesDeleted } };
    },
  }),
];
