// Copies the explainer screenshots that the browser tests take (test-artifacts/browser/, written by
// `npm run test:web`) into web/docs/, as palette PNGs small enough to commit, for README.md and web/README.md.
// Usage: npm run test:web && node scripts/web-screenshots.mjs [NAME…]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

const FROM = 'test-artifacts/browser';
const TO = 'web/docs';
/** The screenshots web/e2e/teach.test.ts and web/e2e/mistakes.test.ts take; `node scripts/web-screenshots.mjs NAME…` copies only those named. */
const ALL = ['layout-1400x900', 'connections', 'convolution', 'softmax', 'tour', 'trace-sheet-1024x768', 'trace-sheet-390x844', 'training-done', 'web-mistakes', 'web-mistakes-390x844'];
const SHOTS = process.argv.length > 2 ? process.argv.slice(2) : ALL;
const unknown = SHOTS.filter((s) => !ALL.includes(s));
if (unknown.length) throw new Error(`unknown screenshot ${unknown.join(', ')}; known: ${ALL.join(', ')}`);

mkdirSync(TO, { recursive: true });
for (const name of SHOTS) {
  const out = join(TO, `${name}.png`);
  const info = await sharp(join(FROM, `${name}.png`)).png({ palette: true, colours: 128, compressionLevel: 9, effort: 10 }).toFile(out);
  console.log(`${out}: ${info.width}×${info.height}, ${(info.size / 1024).toFixed(0)} KB`);
}
