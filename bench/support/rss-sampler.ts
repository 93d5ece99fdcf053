// Reads another process's memory from /proc (Linux only): VmRSS now, and VmHWM, the kernel's own
// record of the peak RSS, which also catches spikes that fall between two of our samples.
import { readFileSync, writeFileSync } from 'node:fs';

export const MIB = 1024 * 1024;

export interface MemoryStatus {
  rssBytes: number;
  hwmBytes: number;
}

export function readMemory(pid: number): MemoryStatus {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
    return Number(match[1]) * 1024;
  };
  return { rssBytes: kib('VmRSS'), hwmBytes: kib('VmHWM') };
}

/**
 * Resets VmHWM to the current RSS (`echo 5 > /proc/<pid>/clear_refs`), so that one server process can
 * serve several measured uploads. Returns false when the kernel refuses; VmHWM then counts from start.
 */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export interface RssSampling {
  /** Stops sampling; returns the largest VmRSS seen, VmHWM now, and how many samples were taken. */
  stop(): { peakRssBytes: number; hwmBytes: number; samples: number };
}

export function sampleRss(pid: number, everyMs = 50): RssSampling {
  let peak = 0;
  let samples = 0;
  const take = () => {
    const { rssBytes } = readMemory(pid);
    peak = Math.max(peak, rssBytes);
    samples++;
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peakRssBytes: peak, hwmBytes: readMemory(pid).hwmBytes, samples };
    },
  };
}
