import { expect } from 'vitest';
import { loadScenarioText } from '../../src/scenario/load.js';
import { isUserError } from '../../src/util/errors.js';

/** The one-line message a rejected scenario text gives (asserting exit code 2). */
export function errorOf(text: string, label = 'scenarios/x.yaml'): string {
  try {
    loadScenarioText(text, label);
  } catch (e) {
    if (!isUserError(e)) throw e;
    expect(e.exitCode).toBe(2);
    return e.message;
  }
  throw new Error('expected the scenario to be rejected');
}
