// The flags each command declares are the flags its --help lists, and values are checked with clear messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from './command-table.js';
import { flag, flagHelp, parseFlags, readFlags } from './flags.js';
import { UsageError } from './cli-error.js';

const main = fileURLToPath(new URL('./main.js', import.meta.url));

/** The flags a help page lists as options: lines that begin with a flag (`  --epochs N`, `  -o, --out DIR`, `  -n N`). */
function listed(help: string): string[] {
  const names: string[] = [];
  for (const line of help.split('\n')) {
    const m = /^ {2}(?:-([a-zA-Z]), )?--?([a-z][a-z0-9-]*)(?= |$)/.exec(line);
    if (m) names.push(m[2]!);
  }
  return names;
}

/** Every `--flag` the help page mentions anywhere, prose included. */
const mentioned = (help: string): string[] => [...help.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*[a-z0-9])/g)].map((m) => m[1]!);

test('every command lists exactly its declared flags in --help, each once', () => {
  for (const [name, cmd] of Object.entries(COMMANDS)) {
    const declared = Object.keys(cmd.flags).sort();
    const shown = listed(cmd.help);
    assert.deepEqual([...shown].sort(), declared, `fovea ${name} --help`);
    assert.equal(new Set(shown).size, shown.length, `fovea ${name} --help lists a flag twice`);
  }
});

test('a flag the prose of a --help page mentions exists (in that command, or in the one the page points to)', () => {
  const all = new Set(Object.values(COMMANDS).flatMap((c) => Object.keys(c.flags)));
  for (const [name, cmd] of Object.entries(COMMANDS)) {
    for (const f of mentioned(cmd.help)) {
      // 'checkpoint*' in train's --resume help stands for the checkpoint flags.
      assert.ok(f in cmd.flags || all.has(f), `fovea ${name} --help mentions --${f}, which no command declares`);
    }
  }
});

test('--help as the process prints it is the generated page', () => {
  const r = spawnSync(process.execPath, [main, 'augment', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.equal(r.stdout, `${COMMANDS['augment']!.help}\n`);
  assert.match(r.stdout, /^ {2}-n N +how many samples \(default 16\)$/m);
  assert.match(r.stdout, /^ {2}-o, --out FILE +the PNG to write/m);
});

test('values are typed, defaulted and checked with messages that say what was expected', () => {
  const flags = {
    epochs: flag.int({ min: 1, default: 10, help: 'passes' }),
    threads: flag.int({ min: 1, max: 16, help: 'threads' }),
    lr: flag.number({ above: 0, help: 'rate' }),
    split: flag.number({ min: 0, below: 1, default: 0.1, help: 'fraction' }),
    optimizer: flag.enum(['sgd', 'adam'], { default: 'sgd', help: 'rule' }),
    fit: flag.enum({ fill: 'stretch', cover: 'crop' }, { help: 'how' }),
    mean: flag.list('number', { named: { imagenet: [0.485, 0.456, 0.406] }, help: 'means' }),
    shape: flag.list('int', { length: 3, min: 1, help: 'C,H,W' }),
    size: flag.size({ default: [64, 64], help: 'size' }),
    'no-report': flag.boolean({ help: 'skip it' }),
  };
  const { values, given } = parseFlags('t', flags, ['--lr', '0.5', '--size', '48x64', '--no-report', '--mean', 'imagenet']);
  // The types are part of the contract: these assignments compile only with the inferred types.
  const epochs: number = values.epochs;
  const opt: 'sgd' | 'adam' = values.optimizer;
  const threads: number | undefined = values.threads;
  assert.deepEqual({ epochs, opt, threads, lr: values.lr, size: values.size, noReport: values.noReport, mean: values.mean, split: values.split },
    { epochs: 10, opt: 'sgd', threads: undefined, lr: 0.5, size: [48, 64], noReport: true, mean: [0.485, 0.456, 0.406], split: 0.1 });
  assert.deepEqual([...given].sort(), ['lr', 'mean', 'no-report', 'size']);

  const fails = (argv: string[], message: string): void => {
    assert.throws(() => parseFlags('t', flags, argv), (e: unknown) => e instanceof UsageError && e.message === message, argv.join(' '));
  };
  fails(['--epochs', 'x'], "--epochs: expected an integer >= 1, got 'x'");
  fails(['--epochs', '2.5'], "--epochs: expected an integer >= 1, got '2.5'");
  fails(['--epochs', ''], "--epochs: expected an integer >= 1, got ''");
  fails(['--threads', '17'], "--threads: expected an integer from 1 to 16, got '17'");
  fails(['--lr', '0'], "--lr: expected a number > 0, got '0'");
  fails(['--lr', 'Infinity'], "--lr: expected a number > 0, got 'Infinity'");
  fails(['--split', '1'], "--split: expected a number >= 0 and < 1, got '1'");
  fails(['--optimizer', 'rmsprop'], "--optimizer: unknown 'rmsprop'; expected sgd or adam");
  fails(['--fit', 'contain'], "--fit: unknown 'contain'; expected fill (stretch) or cover (crop)");
  fails(['--mean', '0.5,x'], "--mean: expected comma-separated numbers or imagenet, got '0.5,x'");
  fails(['--shape', '3,224'], "--shape: expected 3 comma-separated integers >= 1, got '3,224'");
  fails(['--size', '0x5'], "--size: expected N (N x N) or HxW, e.g. 64 or 48x64, each 1..4096, got '0x5'");
  fails(['--epochs'], "t: Option '--epochs <value>' argument missing");
  assert.throws(() => parseFlags('t', flags, ['--nope']), /^UsageError: t: Unknown option '--nope'/);
});

test('stored raw values (a checkpoint\'s) read like a command line', () => {
  const flags = { epochs: flag.int({ min: 1, default: 10, help: 'passes' }), json: flag.boolean({ help: 'json' }) };
  assert.deepEqual(readFlags(flags, { epochs: '3', json: true }), { epochs: 3, json: true });
  assert.deepEqual(readFlags(flags, {}), { epochs: 10, json: false });
});

test('the generated options are aligned, with defaults appended and groups under their heading', () => {
  const text = flagHelp({
    top: flag.int({ arg: 'K', min: 1, default: 5, help: 'classes shown' }),
    out: flag.string({ arg: 'DIR', short: 'o', help: 'output folder,\ncreated if missing' }),
    backbone: flag.string({ arg: 'SOURCE', group: 'Transfer:', help: 'a network' }),
  });
  assert.equal(text, [
    '  --top K            classes shown (default 5)',
    '  -o, --out DIR      output folder,',
    '                     created if missing',
    '',
    'Transfer:',
    '  --backbone SOURCE  a network',
  ].join('\n'));
});

test('--threads is range-checked the same way by every command that takes it', () => {
  for (const cmd of ['train', 'eval', 'bench', 'verify']) {
    const r = spawnSync(process.execPath, [main, cmd, '--threads', '99'], { encoding: 'utf8' });
    assert.equal(r.status, 2, `${cmd}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^fovea ${cmd}: --threads: expected an integer from 1 to 16, got '99'`));
  }
});
