/**
 * The mistakes widget's style and the report page's script (see
 * mistakes-view.ts). The script is mountMistakesView's own source
 * (mistakes-mount.ts), so the report and a web app run the same code: it
 * reads the JSON `mistakes-data` and draws tiles from the three embedded
 * sprite sheets (CSS classes mistakes-images, -saliency, -gradcam). The
 * style keeps the widget inside a phone's width: the matrix scrolls
 * sideways in its own box when it is wider than the screen.
 */
import { mountMistakesView } from './mistakes-mount.js';

export const MISTAKES_STYLE = `
.mistakes { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
.mistakes-scroll { max-width: 100%; overflow-x: auto; }
.mistakes-matrix { border-collapse: collapse; font-size: 0.8rem; }
.mistakes-matrix th { font-weight: normal; padding: 2px 4px; text-align: right; max-width: 7rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.mistakes-matrix thead th { writing-mode: vertical-rl; transform: rotate(180deg); text-align: left; max-height: 7rem; }
.mistakes-matrix th.mistakes-corner { writing-mode: horizontal-tb; transform: none; color: #666; white-space: normal; font-size: 0.7rem; }
.mistakes-matrix td { padding: 0; }
.mistakes-cell { width: 2.4rem; height: 2.4rem; min-height: 0; border: 1px solid #fff; border-radius: 0; font: inherit; cursor: pointer; padding: 0; }
.mistakes-cell:disabled { cursor: default; }
.mistakes-cell.mistakes-diag { outline: 1px solid #bbb; outline-offset: -1px; }
.mistakes-cell[aria-pressed="true"] { outline: 3px solid #e4572e; outline-offset: -3px; }
.mistakes-panes { flex: 1 1 22rem; min-width: min(18rem, 100%); }
.mistakes-thumbs { display: flex; flex-wrap: wrap; gap: 4px; }
.mistakes-thumb { border: 2px solid transparent; border-radius: 0; min-height: 0; background: none; padding: 1px; cursor: pointer; font-size: 0.7rem; display: flex; flex-direction: column; align-items: center; }
.mistakes-thumb[aria-pressed="true"] { border-color: #e4572e; }
.mistakes-tile { display: block; image-rendering: pixelated; background-repeat: no-repeat; }
.mistakes-figures { display: flex; flex-wrap: wrap; gap: 0.8rem; margin: 0.6rem 0; }
.mistakes-figures figure { margin: 0; font-size: 0.8rem; text-align: center; }
.mistakes-bars { font-size: 0.8rem; }
.mistakes-bar { display: grid; grid-template-columns: minmax(3rem, 8rem) 1fr 3.5rem; gap: 0.4rem; align-items: center; margin: 2px 0; }
.mistakes-bar span:first-child { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.mistakes-bar .mistakes-fill { height: 0.8rem; background: #4c78a8; }
.mistakes-bar.mistakes-actual .mistakes-fill { background: #54a24b; }
.mistakes-bar.mistakes-predicted .mistakes-fill { background: #e4572e; }
.mistakes-hint { color: #666; }
.mistakes-top { max-height: 30rem; overflow-y: auto; font-size: 0.85rem; }
@media (max-width: 32rem) { .mistakes-cell { width: 1.7rem; height: 1.7rem; } .mistakes-matrix th.mistakes-corner { font-size: 0.6rem; max-width: 3.5rem; } }
.mistakes-top .mistakes-cell { width: auto; height: auto; padding: 2px 6px; background: #f2f4f8; border: 1px solid #dde1e8; text-align: left; }
`;

/**
 * The report page's inline script: the same {@link mountMistakesView} a web
 * app imports, carried as source and run on the page's own markup and JSON.
 */
export const MISTAKES_SCRIPT = `(${mountMistakesView.toString()})(document, JSON.parse(document.getElementById('mistakes-data').textContent));`;
