/** The report's stylesheet (inlined into the HTML; no fonts or images fetched). */
export const REPORT_CSS = `
:root { --fg: #1d2330; --muted: #5d6675; --line: #d9dde4; --bg: #fff; --panel: #f6f7f9;
  --active: #1f5fbf; --lru: #e8871e; --free: #dfe3e8; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 1200px; margin: 0 auto; padding: 20px 24px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 17px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 14px 0 6px; overflow-wrap: anywhere; }
.meta { color: var(--muted); margin: 0; }
.meta code { color: var(--fg); overflow-wrap: anywhere; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 12px 20px; }
.chart { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 6px 4px 2px; min-width: 0; }
.chart .uplot { font-family: inherit; }
.chart .u-title { font-size: 13px; font-weight: 600; }
.chart .u-legend { font-size: 12px; }
.note { color: var(--muted); font-size: 12px; margin: 4px 0; }
table { border-collapse: collapse; font-size: 13px; margin: 4px 0 8px; }
th, td { padding: 3px 7px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th { font-weight: 600; color: var(--muted); background: var(--panel); }
td.l, th.l { text-align: left; }
td.wrap { white-space: normal; overflow-wrap: anywhere; min-width: 12em; }
.scroll { overflow-x: auto; }
.heat td { min-width: 40px; text-align: center; padding: 2px 3px; }
.heat td span { padding: 2px 4px; border-radius: 3px; }
th { white-space: normal; vertical-align: bottom; }
.bars td.bar { width: 60%; text-align: left; }
.bars .fill { display: inline-block; height: 12px; background: var(--lru); border-radius: 2px; vertical-align: middle; }
.pagemap { display: inline-block; margin: 0 16px 10px 0; vertical-align: top; }
.pagemap canvas { display: block; border: 1px solid var(--line); image-rendering: pixelated; }
.legend span { display: inline-block; margin-right: 14px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: -1px; }
.bad { color: #b3261e; }
`;
