export { runFfmpeg, type FfmpegRunOptions, type FfmpegRunResult } from './run-ffmpeg.ts';
export { parseProgressBlock, type FfmpegProgress } from './progress.ts';
export { resolveSandbox, trialBwrap, type SandboxSetting, type ResolveSandboxOptions } from './resolve-sandbox.ts';
export { buildSpawnPlan, type SpawnPlan } from './spawn-plan.ts';
export { sandboxChoice, type SandboxChoiceOptions } from './sandbox-choice.ts';
