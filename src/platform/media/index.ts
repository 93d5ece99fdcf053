// The FFmpeg edge of the service: find the binaries, and turn ffprobe output into File media fields.
export { resolveMediaBinaries, type MediaBinaries, type MediaBinaryOptions } from './binaries.ts';
export {
  probeMedia,
  mediaFieldsFromProbe,
  MediaProbeTimeoutError,
  type MediaFields,
  type MediaFileType,
  type ProbeOptions,
} from './probe.ts';
