/**
 * The end of an exhaustive `switch` over a discriminated union: the TypeScript form of the
 * kernel's `default: BUG()`. Type-checks only when every case is handled; throws if reached.
 */
export function assertNever(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
