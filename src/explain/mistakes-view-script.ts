/**
 * The mistakes widget's style and script (see mistakes-view.ts): plain
 * ES2017 that runs in the report page as it is, with no bundler and no
 * network. It reads the JSON `mistakes-data` and draws tiles from the three
 * embedded sprite sheets (CSS classes mistakes-images, -saliency, -gradcam).
 */

export const MISTAKES_STYLE = `
.mistakes { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
.mistakes-matrix { border-collapse: collapse; font-size: 0.8rem; }
.mistakes-matrix th { font-weight: normal; padding: 2px 4px; text-align: right; max-width: 7rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.mistakes-matrix thead th { writing-mode: vertical-rl; transform: rotate(180deg); text-align: left; max-height: 7rem; }
.mistakes-matrix th.mistakes-corner { writing-mode: horizontal-tb; transform: none; color: #666; white-space: normal; font-size: 0.7rem; }
.mistakes-matrix td { padding: 0; }
.mistakes-cell { width: 2.4rem; height: 2.4rem; border: 1px solid #fff; font: inherit; cursor: pointer; padding: 0; }
.mistakes-cell:disabled { cursor: default; }
.mistakes-cell.mistakes-diag { outline: 1px solid #bbb; outline-offset: -1px; }
.mistakes-cell[aria-pressed="true"] { outline: 3px solid #e4572e; outline-offset: -3px; }
.mistakes-panes { flex: 1 1 22rem; min-width: 18rem; }
.mistakes-thumbs { display: flex; flex-wrap: wrap; gap: 4px; }
.mistakes-thumb { border: 2px solid transparent; background: none; padding: 1px; cursor: pointer; font-size: 0.7rem; display: flex; flex-direction: column; align-items: center; }
.mistakes-thumb[aria-pressed="true"] { border-color: #e4572e; }
.mistakes-tile { display: block; image-rendering: pixelated; background-repeat: no-repeat; }
.mistakes-figures { display: flex; flex-wrap: wrap; gap: 0.8rem; margin: 0.6rem 0; }
.mistakes-figures figure { margin: 0; font-size: 0.8rem; text-align: center; }
.mistakes-bars { font-size: 0.8rem; }
.mistakes-bar { display: grid; grid-template-columns: 8rem 1fr 3.5rem; gap: 0.4rem; align-items: center; margin: 2px 0; }
.mistakes-bar span:first-child { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.mistakes-bar .mistakes-fill { height: 0.8rem; background: #4c78a8; }
.mistakes-bar.mistakes-actual .mistakes-fill { background: #54a24b; }
.mistakes-bar.mistakes-predicted .mistakes-fill { background: #e4572e; }
.mistakes-hint { color: #666; }
.mistakes-top { max-height: 30rem; overflow-y: auto; font-size: 0.85rem; }
.mistakes-top .mistakes-cell { width: auto; height: auto; padding: 2px 6px; background: #f2f4f8; border: 1px solid #dde1e8; text-align: left; }
`;

