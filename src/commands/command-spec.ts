import { z } from 'zod';

// Request shapes. zod checks types only (a wrong shape is 400 INVALID_REQUEST); what a well-formed
// request may contain (aliases, placeholders, names, limits) is checked by command-validation (422).
/** Command and preset metadata: string, number or boolean values (at most 10 keys, checked later). */
export const metadataSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
// Size limits of a command, also checked by validateCommandSpec for what does not come through these
// schemas (presets, stored before or sent without them).
export const MAX_FILES = 50;
export const MAX_KEY_LENGTH = 100;
export const MAX_VALUE_LENGTH = 8192;
export const MAX_COMMAND_LENGTH = 64 * 1024;
const fileMap = z
  .record(z.string().max(MAX_KEY_LENGTH), z.string().max(MAX_VALUE_LENGTH))
  .refine((files) => Object.keys(files).length <= MAX_FILES, `at most ${MAX_FILES} entries`);
export const commandText = z.string().max(MAX_COMMAND_LENGTH);

export const commandFields = {
  input_files: fileMap.describe('in_<name>: an http(s) URL, a storage_url of this service, or a file_id'),
  output_files: fileMap.describe('out_<name>: a bare output file name with an extension'),
  metadata: metadataSchema.nullish().describe('At most 10 keys; string, number or boolean values'),
  webhook_url: z.string().max(MAX_VALUE_LENGTH).nullish().describe('POSTed when the command ends; else the account webhook'),
  max_command_run_seconds: z.number().int().nullish().describe('Wall-clock limit (default 300)'),
};

export const singleCommandBody = z.object({
  ...commandFields,
  ffmpeg_command: commandText.describe('FFmpeg arguments with {{in_x}}/{{out_x}} placeholders; a leading "ffmpeg" is optional'),
});
export const chainedCommandBody = z.object({
  ...commandFields,
  ffmpeg_commands: z.array(commandText).max(100).describe('1–10 commands run in order in one working directory'),
});
export const multipleCommandBody = z.object({
  commands: z.array(singleCommandBody).max(100).describe('1–10 independent commands run in parallel'),
});

export type SingleCommandBody = z.infer<typeof singleCommandBody>;
export type ChainedCommandBody = z.infer<typeof chainedCommandBody>;

export type CommandKind = 'FFMPEG_COMMAND' | 'CHAINED_COMMAND' | 'MULTIPLE_COMMAND';
export type Metadata = Record<string, string | number | boolean>;

/** One command to run, whichever route or preset it came from. */
export interface CommandSpec {
  type: CommandKind;
  inputFiles: Record<string, string>;
  outputFiles: Record<string, string>;
  commands: string[];
  metadata: Metadata | null;
  webhookUrl: string | null;
  maxRunSeconds: number | null;
}

export function specFromSingle(body: SingleCommandBody, type: CommandKind = 'FFMPEG_COMMAND'): CommandSpec {
  return {
    type,
    inputFiles: body.input_files,
    outputFiles: body.output_files,
    commands: [body.ffmpeg_command],
    metadata: body.metadata ?? null,
    webhookUrl: body.webhook_url || null, // "" is no webhook URL (the account's applies)
    maxRunSeconds: body.max_command_run_seconds ?? null,
  };
}

export function specFromChained(body: ChainedCommandBody): CommandSpec {
  return { ...specFromSingle({ ...body, ffmpeg_command: '' }), type: 'CHAINED_COMMAND', commands: body.ffmpeg_commands };
}

/** The request as the client sent it, kept on the command and shown as original_request. */
export function originalRequestOf(spec: CommandSpec): Record<string, unknown> {
  const commands = spec.type === 'CHAINED_COMMAND' ? { ffmpeg_commands: spec.commands } : { ffmpeg_command: spec.commands[0] };
  return { input_files: spec.inputFiles, output_files: spec.outputFiles, ...commands };
}
