/** The script's outcomes: every step's outcome and every snapshot, in script order. */
import type { Snapshot, StepOutcome } from '../../report/result.js';
import type { Recorder, SimEvent, SimEventKind } from '../recorder.js';

export class ScriptRecorder implements Recorder {
  readonly name = 'script';
  readonly kinds: readonly SimEventKind[] = ['step', 'snapshot'];
  readonly steps: StepOutcome[] = [];
  readonly snapshots: Snapshot[] = [];

  on(e: SimEvent): void {
    switch (e.kind) {
      case 'step':
        this.steps.push(e.outcome);
        return;
      case 'snapshot':
        this.snapshots.push(e.snapshot);
        return;
      default:
        // Only the kinds in `kinds` are delivered.
        return;
    }
  }
}