export const MISTAKES_SCRIPT = String.raw`(function () {
  var d = JSON.parse(document.getElementById('mistakes-data').textContent);
  var n = d.classNames.length, th = d.tile[0], tw = d.tile[1];
  var list = document.getElementById('mistakes-list'), detail = document.getElementById('mistakes-detail');
  var byCell = {};
  d.examples.forEach(function (e, i) { var k = e.actual * n + e.predicted; (byCell[k] = byCell[k] || []).push(i); });
  function pct(v) { return (100 * v).toFixed(1) + '%'; }
  function el(tag, cls, text) { var x = document.createElement(tag); if (cls) x.className = cls; if (text !== undefined) x.textContent = text; return x; }
  // Tile i of a sprite sheet, enlarged by scale (background-size scales the whole sheet).
  function tile(kind, i, scale) {
    var s = el('span', 'mistakes-tile mistakes-' + kind);
    s.style.width = tw * scale + 'px'; s.style.height = th * scale + 'px';
    s.style.backgroundSize = d.cols * tw * scale + 'px auto';
    s.style.backgroundPosition = (-(i % d.cols) * tw * scale) + 'px ' + (-Math.floor(i / d.cols) * th * scale) + 'px';
    return s;
  }
  function press(selector, on) {
    document.querySelectorAll(selector).forEach(function (b) { b.setAttribute('aria-pressed', b === on ? 'true' : 'false'); });
  }
  function showCell(button) {
    var a = +button.dataset.actual, p = +button.dataset.predicted;
    press('.mistakes-cell', button);
    var shown = byCell[a * n + p] || [], count = d.counts[a * n + p];
    list.textContent = '';
    list.dataset.cell = a + ',' + p;
    list.appendChild(el('p', null, 'Actual ' + d.classNames[a] + ', predicted ' + d.classNames[p] + ': ' + count + ' image' + (count === 1 ? '' : 's') +
      (shown.length < count ? ', the ' + shown.length + ' the model was surest of' : '') + ', surest first. Click one.'));
    var thumbs = el('div', 'mistakes-thumbs');
    shown.forEach(function (i) {
      var e = d.examples[i];
      var b = el('button', 'mistakes-thumb');
      b.type = 'button';
      b.dataset.example = i;
      b.dataset.index = e.index;
      b.title = 'test image #' + e.index + ': ' + pct(e.confidence) + ' ' + d.classNames[e.predicted];
      b.appendChild(tile('images', i, d.thumbScale));
      b.appendChild(el('span', null, pct(e.confidence)));
      thumbs.appendChild(b);
    });
    list.appendChild(thumbs);
    detail.textContent = '';
    if (shown.length) showExample(thumbs.firstChild);
  }
  function showExample(button) {
    press('.mistakes-thumb', button);
    var i = +button.dataset.example, e = d.examples[i];
    detail.textContent = '';
    detail.dataset.index = e.index;
    detail.appendChild(el('p', null, 'Test image #' + e.index + ': actual ' + d.classNames[e.actual] + ', predicted ' + d.classNames[e.predicted] + ' (' + pct(e.confidence) + ').'));
    var figs = el('div', 'mistakes-figures');
    function fig(kind, caption) { var f = el('figure'); f.appendChild(tile(kind, i, d.detailScale)); f.appendChild(el('figcaption', null, caption)); figs.appendChild(f); }
    fig('images', 'the image');
    fig('saliency', 'saliency for ' + d.classNames[e.predicted]);
    if (d.gradCamLayer) fig('gradcam', 'Grad-CAM for ' + d.classNames[e.predicted] + ' at ' + d.gradCamLayer);
    detail.appendChild(figs);
    if (!d.gradCamLayer && d.gradCamProblem) detail.appendChild(el('p', 'mistakes-hint', 'No Grad-CAM: ' + d.gradCamProblem));
    var bars = el('div', 'mistakes-bars');
    e.top.forEach(function (kp) {
      var row = el('div', 'mistakes-bar' + (kp[0] === e.actual ? ' mistakes-actual' : kp[0] === e.predicted ? ' mistakes-predicted' : ''));
      row.appendChild(el('span', null, d.classNames[kp[0]] + (kp[0] === e.actual ? ' (actual)' : '')));
      var track = el('span'); var fill = el('span', 'mistakes-fill'); fill.style.width = (100 * kp[1]) + '%'; fill.style.display = 'block'; track.appendChild(fill);
      row.appendChild(track);
      row.appendChild(el('span', null, pct(kp[1])));
      bars.appendChild(row);
    });
    detail.appendChild(bars);
  }
  document.querySelector('.mistakes').addEventListener('click', function (ev) {
    var cell = ev.target.closest('.mistakes-cell'), thumb = ev.target.closest('.mistakes-thumb');
    if (cell && !cell.disabled) showCell(cell);
    else if (thumb) showExample(thumb);
  });
})();`;
