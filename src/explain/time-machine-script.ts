/**
 * The time machine's style and script (see time-machine-view.ts): plain
 * ES2017 run by the report page as it is. It reads the JSON `tm-data`; the
 * slider picks a snapshot, whose row of the embedded sprite sheets
 * (tm-filters, tm-maps) is shown, with its prediction and the markers on the
 * curves moved to its step.
 */

export const TIME_MACHINE_STYLE = `
.tm-control { display: flex; align-items: center; gap: 0.6rem; font-size: 0.95rem; }
.tm-control input { flex: 1 1 auto; max-width: 40rem; }
.tm-row { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; margin: 0.8rem 0; }
.tm-row figure { margin: 0; font-size: 0.8rem; max-width: 22rem; }
.tm-tile { display: block; image-rendering: pixelated; background-repeat: no-repeat; }
.tm-prediction { font-size: 0.85rem; min-width: 14rem; }
.tm-bar { display: grid; grid-template-columns: 6rem 8rem 3.5rem; gap: 0.4rem; align-items: center; margin: 2px 0; }
.tm-bar .tm-fill { display: block; height: 0.8rem; background: #4c78a8; }
.tm-bar.tm-right .tm-fill { background: #54a24b; }
`;

export const TIME_MACHINE_SCRIPT = String.raw`(function () {
  var d = JSON.parse(document.getElementById('tm-data').textContent);
  var slider = document.getElementById('tm-slider'), out = document.getElementById('tm-step');
  var filters = document.getElementById('tm-filters'), maps = document.getElementById('tm-maps'), pred = document.getElementById('tm-prediction');
  var input = document.querySelector('.tm-input');
  var scale = Math.max(1, Math.floor(112 / Math.max(d.inputTile[0], d.inputTile[1])));
  input.style.width = d.inputTile[1] * scale + 'px'; input.style.height = d.inputTile[0] * scale + 'px';
  input.style.backgroundSize = '100% 100%';
  function el(tag, cls, text) { var x = document.createElement(tag); if (cls) x.className = cls; if (text !== undefined) x.textContent = text; return x; }
  // Row i of a sheet stacked top to bottom, shown at its own size.
  function row(span, tile, i) {
    span.style.width = tile[1] + 'px'; span.style.height = tile[0] + 'px';
    span.style.backgroundPosition = '0 ' + (-i * tile[0]) + 'px';
  }
  function show(i) {
    var s = d.snapshots[i];
    out.textContent = s.step + (s.step === 0 ? ' (before training)' : ' (epoch ' + s.epoch + ')') + ', snapshot ' + (i + 1) + ' of ' + d.snapshots.length;
    filters.dataset.snapshot = i; filters.dataset.step = s.step;
    row(filters, d.filterTile, i);
    row(maps, d.mapTile, i);
    pred.textContent = '';
    pred.appendChild(el('p', null, 'Prediction at step ' + s.step + ': ' + d.classNames[s.top[0][0]] + ' (' + (100 * s.top[0][1]).toFixed(1) + '%)'));
    s.top.forEach(function (kp) {
      var b = el('div', 'tm-bar' + (kp[0] === d.label ? ' tm-right' : ''));
      b.appendChild(el('span', null, d.classNames[kp[0]]));
      var track = el('span'), fill = el('span', 'tm-fill'); fill.style.width = (100 * kp[1]) + '%'; track.appendChild(fill); b.appendChild(track);
      b.appendChild(el('span', null, (100 * kp[1]).toFixed(1) + '%'));
      pred.appendChild(b);
    });
    [['tm-marker-loss', s.lossX], ['tm-marker-acc', s.accX]].forEach(function (m) {
      var line = document.getElementById(m[0]);
      if (line) { line.setAttribute('x1', m[1]); line.setAttribute('x2', m[1]); }
    });
  }
  slider.addEventListener('input', function () { show(+slider.value); });
  show(+slider.value);
})();`;
