// The padded band both Winograd kernels (winograd.ts, winograd4.ts) transform:
// a few input rows of every channel of one image, shifted right by the left
// padding and surrounded by zeros, so that no tile needs bounds checks.

/**
 * P[ch][r][wp] for r < rows = image n's row y0 + r (zeros where that row is
 * outside [0, h)), shifted right by pl, zeros after it. x is [*, c, h, w].
 */
export function padBand(x: usize, n: i32, c: i32, h: i32, w: i32, wp: i32, pl: i32, y0: i32, rows: i32, p: usize): void {
  const rowBytes = <usize>wp << 2;
  const cols = min(w, wp - pl);
  const z = f32x4.splat(0);
  for (let ch = 0; ch < c; ch++) {
    const src = x + (<usize>((n * c + ch) * h * w) << 2);
    const dst = p + (<usize>(ch * rows * wp) << 2);
    for (let r = 0; r < rows; r++) {
      const d = dst + <usize>r * rowBytes;
      const y = y0 + r;
      if (y < 0 || y >= h) {
        for (let q: usize = 0; q < rowBytes; q += 16) v128.store(d + q, z);
        continue;
      }
      // (short rows: inline loops beat memory.copy's call)
      for (let q = 0; q < pl; q++) store<f32>(d + (<usize>q << 2), 0);
      const s = src + (<usize>(y * w) << 2), e = d + (<usize>(pl + cols) << 2);
      let q = d + (<usize>pl << 2), r2 = s;
      for (; q + 16 <= e; q += 16, r2 += 16) v128.store(q, v128.load(r2));
      for (; q < e; q += 4, r2 += 4) store<f32>(q, load<f32>(r2));
      for (; q < d + rowBytes; q += 4) store<f32>(q, 0);
    }
  }
}
