/**
 * `fovea tutorial PHOTO -o DIR`: the classic "how a CNN sees" walk-through on
 * your own photo, as PNGs and an index.html.
 */
import { basename, extname, join } from 'node:path';
import { edgeTutorial, tutorialSize } from '../../explain/edge-tutorial.js';
import { writePage } from '../../explain/write-page-node.js';
import { loadImageFile } from '../../vision/image-file.js';
import { UsageError } from '../cli-error.js';
import { flag, helpPage, parseFlags } from '../flags.js';
import { jsonFlag, printJson } from '../options.js';

export const tutorialFlags = {
  out: flag.string({ arg: 'DIR', short: 'o', help: 'output folder (default <photo name>.tutorial), created if missing' }),
  size: flag.int({ min: 8, default: 256, help: 'shrink the photo so its longer side is at most N pixels' }),
  json: jsonFlag(),
};

export const tutorialHelp = helpPage({
  usage: 'fovea tutorial PHOTO [-o DIR] [options]',
  flags: tutorialFlags,
  about: `Walks a photo through hand-set edge filters, as a CNN's first layer would.
Writes into DIR, in order:
  01-input.png            the photo in grayscale
  02-filters.png          the four 4x4 edge filters (vertical, negated, horizontal, negated)
  03-feature-maps.png     their four feature maps (the Conv2d output, before ReLU)
  04-after-relu.png       after ReLU
  05-after-max-pool.png   after 2x2 max pooling
  06-sobel-x.png, 07-sobel-y.png, 08-sobel-edges.png   Sobel x, y and edge magnitude
  index.html              all of them with one-line captions (works offline)
The same walk-through, live, with the filters editable: tutorial.html of the
web app (fovea serve, then the "tutorial" link).`,
});

export async function tutorialCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parseFlags('tutorial', tutorialFlags, argv);
  const [photo, extra] = positionals;
  if (!photo) throw new UsageError('tutorial: missing PHOTO (a PNG/JPEG file)');
  if (extra) throw new UsageError(`tutorial: unexpected argument '${extra}' (one PHOTO)`);
  const maxSide = v.size;
  const out = v.out ?? `${basename(photo, extname(photo))}.tutorial`;
  let img = await loadImageFile(photo, { channels: 1 });
  const size = tutorialSize(img.width, img.height, maxSide);
  if (size) img = await loadImageFile(photo, { channels: 1, size });
  const files = await writePage(out, edgeTutorial(img, { title: `How a CNN sees ${basename(photo)}` }));
  if (v.json) {
    printJson({ command: 'tutorial', photo, out, index: join(out, 'index.html'), width: img.width, height: img.height, files });
    return;
  }
  process.stdout.write(`wrote ${files.length} files to ${out}; open ${join(out, 'index.html')}\n`);
}
