import { z } from 'zod';
import type { File } from '../generated/prisma/client.ts';
import type { ServiceContext } from '../platform/context.ts';
import { sizeMbytes, storageUrlOf } from './files-service.ts';

/** The File as RenderIO's REST API shows it: every field present, null where unknown. */
export function fileToRest(ctx: Pick<ServiceContext, 'signer'>, file: File) {
  return {
    file_id: file.id,
    storage_url: storageUrlOf(ctx, file),
    status: file.status,
    rendi_store_type: file.storeType,
    is_deleted: file.isDeleted,
    original_file_url: file.originalFileUrl,
    filename: file.filename,
    size_mbytes: sizeMbytes(file.sizeBytes),
    duration: file.duration,
    file_type: file.fileType,
    file_format: file.fileFormat,
    codec: file.codec,
    pixel_format: file.pixelFormat,
    mime_type: file.mimeType,
    width: file.width,
    height: file.height,
    frame_rate: file.frameRate,
    bitrate_video_kb: file.bitrateVideoKb,
    bitrate_audio_kb: file.bitrateAudioKb,
    sample_rate: file.sampleRate,
    channels: file.channels,
    error_status: file.errorStatus,
    error_message: file.errorMessage,
    created_at: file.createdAt.toISOString(),
  };
}

const nullableNumber = z.number().nullable();
const nullableString = z.string().nullable();

export const restFileSchema = z.object({
  file_id: z.string(),
  storage_url: nullableString.describe('Direct download URL; null until STORED and after delete.'),
  status: z.enum(['PROCESSING', 'STORED', 'FAILED']),
  rendi_store_type: z.enum(['OUTPUT', 'STORED_FILE', 'UPLOAD']),
  is_deleted: z.boolean(),
  original_file_url: nullableString,
  filename: z.string(),
  size_mbytes: nullableNumber,
  duration: nullableNumber,
  file_type: nullableString,
  file_format: nullableString,
  codec: nullableString,
  pixel_format: nullableString,
  mime_type: nullableString,
  width: nullableNumber,
  height: nullableNumber,
  frame_rate: nullableNumber,
  bitrate_video_kb: nullableNumber,
  bitrate_audio_kb: nullableNumber,
  sample_rate: nullableNumber,
  channels: nullableNumber,
  error_status: nullableString,
  error_message: nullableString,
  created_at: z.string(),
});
