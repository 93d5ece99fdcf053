// What option values may name, shared by the argument policy and the filter-graph check: no paths
// outside the working directory, no protocols, no device or playlist formats.
export const wordSet = (words: string) => new Set(words.trim().split(/\s+/));

export const DENIED_FORMATS = wordSet(`alsa android_camera audiotoolbox avfoundation bktr caca decklink dshow dv1394 fbdev
  gdigrab iec61883 jack kmsgrab libcdio libdc1394 openal opengl oss pulse sdl sdl2 sndio v4l2 video4linux2
  vfwcap x11grab xcbgrab xv rtp rtp_mpegts rtsp sap sdp whip avisynth vapoursynth`);
// Demuxers that open further files named inside their input; FFmpeg probes them by content too,
// which the sandbox covers, but naming them explicitly is refused.
export const REFERENCING_INPUT_FORMATS = wordSet('hls applehttp dash imf');
export const PROTOCOLS = wordSet(`amqp async bluray cache concat concatf crypto data fd ffrtmpcrypt ffrtmphttp file ftp gopher
  gophers hls http httpproxy https icecast ipfs ipns librist librtmp librtmpe librtmps librtmpt librtmpte
  libsmbclient libsrt libssh libzmq md5 mmsh mmst pipe prompeg rist rtmp rtmpe rtmps rtmpt rtmpte rtmpts rtp
  sctp sftp smb srt srtp subfile tcp tee tls udp udplite unix zmq dtls android_content whip`);

