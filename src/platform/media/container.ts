/** What containerName needs to know about a probed file beyond ffprobe's demuxer name. */
export interface ContainerFacts {
  majorBrand: unknown;
  audioOnly: boolean;
  /** codec_name of every stream. */
  codecs: string[];
  /** codec_name of the picture stream (not cover art), if any. */
  pictureCodec: string | null;
}

const ISO_BMFF_EXTENSIONS = new Set(['mp4', 'mov', 'm4a', 'm4v', '3gp', '3g2', 'mj2']);
const MATROSKA_EXTENSIONS = new Set(['mkv', 'mka', 'mk3d']);
const WEBM_CODECS = new Set(['vp8', 'vp9', 'av1', 'opus', 'vorbis', 'webvtt']);

// Container MIME: [when the file has a picture, when it is audio only].
const CONTAINER_MIME: Record<string, [string, string]> = {
  mp4: ['video/mp4', 'audio/mp4'],
  m4a: ['audio/mp4', 'audio/mp4'],
  m4v: ['video/x-m4v', 'video/x-m4v'],
  mov: ['video/quicktime', 'video/quicktime'],
  '3gp': ['video/3gpp', 'audio/3gpp'],
  '3g2': ['video/3gpp2', 'audio/3gpp2'],
  webm: ['video/webm', 'audio/webm'],
  matroska: ['video/x-matroska', 'audio/x-matroska'],
  ogg: ['video/ogg', 'audio/ogg'],
  mp3: ['audio/mpeg', 'audio/mpeg'],
  wav: ['audio/wav', 'audio/wav'],
  flac: ['audio/flac', 'audio/flac'],
  aac: ['audio/aac', 'audio/aac'],
  avi: ['video/x-msvideo', 'video/x-msvideo'],
  flv: ['video/x-flv', 'video/x-flv'],
  mpegts: ['video/mp2t', 'video/mp2t'],
  mpeg: ['video/mpeg', 'audio/mpeg'],
  png: ['image/png', 'image/png'],
  jpeg: ['image/jpeg', 'image/jpeg'],
  webp: ['image/webp', 'image/webp'],
  gif: ['image/gif', 'image/gif'],
  bmp: ['image/bmp', 'image/bmp'],
  tiff: ['image/tiff', 'image/tiff'],
};

/** The MIME type of a container named by containerName, or null when it has no fixed one. */
export function containerMimeType(fileFormat: string, audioOnly: boolean): string | null {
  const types = CONTAINER_MIME[fileFormat];
  return types ? types[audioOnly ? 1 : 0] : null;
}

/**
 * The short container name a user expects, from ffprobe's demuxer name plus the file's own name:
 * - the ISO-BMFF family ("mov,mp4,m4a,3gp,3g2,mj2"): the extension when it is one of the family,
 *   else the major brand ("qt" mov, "M4A" m4a, "M4V" m4v, "3g2*" 3g2, "3g*" 3gp, "mj2*" mj2),
 *   else m4a for audio only and mp4 otherwise (isom, mp41, mp42, avc1, dash, ...);
 * - "matroska,webm": webm for .webm, matroska for .mkv/.mka/.mk3d, otherwise webm only when every
 *   stream uses a WebM codec (VP8/VP9/AV1, Opus/Vorbis);
 * - image2 (a single picture file): jpeg for mjpeg, else the codec name; "<x>_pipe" is x;
 * - anything else: the first name ffprobe lists (mp3, wav, ogg, flac, gif, avi, mpegts, ...).
 */
export function containerName(formatName: string, filename: string, facts: ContainerFacts): string {
  const ext = extensionOf(filename);
  if (formatName.startsWith('mov,mp4')) {
    if (ISO_BMFF_EXTENSIONS.has(ext)) return ext;
    const brand = typeof facts.majorBrand === 'string' ? facts.majorBrand.trim().toLowerCase() : '';
    if (brand === 'qt') return 'mov';
    if (brand === 'm4a' || brand === 'm4b' || brand === 'm4p') return 'm4a';
    if (brand.startsWith('m4v')) return 'm4v';
    if (brand.startsWith('3g2')) return '3g2';
    if (brand.startsWith('3g')) return '3gp';
    if (brand.startsWith('mj2') || brand === 'mjp2') return 'mj2';
    return facts.audioOnly ? 'm4a' : 'mp4';
  }
  if (formatName === 'matroska,webm') {
    if (ext === 'webm') return 'webm';
    if (MATROSKA_EXTENSIONS.has(ext)) return 'matroska';
    return facts.codecs.every((c) => WEBM_CODECS.has(c)) ? 'webm' : 'matroska';
  }
  const first = formatName.split(',')[0] ?? formatName;
  const { pictureCodec } = facts;
  if (first === 'image2' && pictureCodec) return pictureCodec === 'mjpeg' ? 'jpeg' : pictureCodec;
  return first.endsWith('_pipe') ? first.slice(0, -'_pipe'.length) : first;
}

function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot > 0 && dot > filename.lastIndexOf('/') ? filename.slice(dot + 1).toLowerCase() : '';
}
