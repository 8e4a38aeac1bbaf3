// Types of scripts/fuzz/mutate.mjs for the TypeScript tests.
import type { Arbitrary } from 'fast-check';

export type Picks = [number, number, number];
export const SCENARIO_CLASSES: readonly string[];
export const TRACE_CLASSES: readonly string[];
export const BASELINE_CLASSES: readonly string[];
export function mutateScenario(base: string, cls: string, picks: Picks, ext?: string): string;
export function scenarioCaseArb(bases: readonly string[]): Arbitrary<{ base: string; cls: string; picks: Picks; ext: string }>;
export function mutateTrace(lines: readonly string[], cls: string, picks: Picks): { text: string; gzipCorrupt?: number };
export function traceCaseArb(bases: readonly string[]): Arbitrary<{ base: string; cls: string; picks: Picks }>;
export function mutateBaseline(base: string, cls: string, picks: Picks): string;
export function baselineCaseArb(): Arbitrary<{ cls: string; picks: Picks }>;
export type Outcome = 'ok' | 'finding' | 'refused' | 'crash' | 'bad-message' | 'bad-output' | 'other-exit';
export function classify(o: { code: number; stderr: string; label: string; allowed1?: boolean; outputsOk?: boolean }): Outcome;
