import { validationError, type ErrorDetail } from '../platform/errors.ts';
import { countPlaceholders, exactPlaceholderKey, findPlaceholders } from './placeholders.ts';
import { filterGraphProblem } from './filter-graph-policy.ts';
import {
  asFfmpegReadsIt,
  hlsFlagsProblem,
  formatProblem,
  isDeniedFormat,
  isReferencingFormat,
  nestedFormatProblem,
  nestedSchemeProblem,
  pathProblem,
  variantNameProblem,
  schemeProblem,
  wordSet as set,
} from './value-rules.ts';

export interface ArgumentPolicyOptions {
  inputKeys: string[];
  outputKeys: string[];
  /** Where problems are reported, e.g. ['body', 'ffmpeg_commands', 2]. */
  loc?: (string | number)[];
}

// Options that take no value (FFmpeg's OPT_BOOL and value-less functions). Anything else consumes
// the next argument, as FFmpeg does; a missing entry here only makes the check stricter, while an
// extra one is a hole: `-autorotate` takes a value in FFmpeg 5 and 6 (`-autorotate 0`), so listed as a
// flag it let `-autorotate -i {{in}}` hand the service's -format_whitelist to autorotate. Only its
// `no` form is a flag there, as for every boolean.
const FLAGS = set(`y n stdin hide_banner report ignore_unknown copy_unknown recast_media benchmark
  benchmark_all dump hex re copyts start_at_zero shortest bitexact xerror copyinkf stats debug_ts
  find_stream_info noautorotate noautoscale accurate_seek fix_sub_duration fix_sub_duration_heartbeat vn an
  sn dn psnr vstats qphist force_fps print_graphs display_hflip display_vflip auto_conversion_filters`);
const FORBIDDEN: [string, string][] = [
  ['filter_script filter_complex_script graph_file dumpgraph', 'reads a filter graph from a file'],
  ['dump_attachment attach', 'reads or writes files outside the declared inputs and outputs'],
  ['report vstats vstats_file sdp_file stats_enc_pre stats_enc_post stats_mux_pre print_graphs_file', 'writes a log file'],
  ['protocol_whitelist protocol_blacklist', 'changes which protocols FFmpeg may use'],
  ['progress', 'is set by the service'],
  ['fpre vpre apre spre pre', 'reads preset files from the host'],
  ['init_hw_device hwaccel_device vaapi_device qsv_device sources sinks', 'opens a host device'],
  // The OpenMAX encoders dlopen() this library: an uploaded input named here runs as code.
  ['omx_libname omx_libprefix', 'loads a shared library'],
  ['enable_drefs use_absolute_path allowed_extensions allowed_segment_extensions extension_picky hls_key_info_file',
    'lets FFmpeg open files named inside an input'],
  ['stdin', 'reads standard input'],
];
const FORBIDDEN_OPTIONS = new Map(FORBIDDEN.flatMap(([names, why]) => [...set(names)].map((n) => [n, why] as const)));
// Dictionary-valued options (fifo's -format_opts, -segment_format_options, -x264-params, ...) set
// options by name, so a forbidden name is refused there too: `-format_opts hls_key_info_file=…`.
const FORBIDDEN_KEY = new RegExp(`(?:^|[^A-Za-z0-9_])(${[...FORBIDDEN_OPTIONS.keys()].join('|')})=`);
// Formats that write a single file, for `/dev/null` as the output (two-pass encodes): hls, dash,
// segment and the like write more files beside their output, which would be /dev.
const NULL_SINK_FORMATS = set(`null mp4 mov ipod 3gp 3g2 matroska webm mpegts mpeg vob mxf avi flv ogg ogv oga opus spx nut
  ivf wav flac mp3 mp2 adts ac3 eac3 s16le s24le s32le f32le u8 rawvideo yuv4mpegpipe h264 hevc gif image2pipe`);
// `graph` is the lavfi input's own filter graph option (-f lavfi -graph ...).
const FILTER_GRAPH_OPTIONS = set('vf af filter filter_complex lavfi graph');
// Options whose value FFmpeg opens as a file: only a placeholder or a plain name in the working directory.
const FILE_OPTIONS = set(`passlogfile hls_segment_filename hls_fmp4_init_filename segment_list master_pl_name
  init_seg_name media_seg_name`);
