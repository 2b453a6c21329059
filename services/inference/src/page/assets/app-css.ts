/** Styles of the draw-a-digit page: system fonts only (no network), AA contrast, visible focus. */
export const APP_CSS = `
:root {
  --paper: #f6f5f1; --card: #ffffff; --text: #1b1b1b; --muted: #4a4a4a; --line: #c9c6bd;
  --accent: #0a4fb5; --accent-ink: #ffffff; --bar: #0a4fb5; --bar-bg: #e4e1d8; --error: #a3191b;
  color-scheme: light;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
body { margin: 0; background: var(--paper); color: var(--text); }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 16px; }
header h1 { margin: 20px 0 4px; font-size: 1.8rem; }
header p { margin: 0 0 16px; color: var(--muted); }
main { display: grid; gap: 16px; grid-template-columns: minmax(0, 400px) minmax(0, 1fr); align-items: start; }
@media (max-width: 720px) { main { grid-template-columns: minmax(0, 1fr); } }
/* The model report needs room for a 10×10 table: a full-width row under the drawing and the answer. */
#model { grid-column: 1 / -1; }
.model-body { display: flex; flex-wrap: wrap; gap: 8px 32px; align-items: flex-start; }
.model-body > * { flex: 0 1 auto; min-width: 0; max-width: 100%; }
.model-body > .facts { margin-top: 8px; max-width: 26em; }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px; min-width: 0; }
.panel h2 { margin: 0 0 12px; font-size: 1.2rem; }
.panel h3 { margin: 16px 0 6px; font-size: 1rem; }
#pad { display: block; width: 100%; max-width: 336px; aspect-ratio: 1 / 1; height: auto; background: #000; border-radius: 4px;
  touch-action: none; cursor: crosshair; outline: 1px solid var(--line); }
.tools { display: flex; gap: 8px; margin: 12px 0; }
button { font: inherit; padding: 8px 16px; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: var(--accent-ink); cursor: pointer; }
button:disabled { background: #e8e6e0; color: #595959; border-color: #b5b2a8; cursor: default; }
button:focus-visible, input:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
.upload label { display: block; margin-bottom: 4px; }
.upload input { font: inherit; max-width: 100%; }
#upload-preview { display: block; margin-top: 8px; max-width: 112px; max-height: 112px; border: 1px solid var(--line); }
.status { min-height: 1.45em; margin: 0 0 8px; color: var(--muted); }
.status.error { color: var(--error); font-weight: 600; }
.answer { display: flex; gap: 16px; align-items: center; }
#digit { font-size: 6rem; line-height: 1; font-weight: 700; min-width: 1ch; text-align: center; color: var(--text); }
.seen { margin: 0; }
.seen img { display: block; width: 112px; height: 112px; image-rendering: pixelated; background: #000; border: 1px solid var(--line); }
.seen figcaption { font-size: .85rem; color: var(--muted); max-width: 20em; }
.confidence { margin: 8px 0; font-weight: 600; }
.bars { list-style: none; margin: 0; padding: 0; }
.bars li { display: grid; grid-template-columns: 1.5em 1fr 4.5em; gap: 8px; align-items: center; margin: 3px 0; font-variant-numeric: tabular-nums; }
.bars .bar { height: 14px; background: var(--bar-bg); border-radius: 3px; overflow: hidden; }
.bars .fill { display: block; height: 100%; width: 0; background: var(--bar); }
.bars li.top { font-weight: 700; }
.bars li.top .fill { background: #0b6e3a; }
.bars .pct { text-align: right; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: .85rem; }
th, td { padding: 3px 5px; text-align: right; }
th { font-weight: 600; color: var(--muted); }
.per-class td, .per-class th { border: 1px solid var(--line); text-align: right; padding: 2px 8px; }
.confusion td { min-width: 2.6em; border: 1px solid #fff; }
.confusion caption { caption-side: top; text-align: left; color: var(--muted); }
.scroll { overflow-x: auto; }
.hint { margin: 0 0 6px; font-size: .85rem; color: var(--muted); max-width: 32em; }
.correction { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: center; margin: 12px 0 4px; }
.correction .digits { display: flex; flex-wrap: wrap; gap: 4px; }
.correction button { padding: 4px 10px; min-width: 2.4em; background: var(--card); color: var(--accent); }
.correction button[aria-pressed="true"] { background: var(--accent); color: var(--accent-ink); }
.history td, .history th { border: 1px solid var(--line); text-align: left; padding: 3px 6px; vertical-align: top; }
.history tr.refused td { color: var(--muted); }
footer p { color: var(--muted); font-size: .85rem; margin: 16px 0; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
`;
