import { validationError, type ErrorDetail } from '../platform/errors.ts';
import { exactPlaceholderKey, findPlaceholders } from './placeholders.ts';

export interface ArgumentPolicyOptions {
  inputKeys: string[];
  outputKeys: string[];
  /** Where problems are reported, e.g. ['body', 'ffmpeg_commands', 2]. */
  loc?: (string | number)[];
}

const set = (words: string) => new Set(words.trim().split(/\s+/));

// Options that take no value (FFmpeg's OPT_BOOL and value-less functions). Anything else consumes
// the next argument, as FFmpeg does; a missing entry here only makes the check stricter.
const FLAGS = set(`y n stdin hide_banner report ignore_unknown copy_unknown recast_media benchmark
  benchmark_all dump hex re copyts start_at_zero shortest bitexact xerror copyinkf stats debug_ts
  find_stream_info autorotate autoscale accurate_seek fix_sub_duration fix_sub_duration_heartbeat vn an
  sn dn psnr vstats qphist force_fps print_graphs display_hflip display_vflip auto_conversion_filters`);
const FORBIDDEN: [string, string][] = [
  ['filter_script filter_complex_script graph_file dumpgraph', 'reads a filter graph from a file'],
  ['dump_attachment attach', 'reads or writes files outside the declared inputs and outputs'],
  ['report vstats vstats_file sdp_file stats_enc_pre stats_enc_post stats_mux_pre print_graphs_file', 'writes a log file'],
  ['protocol_whitelist protocol_blacklist', 'changes which protocols FFmpeg may use'],
  ['progress', 'is set by the service'],
  ['fpre vpre apre spre pre', 'reads preset files from the host'],
  ['init_hw_device hwaccel_device vaapi_device qsv_device sources sinks', 'opens a host device'],
  ['enable_drefs use_absolute_path allowed_extensions allowed_segment_extensions extension_picky hls_key_info_file',
    'lets FFmpeg open files named inside an input'],
  ['stdin', 'reads standard input'],
];
const FORBIDDEN_OPTIONS = new Map(FORBIDDEN.flatMap(([names, why]) => [...set(names)].map((n) => [n, why] as const)));
// `graph` is the lavfi input's own filter graph option (-f lavfi -graph ...).
const FILTER_GRAPH_OPTIONS = set('vf af filter filter_complex lavfi graph');
// Options whose value FFmpeg opens as a file: only a placeholder or a plain name in the working directory.
const FILE_OPTIONS = set(`passlogfile hls_segment_filename hls_fmp4_init_filename segment_list master_pl_name
  init_seg_name media_seg_name`);
const TEXT_OPTIONS = set('metadata');
const VALUE_PREFIXES = new Map([['force_key_frames', ['expr']]]);
const DENIED_FORMATS = set(`alsa android_camera audiotoolbox avfoundation bktr caca decklink dshow dv1394 fbdev
  gdigrab iec61883 jack kmsgrab libcdio libdc1394 openal opengl oss pulse sdl sdl2 sndio v4l2 video4linux2
  vfwcap x11grab xcbgrab xv rtp rtp_mpegts rtsp sap sdp whip avisynth vapoursynth`);
// Demuxers that open further files named inside their input; FFmpeg probes them by content too,
// which the sandbox covers, but naming them explicitly is refused.
const REFERENCING_INPUT_FORMATS = set('hls applehttp dash imf');
const PROTOCOLS = set(`amqp async bluray cache concat concatf crypto data fd ffrtmpcrypt ffrtmphttp file ftp gopher
  gophers hls http httpproxy https icecast ipfs ipns librist librtmp librtmpe librtmps librtmpt librtmpte
  libsmbclient libsrt libssh libzmq md5 mmsh mmst pipe prompeg rist rtmp rtmpe rtmps rtmpt rtmpte rtmpts rtp
  sctp sftp smb srt srtp subfile tcp tee tls udp udplite unix zmq dtls android_content whip`);

