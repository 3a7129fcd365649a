// Ctrl-C (SIGINT), `timeout` / `docker stop` (SIGTERM) and a closed terminal (SIGHUP) stop a
// training command after its current step; it saves what it has and exits with the shell's
// 128 + signal number (130, 143, 129), so scripts can tell an interrupted run from a finished one.

import { constants } from 'node:os';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface SignalStop {
  /** The first signal caught, or null. */
  readonly caught: NodeJS.Signals | null;
  /** 128 + the caught signal's number, or 0. */
  exitCode(): number;
  /** Stops listening (the default handlers come back). */
  dispose(): void;
}

/** Calls `stop` at the first signal, saying so on stderr (even with --json: stdout stays one
 *  JSON object per line). Only the first is caught: a second Ctrl-C ends the process at once. */
export function stopOnSignals(stop: () => void, err: (s: string) => void = (s) => process.stderr.write(s)): SignalStop {
  let caught: NodeJS.Signals | null = null;
  const dispose = () => { for (const s of SIGNALS) process.off(s, on); };
  function on(s: NodeJS.Signals) {
    caught = s;
    dispose();
    stop();
    err(`${s}: stopping after this step and saving the checkpoint (again to quit without saving)\n`);
  }
  for (const s of SIGNALS) process.on(s, on);
  return {
    get caught() { return caught; },
    exitCode: () => (caught ? 128 + constants.signals[caught] : 0),
    dispose,
  };
}
