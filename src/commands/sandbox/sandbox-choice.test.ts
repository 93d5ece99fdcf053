import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { sandboxChoice } from './sandbox-choice.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// Long enough that a loaded machine's pauses between two calls do not pass for the retrial time.
const RETRIAL_MS = 1_000;

/** A trial that fails its first `failures` runs, then works; counts its runs. */
function flakyTrial(failures: number) {
  const trial = async () => {
    trial.runs++;
    if (trial.runs <= failures) throw new Error('fork: Resource temporarily unavailable');
  };
  trial.runs = 0;
  return trial;
}

function capturingLogger() {
  const warnings: string[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void (JSON.parse(s).level === 40 && warnings.push(JSON.parse(s).msg)) });
  return { log, warnings };
}

describe('sandboxChoice', () => {
  it('one failed trial is tried again at once, quietly, and bubblewrap is then kept for good', async () => {
    const { log, warnings } = capturingLogger();
    const trial = flakyTrial(1);
    const choose = sandboxChoice('auto', log, { trial, secondTryMs: 0, retrialMs: 0 });
    expect(await choose()).toBe('bwrap');
    expect(await choose()).toBe('bwrap');
    expect(trial.runs).toBe(2);
    expect(warnings).toEqual([]);
  });

  it('SANDBOX=auto runs unsandboxed while bubblewrap fails, and tries it again once retrialMs has passed', async () => {
    const { log, warnings } = capturingLogger();
    const trial = flakyTrial(2);
    const choose = sandboxChoice('auto', log, { trial, secondTryMs: 0, retrialMs: RETRIAL_MS });
    expect(await Promise.all([choose(), choose()])).toEqual(['none', 'none']);
    expect(await choose()).toBe('none');
    expect(trial.runs).toBe(2); // the failure stands for retrialMs: no trial per command
    expect(warnings).toEqual([expect.stringContaining('UNSANDBOXED')]);
    await sleep(RETRIAL_MS + 100);
    expect(await choose()).toBe('bwrap');
    await sleep(RETRIAL_MS + 100);
    expect(await choose()).toBe('bwrap');
    expect(trial.runs).toBe(3);
  });

  it('SANDBOX=bwrap refuses commands while bubblewrap fails, not until a restart', async () => {
    const { log } = capturingLogger();
    const trial = flakyTrial(2);
    const choose = sandboxChoice('bwrap', log, { trial, secondTryMs: 0, retrialMs: RETRIAL_MS });
    await expect(choose()).rejects.toThrow(/SANDBOX=bwrap but bubblewrap does not work here: fork/);
    await expect(choose()).rejects.toThrow(/SANDBOX=bwrap/);
    expect(trial.runs).toBe(2);
    await sleep(RETRIAL_MS + 100);
    expect(await choose()).toBe('bwrap');
    expect(trial.runs).toBe(3);
  });

  it('SANDBOX=none never runs a trial', async () => {
    const { log, warnings } = capturingLogger();
    const trial = flakyTrial(0);
    const choose = sandboxChoice('none', log, { trial, retrialMs: 0 });
    expect(await choose()).toBe('none');
    expect(await choose()).toBe('none');
    expect(trial.runs).toBe(0);
    expect(warnings).toEqual([expect.stringContaining('unsandboxed')]);
  });
});
