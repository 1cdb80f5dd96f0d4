#!/usr/bin/env node
/**
 * The fovea command line: parses arguments and calls the library, nothing more.
 */
import { FoveaError } from '../errors.js';
import { CommandExit, UsageError } from './cli-error.js';
import { COMMANDS as commands } from './command-table.js';
import { FOVEA_VERSION } from '../version.js';

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    'usage: fovea <command> [options]',
    '',
    ...Object.entries(commands).map(([n, c]) => `  ${n.padEnd(width)}  ${c.what}`),
    '',
    "Run 'fovea <command> --help' for a command's options.",
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (name === '--version') {
    process.stdout.write(`${FOVEA_VERSION}\n`);
    return 0;
  }
  const cmd = commands[name];
  if (!cmd) {
    process.stderr.write(`fovea: unknown command '${name}'\n\n${usage()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${cmd.help}\n`);
    return 0;
  }
  try {
    await cmd.run(rest);
    return 0;
  } catch (e) {
    const err = e as Error;
    if (err instanceof CommandExit) return err.code;
    if (err instanceof UsageError) {
      process.stderr.write(`fovea ${name}: ${err.message}\nRun 'fovea ${name} --help' for usage.\n`);
      return 2;
    }
    // Errors we raise on purpose carry an actionable message; anything else is a bug: show the stack.
    const known = err instanceof FoveaError;
    process.stderr.write(`fovea ${name}: ${known ? err.message : err.stack ?? String(err)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
