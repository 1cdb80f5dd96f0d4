// Copies the explainer screenshots that the browser tests take (test-artifacts/browser/, written by
// `npm run test:web`) into web/docs/, as palette PNGs small enough to commit, for README.md and web/README.md.
// Usage: npm run test:web && node scripts/web-screenshots.mjs
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

const FROM = 'test-artifacts/browser';
const TO = 'web/docs';
/** Screenshot → what it shows (web/e2e/teach.test.ts takes them). */
const SHOTS = ['layout-1400x900', 'connections', 'convolution', 'softmax', 'tour', 'trace-sheet-1024x768', 'trace-sheet-390x844', 'training-done'];

mkdirSync(TO, { recursive: true });
for (const name of SHOTS) {
  const out = join(TO, `${name}.png`);
  const info = await sharp(join(FROM, `${name}.png`)).png({ palette: true, colours: 128, compressionLevel: 9, effort: 10 }).toFile(out);
  console.log(`${out}: ${info.width}×${info.height}, ${(info.size / 1024).toFixed(0)} KB`);
}