const TEXT_OPTIONS = set('metadata');
const CODEC_OPTIONS = set('c codec vcodec acodec scodec dcodec');
// Hardware codecs open host devices (/dev/dri, /dev/video*, GPUs), or libraries (OpenMAX) by name.
const HARDWARE_CODEC = /_(omx|v4l2m2m|vaapi|qsv|nvenc|cuvid|vdpau|vulkan|mmal|rkmpp|mediacodec|amf|mf|videotoolbox|d3d11va|dxva2)$/i;
// Values that begin "word:" without naming a protocol (a variant map's "v:0,a:0 v:1,a:1").
const STREAM_MAP_KEYS = ['v', 'a', 's', 'name', 'agroup', 'sgroup', 'ccgroup', 'language', 'instreamid', 'default'];
const VALUE_PREFIXES = new Map([['force_key_frames', ['expr']], ['var_stream_map', STREAM_MAP_KEYS], ['cc_stream_map', STREAM_MAP_KEYS]]);
const SCRATCH_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.%$-]*$/;
const SCRATCH_INPUT = /^[A-Za-z0-9_][A-Za-z0-9_.%*?-]*$/; // image2 sequence and glob patterns

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

  // Keys this one run writes (outputs, file options such as -hls_segment_filename, filter options such
  // as psnr's stats_file): a filter that opens its file itself (movie=) would read what the run wrote
  // a moment before, past every check. A graph may name such a key only where it writes it.
  const read = readArguments(argv);
  const written = new Set<string>();
  const graphWrites = new Map<number, string[]>();
  const graphReads = new Map<number, string[]>();
  let graphFormat: string | undefined;
  for (const { index, option, valueIndex } of read) {
    const at = option === undefined ? index : FILE_OPTIONS.has(option) ? valueIndex : undefined;
    const key = at === undefined ? undefined : exactPlaceholderKey(argv[at] as string);
    if (key !== undefined) written.add(key);
    if (option === 'f' && valueIndex !== undefined) graphFormat = (argv[valueIndex] as string).toLowerCase();
    const isGraph = option !== undefined && (FILTER_GRAPH_OPTIONS.has(option) || (option === 'i' && graphFormat === 'lavfi'));
    if (option === 'i' || option === undefined) graphFormat = undefined;
    if (!isGraph || valueIndex === undefined) continue;
    const writes: string[] = [];
    const reads: string[] = [];
    filterGraphProblem(argv[valueIndex] as string, isFilterPlaceholder, (placeholder, writes_) =>
      (writes_ ? writes : reads).push(exactPlaceholderKey(placeholder) as string));
    graphWrites.set(valueIndex, writes);
    graphReads.set(valueIndex, reads);
    for (const k of writes) written.add(k);
  }
  // Nor may a filter read an output, in any command: a scratch output of the same run can be written
  // under its file name (or a pattern that becomes it) after every check. Read outputs with -i.
  const outputs = new Set(opts.outputKeys);
  const readsOutput = (graphIndex: number) => {
    const key = graphReads.get(graphIndex)?.find((k) => outputs.has(k));
    return key === undefined ? undefined : `{{${key}}} is an output: a filter may open only inputs (a file written in the same run could take its place)`;
  };
  const writtenInGraph = (graphIndex: number) => {
    const counts = countPlaceholders(argv[graphIndex] as string);
    for (const k of graphWrites.get(graphIndex) ?? []) counts.set(k, (counts.get(k) ?? 0) - 1);
    const key = [...counts].find(([k, n]) => n > 0 && written.has(k))?.[0];
    return key === undefined ? undefined : `{{${key}}} is written by this same command, so a filter cannot read it (read it in a later command of a chain)`;
  };

  let format: string | undefined;
  for (const { index, option, valueIndex } of read) {
    const arg = argv[index] as string;
    if (arg === '--') refuse(index, '"--" is not supported');
    if (option === undefined) {
      refuse(index, outputProblem(arg, index === argv.length - 1, format, isPlaceholder));
      format = undefined;
      continue;
    }
    if (valueIndex === undefined) continue; // a flag, or a missing value FFmpeg itself reports
    const i = valueIndex;
    const value = argv[i] as string;
    // `-tag:v -i {{in_a}}`: FFmpeg would take the service's -format_whitelist, put before every `-i`,
    // as tag's value and open the input without it.
    if (value === '-i') refuse(i, '"-i" cannot be the value of another option');
    if (option === 'i') {
      const referencing = format !== undefined && isReferencingFormat(format);
      if (referencing || !isPlaceholder(value)) {
        refuse(i, referencing ? formatProblem(format as string) : format === 'lavfi' ? filterGraphProblem(value, isFilterPlaceholder) ?? readsOutput(i) ?? writtenInGraph(i) : inputProblem(value));
      }
      format = undefined;
    } else if (isPlaceholder(value)) {
      continue;
    } else if (option === 'f') {
      format = value.toLowerCase();
      if (isDeniedFormat(format)) refuse(i, formatProblem(format));
    } else if (FILTER_GRAPH_OPTIONS.has(option)) {
      refuse(i, filterGraphProblem(value, isFilterPlaceholder) ?? readsOutput(i) ?? writtenInGraph(i));
    } else if (option === 'hwaccel') {
      refuse(i, value === 'none' ? undefined : 'hardware acceleration opens a host device');
    } else if (CODEC_OPTIONS.has(option) && HARDWARE_CODEC.test(value)) {
      refuse(i, `codec "${value}" opens a host device or library`);
    } else if (FILE_OPTIONS.has(option)) {
      refuse(i, pathProblem(value) ?? schemeProblem(value) ?? (SCRATCH_NAME.test(value) ? undefined : 'must be a placeholder or a plain file name'));
    } else if (!TEXT_OPTIONS.has(option)) {
      refuse(i, schemeProblem(value, VALUE_PREFIXES.get(option)) ?? pathProblem(value) ?? forbiddenKeyProblem(value) ?? hlsFlagsProblem(value, option)
        ?? nestedSchemeProblem(value) ?? nestedFormatProblem(value, option) ?? variantNameProblem(value, option));
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

export interface ReadArgument {
  index: number;
  /** The option's name, lower case, without its stream specifier; undefined for an output. */
  option?: string;
  /** Where the option's value is; undefined for a flag, or when argv ends before the value. */
  valueIndex?: number;
}

/**
 * argv as FFmpeg reads it: an option, which takes the next argument as its value unless it is a flag,
 * or an output file (any other argument that does not start with "-").
 */
export function readArguments(argv: string[]): ReadArgument[] {
  const read: ReadArgument[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-') || arg === '-') {
      read.push({ index: i });
      continue;
    }
    const option = (/^-([^:]*)/.exec(arg)?.[1] ?? '').toLowerCase();
    if (FLAGS.has(option) || (option.startsWith('no') && FLAGS.has(option.slice(2)))) {
      read.push({ index: i, option });
    } else if (i + 1 < argv.length) {
      read.push({ index: i, option, valueIndex: i + 1 });
      i++;
    } else {
      read.push({ index: i, option });
    }
  }
  return read;
}

function forbiddenKeyProblem(value: string): string | undefined {
  const name = FORBIDDEN_KEY.exec(value)?.[1] ?? FORBIDDEN_KEY.exec(asFfmpegReadsIt(value))?.[1];
  return name === undefined ? undefined : `option ${name} ${FORBIDDEN_OPTIONS.get(name)}`;
}

function inputProblem(value: string): string | undefined {
  if (value === '-') return 'reading standard input is not allowed';
  return schemeProblem(value) ?? pathProblem(value) ?? (SCRATCH_INPUT.test(value) ? undefined
    : 'an input must be a placeholder such as {{in_video}} or a plain file name made by an earlier command');
}

function outputProblem(arg: string, last: boolean, format: string | undefined, isPlaceholder: (v: string) => boolean) {
  if (isPlaceholder(arg)) return undefined;
  if (arg === '-') return format === 'null' ? undefined : 'writing to standard output is allowed only as "-f null -"';
  if (arg === '/dev/null') {
    if (!last) return '/dev/null is allowed only as the last argument';
    return format && NULL_SINK_FORMATS.has(format) ? undefined : '/dev/null is allowed only with -f null or a single-file format such as mp4';
  }
  return schemeProblem(arg) ?? pathProblem(arg) ?? (SCRATCH_NAME.test(arg) ? undefined
    : 'an output must be a placeholder such as {{out_result}} or a plain file name');
}