// Filters that read (or write) files, one per line: `names: positional options ; key-only options |
// aliases`. Positional values map to options in FFmpeg's declaration order (values past the list are
// refused, so a version that reorders later options cannot slip one through); `*` marks a file option,
// whose value must be exactly a declared placeholder.
const FILE_FILTER_SPEC = `
  movie amovie: filename* format_name stream_index seek_point streams loop discontinuity dec_threads format_opts | f=format_name si=stream_index sp=seek_point s=streams
  subtitles: filename* original_size fontsdir* alpha charenc stream_index force_style wrap_unicode | f=filename si=stream_index
  ass: filename* original_size fontsdir* alpha shaping | f=filename
  drawtext: fontfile* text textfile*
  lut3d: file* clut interp
  lut1d: file* interp
  curves: preset master red green blue all psfile* plot* | m=master r=red g=green b=blue
  selectivecolor: correction_method reds yellows greens cyans blues magentas whites neutrals blacks psfile*
  psnr ssim: stats_file* | f=stats_file
  vmafmotion: stats_file*
  metadata ametadata: mode key value function expr file*
  signature: detectmode nb_inputs filename*
  deshake: x y w h rx ry edge blocksize contrast search filename*
  vidstabdetect: result*
  vidstabtransform: input*
  firequalizer: gain gain_entry delay accuracy wfunc fixed multi zero_phase scale dumpfile*
  arnndn: model* | m=model
  removelogo: filename* | f=filename
  cellauto life: filename* | f=filename
  cover_rect: cover*
  find_rect: object*
  fieldhint: hint*
  nnedi: weights*
  sofalizer: sofa*
  flite: list_voices nb_samples text textfile* | n=nb_samples
  asr: rate hmm* dict* lm* lmctl* lmname logfn*
  paletteuse: dither bayer_scale diff_mode new alpha_threshold ; debug_kdtree*
  showcqt: ; fontfile* axisfile*
  dnn_processing: dnn_backend model*
  sr: dnn_backend scale_factor model*
  derain: filter_type dnn_backend model*
  xfade_opencl: transition source*
  program_opencl openclsrc: ; source*
  dnn_classify dnn_detect: ; model* labels*
  ocr: ; datapath*
  libvmaf: ; model_path* log_path*
  qrencode qrencodesrc: ; textfile*
  lensfun: ; db_path*
  libplacebo: ; custom_shader_path*
  whisper: ; model* destination* vad_model*`;
interface FileFilter { order: string[]; files: Set<string>; aliases: Map<string, string> }
const FILE_FILTERS = new Map<string, FileFilter>();
for (const line of FILE_FILTER_SPEC.trim().split('\n')) {
  const [names = '', rest = ''] = line.split(':');
  const [options = '', aliases = ''] = rest.split('|');
  const [positional = ''] = options.split(';');
  const words = (text: string) => text.trim().split(/\s+/).filter(Boolean);
  const rule: FileFilter = {
    order: words(positional).map((w) => w.replace('*', '')),
    files: new Set(words(options.replace(';', ' ')).filter((w) => w.endsWith('*')).map((w) => w.slice(0, -1))),
    aliases: new Map(words(aliases).map((a) => a.split('=') as [string, string])),
  };
  for (const name of words(names)) FILE_FILTERS.set(name, rule);
}
const MOVIE = FILE_FILTERS.get('movie');
const TEXT_FILTER_OPTIONS = set('drawtext.text');
// Plugins load host code; sendcmd/zmq change any filter's options (drawtext `reinit textfile=...`)
// at run time from text this check cannot see.
const DENIED_FILTERS = set('ladspa lv2 frei0r frei0r_src ocv zmq azmq sendcmd asendcmd');

