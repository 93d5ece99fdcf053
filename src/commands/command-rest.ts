import { z } from 'zod';
import type { File } from '../generated/prisma/client.ts';
import { fileToRest, restFileSchema } from '../files/file-rest.ts';
import type { Deps } from '../platform/context.ts';
import { metadataSchema } from './command-spec.ts';
import type { CommandWithOutputs } from './command-service.ts';

/** The Command as RenderIO's REST API shows it (also the `data` of a webhook). */
export function commandToRest(deps: Pick<Deps, 'signer'>, command: CommandWithOutputs) {
  const outputs: Record<string, ReturnType<typeof fileToRest>> = {};
  for (const file of command.outputFiles as File[]) {
    if (file.outputAlias) outputs[file.outputAlias] = fileToRest(deps, file);
  }
  return {
    command_id: command.id,
    status: command.status,
    command_type: command.commandType,
    progress: command.progress,
    total_processing_seconds: command.totalProcessingSeconds,
    ffmpeg_command_run_seconds: command.ffmpegRunSeconds,
    metadata: command.metadata ?? null,
    error_status: command.errorStatus,
    error_message: command.errorMessage,
    output_files: outputs,
    original_request: command.originalRequest,
    created_at: command.createdAt.toISOString(),
    started_at: command.startedAt?.toISOString() ?? null,
    completed_at: command.completedAt?.toISOString() ?? null,
  };
}

export const restCommandSchema = z.object({
  command_id: z.string(),
  status: z.enum(['QUEUED', 'PROCESSING', 'SUCCESS', 'FAILED']),
  command_type: z.enum(['FFMPEG_COMMAND', 'CHAINED_COMMAND', 'MULTIPLE_COMMAND']),
  progress: z.number().nullable().describe('Percent done while PROCESSING (coarse); 100 at SUCCESS'),
  total_processing_seconds: z.number().nullable(),
  ffmpeg_command_run_seconds: z.number().nullable(),
  metadata: metadataSchema.nullable(),
  error_status: z.string().nullable().describe('FFMPEG_ERROR, TIMEOUT, UNREACHABLE_INPUT_FILE, OUTPUT_MISSING, ...'),
  error_message: z.string().nullable().describe("For FFMPEG_ERROR, the tail of FFmpeg's stderr"),
  output_files: z.record(z.string(), restFileSchema).describe('out_x: the stored output File'),
  original_request: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
});