const ABSOLUTE = /(^|[=:,|;'"])\//;
const DOT_DOT = /(^|[/\\=:,|;'"\s])\.\.(?=$|[/\\:,|;'"\s])/;
const TILDE = /(^|[=:])~/;
export const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

// FFmpeg reads many option values as key=value lists (av_dict_parse_string, e.g. -x264-params): it
// drops backslashes and trims blanks around each piece, so `stats= /x` and `.\./` are paths too.
// Linear in the value's length: whitespace runs collapse first, so no pattern rescans a long run.
export const asFfmpegReadsIt = (value: string) =>
  value.replace(/[\\'"]/g, '').replace(/\s+/g, ' ').replace(/ ?([=:,|;]) ?/g, '$1').trim();

export function pathProblem(value: string): string | undefined {
  return rawPathProblem(value) ?? rawPathProblem(asFfmpegReadsIt(value));
}

function rawPathProblem(value: string): string | undefined {
  if (/^subfile,/i.test(value)) return 'protocol "subfile" is not allowed';
  if (value.includes('://')) return 'URLs are not allowed; declare the file in input_files';
  if (ABSOLUTE.test(value)) return 'absolute paths are not allowed';
  if (DOT_DOT.test(value)) return '".." path segments are not allowed';
  if (TILDE.test(value)) return '"~" home paths are not allowed';
  if (/protocol_(white|black)list/.test(value)) return 'protocol lists cannot be changed';
  if (value.includes('append_list')) return HLS_APPEND_LIST;
  return undefined;
}

// The only way a muxer reads its output: hls with append_list parses the playlist already there and,
// with delete_segments, deletes the files it names. FFmpeg also takes flags as numbers and
// expressions (`66`, `0x40`, `omit_endlist*4`), so hls_flags may only name its flags.
const HLS_APPEND_LIST = 'hls_flags append_list (reading an existing playlist) is not allowed';
const NAMED_FLAGS = /^[+-]?[a-z_]+(?:[+-][a-z_]+)*$/;
// The hls muxer's flags by name: FFmpeg's flag parser also takes the constants max, min and default,
// and `max` sets every flag, append_list too.
const HLS_FLAGS = wordSet(`single_file temp_file delete_segments round_durations discont_start omit_endlist split_by_time
  program_date_time second_level_segment_index second_level_segment_duration second_level_segment_size periodic_rekey
  independent_segments iframes_only`);

/**
 * A problem with the hls muxer's flags, given as -hls_flags (option) or inside a dictionary value.
 * append_list by name is pathProblem's refusal, which every such value meets first.
 */
export function hlsFlagsProblem(value: string, option?: string): string | undefined {
  const flags = option === 'hls_flags' ? [value] : [...asFfmpegReadsIt(value).matchAll(/(?:^|[^A-Za-z0-9_])hls_flags=([^:,|;]*)/g)].map((m) => m[1]!);
  const numeric = flags.some((text) => !NAMED_FLAGS.test(asFfmpegReadsIt(text)));
  if (numeric) return 'hls_flags must name its flags (single_file+temp_file, …), not give them as numbers';
  const unknown = flags.flatMap((text) => asFfmpegReadsIt(text).split(/[+-]/)).find((name) => name !== '' && !HLS_FLAGS.has(name));
  return unknown === undefined ? undefined : `hls_flags may only name hls flags, not "${unknown}"`;
}

export const schemeProblem = (value: string, allowed: string[] = []) => {
  // FFmpeg's string options are not trimmed, but a leading blank hid "v:0,name:…" from this check.
  const scheme = SCHEME.exec(value.trimStart())?.[1];
  return scheme && !allowed.includes(scheme) ? `protocol "${scheme}:" is not allowed` : undefined;
};

/**
 * A protocol named inside a key=value list (`-format_opts "hls_segment_filename=http:host:1/x"`):
 * FFmpeg opens such a value with the protocol it names, and `http:host` needs no `//`.
 */
export function nestedSchemeProblem(value: string): string | undefined {
  for (const text of [value, asFfmpegReadsIt(value)]) {
    for (const match of text.matchAll(/(?:^|[=:,|;\s'"])([A-Za-z][A-Za-z0-9+.-]*):/g)) {
      const scheme = match[1]!.toLowerCase();
      if (PROTOCOLS.has(scheme) || scheme === 'subfile') return `protocol "${scheme}:" is not allowed`;
    }
  }
  return undefined;
}

/**
 * hls's var_stream_map names variants, and each name replaces %v in the output and segment names
 * after every check: `name:./.` repeated climbed out of the working directory, and `ht%v` with
 * `name:tp:host:1/x` made a URL. Only plain names are accepted, also inside key=value lists.
 */
export function variantNameProblem(value: string, option: string): string | undefined {
  if (option !== 'var_stream_map' && !value.includes('var_stream_map')) return undefined;
  for (const text of [value, asFfmpegReadsIt(value)]) {
    for (const match of text.matchAll(/name:([^,\s]*)/g)) {
      if (!/^[A-Za-z0-9_-]+$/.test(match[1]!)) return `var_stream_map names may only hold letters, digits, _ and -, not "${match[1]}"`;
    }
  }
  return undefined;
}

// Options and dictionary keys that choose a nested muxer (fifo, segment, tee's f=): a device or
// network format is as denied there as after -f.
const NESTED_FORMAT_OPTIONS = wordSet('fifo_format segment_format');

export function nestedFormatProblem(value: string, option: string): string | undefined {
  const formats = NESTED_FORMAT_OPTIONS.has(option)
    ? [value]
    : [...asFfmpegReadsIt(value).matchAll(/(?:^|[^A-Za-z0-9_])(?:fifo_format|segment_format|f)=([^:,|;\]]*)/g)].map((m) => m[1]!);
  const denied = formats.find((format) => isDeniedFormat(format));
  return denied === undefined ? undefined : formatProblem(denied);
}

/** FFmpeg matches a format name without case, and "sdl,sdl2" as the format whose names are those. */
export const formatNames = (format: string) => format.toLowerCase().split(',');
export const isDeniedFormat = (format: string) => formatNames(format).some((name) => DENIED_FORMATS.has(name));
export const isReferencingFormat = (format: string) => formatNames(format).some((name) => REFERENCING_INPUT_FORMATS.has(name));

export function formatProblem(format: string): string | undefined {
  if (isDeniedFormat(format)) return `format "${format}" opens a device or the network, or runs scripts`;
  if (isReferencingFormat(format)) return `input format "${format}" opens files named inside its input`;
  return undefined;
}