const ABSOLUTE = /(^|[=:,|;'"])\//;
const DOT_DOT = /(^|[/\\=:,|;'"\s])\.\.(?=$|[/\\:,|;'"\s])/;
const TILDE = /(^|[=:])~/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
const SCRATCH_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.%$-]*$/;
const SCRATCH_INPUT = /^[A-Za-z0-9_][A-Za-z0-9_.%*?-]*$/; // image2 sequence and glob patterns
const WS = ' \n\t\r';

// FFmpeg reads many option values as key=value lists (av_dict_parse_string, e.g. -x264-params): it
// drops backslashes and trims blanks around each piece, so `stats= /x` and `.\./` are paths too.
// Linear in the value's length: whitespace runs collapse first, so no pattern rescans a long run.
const asFfmpegReadsIt = (value: string) =>
  value.replace(/[\\'"]/g, '').replace(/\s+/g, ' ').replace(/ ?([=:,|;]) ?/g, '$1').trim();

function pathProblem(value: string): string | undefined {
  return rawPathProblem(value) ?? rawPathProblem(asFfmpegReadsIt(value));
}

function rawPathProblem(value: string): string | undefined {
  if (/^subfile,/i.test(value)) return 'protocol "subfile" is not allowed';
  if (value.includes('://')) return 'URLs are not allowed; declare the file in input_files';
  if (ABSOLUTE.test(value)) return 'absolute paths are not allowed';
  if (DOT_DOT.test(value)) return '".." path segments are not allowed';
  if (TILDE.test(value)) return '"~" home paths are not allowed';
  if (/protocol_(white|black)list/.test(value)) return 'protocol lists cannot be changed';
  return undefined;
}

const schemeProblem = (value: string, allowed: string[] = []) => {
  const scheme = SCHEME.exec(value)?.[1];
  return scheme && !allowed.includes(scheme) ? `protocol "${scheme}:" is not allowed` : undefined;
};

/**
 * The argument policy (DESIGN.md): refuses, before FFmpeg runs, any argument that could make it read
 * or write something other than the declared inputs, outputs and plain files of its own working
 * directory. `argv` is the split command with placeholders still in place.
 */
export function checkArguments(argv: string[], opts: ArgumentPolicyOptions): void {
  const declared = new Set([...opts.inputKeys, ...opts.outputKeys]);
  const loc = opts.loc ?? ['body', 'ffmpeg_command'];
  const problems = new Map<number, string>();
  const refuse = (index: number, reason: string | undefined) => {
    if (reason !== undefined && !problems.has(index)) problems.set(index, reason);
  };
  const isPlaceholder = (value: string) => {
    const key = exactPlaceholderKey(value);
    return key !== undefined && declared.has(key);
  };
  // FFmpeg trims blanks around a filter's option values; so does this check.
  const isFilterPlaceholder = (value: string) => isPlaceholder(value.trim());

  argv.forEach((arg, i) => {
    const undeclared = findPlaceholders(arg).find((key) => !declared.has(key));
    if (undeclared !== undefined) refuse(i, `placeholder {{${undeclared}}} is not declared`);
    const name = /^-([^:]+)/.exec(arg)?.[1] ?? '';
    if (name.startsWith('/')) refuse(i, 'the "-/option file" syntax reads the value from a file');
    refuse(i, FORBIDDEN_OPTIONS.has(name) ? `option -${name} ${FORBIDDEN_OPTIONS.get(name)}` : undefined);
    if (name === 'safe' && argv[i + 1] !== '1') refuse(i, 'only "-safe 1" is allowed (the concat demuxer must refuse unsafe paths)');
  });

  let format: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') refuse(i, '"--" is not supported');
    if (!arg.startsWith('-') || arg === '-' || isPlaceholder(arg)) {
      refuse(i, outputProblem(arg, i === argv.length - 1, format, isPlaceholder));
      format = undefined;
      continue;
    }
    const name = (/^-([^:]*)/.exec(arg)?.[1] ?? '').toLowerCase();
    if (FLAGS.has(name) || (name.startsWith('no') && FLAGS.has(name.slice(2)))) continue;
    const value = argv[++i];
    if (value === undefined) break; // FFmpeg itself reports the missing value.
    if (name === 'i') {
      const referencing = format && REFERENCING_INPUT_FORMATS.has(format);
      if (referencing || !isPlaceholder(value)) {
        refuse(i, referencing ? formatProblem(format as string) : format === 'lavfi' ? filterGraphProblem(value, isFilterPlaceholder) : inputProblem(value));
      }
      format = undefined;
    } else if (isPlaceholder(value)) {
      continue;
    } else if (name === 'f') {
      format = value.toLowerCase();
      if (DENIED_FORMATS.has(format)) refuse(i, formatProblem(format));
    } else if (FILTER_GRAPH_OPTIONS.has(name)) {
      refuse(i, filterGraphProblem(value, isFilterPlaceholder));
    } else if (FILE_OPTIONS.has(name)) {
      refuse(i, pathProblem(value) ?? schemeProblem(value) ?? (SCRATCH_NAME.test(value) ? undefined : 'must be a placeholder or a plain file name'));
    } else if (!TEXT_OPTIONS.has(name)) {
      refuse(i, schemeProblem(value, VALUE_PREFIXES.get(name)) ?? pathProblem(value));
    }
  }

  if (problems.size === 0) return;
  const detail: ErrorDetail[] = [...problems].sort(([a], [b]) => a - b).map(([index, reason]) => {
    const arg = argv[index] as string;
    const shown = arg.length > 80 ? `${arg.slice(0, 77)}...` : arg;
    return { loc, msg: `argument ${index + 1} "${shown}": ${reason}`, type: 'value_error' };
  });
  const more = detail.length > 1 ? ` (and ${detail.length - 1} more, see detail)` : '';
  throw validationError(`The FFmpeg command is not allowed: ${detail[0]?.msg}${more}.`, detail);
}

function formatProblem(format: string): string | undefined {
  if (DENIED_FORMATS.has(format)) return `format "${format}" opens a device or the network, or runs scripts`;
  if (REFERENCING_INPUT_FORMATS.has(format)) return `input format "${format}" opens files named inside its input`;
  return undefined;
}

function inputProblem(value: string): string | undefined {
  if (value === '-') return 'reading standard input is not allowed';
  return schemeProblem(value) ?? pathProblem(value) ?? (SCRATCH_INPUT.test(value) ? undefined
    : 'an input must be a placeholder such as {{in_video}} or a plain file name made by an earlier command');
}

function outputProblem(arg: string, last: boolean, format: string | undefined, isPlaceholder: (v: string) => boolean) {
  if (isPlaceholder(arg)) return undefined;
  if (arg === '-') return format === 'null' ? undefined : 'writing to standard output is allowed only as "-f null -"';
  if (arg === '/dev/null') return last ? undefined : '/dev/null is allowed only as the last argument';
  return schemeProblem(arg) ?? pathProblem(arg) ?? (SCRATCH_NAME.test(arg) ? undefined
    : 'an output must be a placeholder such as {{out_result}} or a plain file name');
}

// ---- filter graphs, parsed the way libavfilter does (graphparser.c, av_get_token, av_opt_get_key_value)

/** av_get_token: up to a character of `term`; `\` escapes one character, '…' is literal; outer blanks trimmed. */
function getToken(s: string, start: number, term: string): [string, number] {
  let i = start;
  while (i < s.length && WS.includes(s[i] as string)) i++;
  let out = '';
  let keep = 0;
  while (i < s.length && !term.includes(s[i] as string)) {
    const c = s[i++] as string;
    if (c === '\\' && i < s.length) {
      out += s[i++];
      keep = out.length;
    } else if (c === "'") {
      while (i < s.length && s[i] !== "'") out += s[i++];
      if (i < s.length) {
        i++;
        keep = out.length;
      }
    } else out += c;
  }
  let end = out.length;
  while (end > keep && WS.includes(out[end - 1] as string)) end--;
  return [out.slice(0, end), i];
}

function skipLabels(s: string, start: number): number {
  let i = start;
  while (s[i] === '[') {
    const [, close] = getToken(s, i + 1, ']');
    if (s[close] !== ']') return -1;
    i = close + 1;
    while (WS.includes(s[i] ?? '_')) i++;
  }
  return i;
}

function filterGraphProblem(graph: string, isPlaceholder: (v: string) => boolean): string | undefined {
  let i = graph.search(/\S|$/);
  if (graph.startsWith('sws_flags=', i)) i = graph.indexOf(';', i) + 1 || graph.length;
  while (i < graph.length) {
    i = skipLabels(graph, graph.slice(i).search(/\S|$/) + i);
    if (i < 0) return 'unbalanced "[" in the filter graph';
    const [rawName, afterName] = getToken(graph, i, '=,;[');
    let args: string | undefined;
    [args, i] = graph[afterName] === '=' ? getToken(graph, afterName + 1, '[],;') : [undefined, afterName];
    i = skipLabels(graph, i);
    if (i < 0) return 'unbalanced "[" in the filter graph';
    const name = (rawName.split('@')[0] ?? '').toLowerCase();
    const problem = filterProblem(name, args ?? '', isPlaceholder);
    if (problem) return problem;
    if (i < graph.length && graph[i] !== ',' && graph[i] !== ';') return `cannot read the filter graph near "${graph.slice(i, i + 20)}"`;
    i++;
  }
  return undefined;
}

function filterProblem(name: string, args: string, isPlaceholder: (v: string) => boolean): string | undefined {
  if (DENIED_FILTERS.has(name)) return `filter "${name}" is not allowed`;
  const rule = FILE_FILTERS.get(name);
  let position = 0;
  let named = false;
  for (let i = 0; i < args.length; ) {
    const key = /^[ \n\t\r]*([A-Za-z0-9_\-/.]*)[ \n\t\r]*=/.exec(args.slice(i));
    if (key) i += key[0].length;
    const [value, end] = getToken(args, i, ':');
    i = end + 1;
    named ||= key !== null;
    let option = key ? key[1] as string : named ? undefined : (rule ? rule.order[position++] : `#${++position}`);
    if (option === undefined) return `give the options of filter "${name}" as key=value`;
    if (option.startsWith('/')) return `filter option "${option}" reads its value from a file`;
    option = rule?.aliases.get(option) ?? option;
    // movie's demuxer choice and options could turn a placeholder into a concat list with -safe 0.
    if (rule === MOVIE && option === 'format_opts') return `${name} option "format_opts" is not allowed`;
    const format = rule === MOVIE && option === 'format_name' ? formatProblem(value.toLowerCase()) : undefined;
    if (format) return `${format} (filter "${name}")`;
    if (rule?.files.has(option)) {
      if (!isPlaceholder(value)) return `${name} option "${option}" must be a declared placeholder such as {{in_file}}, not "${value}"`;
    } else if (!TEXT_FILTER_OPTIONS.has(`${name}.${option}`)) {
      const scheme = SCHEME.exec(value)?.[1] ?? /^subfile,/i.exec(value)?.[0].slice(0, -1);
      if (scheme && PROTOCOLS.has(scheme.toLowerCase())) return `protocol "${scheme}:" in filter "${name}" is not allowed`;
      const problem = pathProblem(value);
      if (problem) return `${problem} (filter "${name}" option "${option}")`;
    }
  }
  return undefined;
}
