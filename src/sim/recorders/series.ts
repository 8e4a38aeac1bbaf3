/** The time series: one row per sample, in time order. */
import type { Sample } from '../../report/result.js';
import type { Recorder, SimEvent, SimEventKind } from '../recorder.js';

export class SeriesRecorder implements Recorder {
  readonly name = 'series';
  readonly kinds: readonly SimEventKind[] = ['sample'];
  readonly rows: Sample[] = [];

  on(e: SimEvent): void {
    switch (e.kind) {
      case 'sample':
        this.rows.push(e.sample);
        return;
      default:
        // Only the kinds in `kinds` are delivered.
        return;
    }
  }
}

