/** The part of jstat (no bundled types) that src/sweep/stats.ts uses. */
declare module 'jstat' {
  const jStat: {
    readonly studentt: { inv(p: number, dof: number): number };
  };
  export default jStat;
}
