/**
 * `fovea serve [MODEL]`: serves the explainer web app (built into dist/web by
 * `npm run build`) on this machine, with MODEL (default: the digit model
 * shipped with fovea) at the fixed URL /model.fovea (/model.onnx for an ONNX
 * file) that the page opens.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FoveaError } from '../../errors.js';
import { loadAnyModel } from '../../io/load-any-model-node.js';
import { saveModel } from '../../io/model-file-node.js';
import { startStaticServer } from '../../serve/static-server.js';
import { UsageError } from '../cli-error.js';
import { flag, helpPage, parseFlags } from '../flags.js';
import { jsonFlag, printJson } from '../options.js';

export const serveFlags = {
  port: flag.int({ min: 0, max: 65535, default: 8080, help: '0 picks a free port' }),
  host: flag.string({ arg: 'H', help: `interface to listen on; default 127.0.0.1 (this machine only).
--host 0.0.0.0 makes the page reachable from your network` }),
  json: jsonFlag('print {"url": ...} as one JSON line once listening'),
};

export const serveHelp = helpPage({
  usage: 'fovea serve [MODEL] [options]',
  flags: serveFlags,
  about: `Serves the explainer web app: draw a digit and watch every layer of the model,
hover a unit for its receptive field and arithmetic, load your own model,
train in the page. Prints the address to open; Ctrl-C stops it.

  MODEL          the model the page opens with: a .fovea or .onnx file, a TF.js
                 model (model.json or its folder; converted to .fovea for the page)
                 or nsfwjs:NAME (default: the digit model that ships with fovea,
                 LeNet trained on MNIST)`,
});

/** The URL paths the page loads its model from, by format. */
export const MODEL_URL_PATHS = { fovea: '/model.fovea', onnx: '/model.onnx' } as const;

/** The built app: dist/web beside dist/cli. */
function webRoot(): string {
  return fileURLToPath(new URL('../../web/', import.meta.url));
}

export async function serveCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parseFlags('serve', serveFlags, argv);
  if (positionals.length > 1) throw new UsageError(`serve takes at most one model file, got ${positionals.length}: ${positionals.join(' ')}`);
  const port = v.port;
  const host = v.host ?? '127.0.0.1';
  const root = webRoot();
  if (!existsSync(`${root}index.html`)) {
    throw new FoveaError(`the web app is not built (${root}index.html is missing); run 'npm run build' in the fovea package`);
  }
  const given = positionals[0];
  const source = given === undefined ? `${root}models/digits.fovea` : given.startsWith('nsfwjs:') ? given : resolve(given);
  // Load it here, so a bad model fails with the loader's message rather than in the page.
  const loaded = loadAnyModel(source);
  let model = source;
  let scratch: string | null = null;
  if (loaded.format !== 'fovea' && loaded.format !== 'onnx') {
    // The page reads .fovea and ONNX bytes; other formats reach it converted.
    scratch = mkdtempSync(join(tmpdir(), 'fovea-serve-'));
    model = join(scratch, 'model.fovea');
    await saveModel(model, loaded.model, { ...loaded.meta, training: loaded.origin });
  }
  const format = loaded.format === 'onnx' ? 'onnx' : 'fovea';
  let server;
  try {
    server = await startStaticServer({
      root,
      host,
      port,
      files: { [MODEL_URL_PATHS[format]]: model },
      log: (line) => process.stderr.write(`fovea serve: ${line}\n`),
    });
  } catch (e) {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new FoveaError(`port ${port} on ${host} is in use; pick another with --port N (or --port 0 for any free one)`);
    if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') throw new FoveaError(`cannot listen on host '${host}': no such local interface`);
    throw e;
  }
  if (v.json) printJson({ command: 'serve', url: server.url, model: source, format: loaded.format });
  else {
    process.stdout.write(`fovea serve: ${server.url}  (model: ${source.startsWith('nsfwjs:') ? source : basename(source)}; Ctrl-C to stop)\n`);
    if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
      process.stdout.write(`fovea serve: listening on ${host}: other machines on your network can open this page\n`);
    }
  }
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close().then(() => {
        if (scratch) rmSync(scratch, { recursive: true, force: true });
        done();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
