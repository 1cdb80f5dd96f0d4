// `npm install`'s build step (package.json "prepare"), run again whenever npm
// links this folder elsewhere: npm's npx installs a project's own bin by
// linking the project into its cache, which runs "prepare" a second time, so
// the README's `npm install && npx fovea train` would build everything twice.
// The build is skipped when dist/ is newer than every source it is made from.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist', '.build-stamp');
const inputs = ['src', 'web', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json'];
// Made by the build itself (the web app's MNIST sample), so never a reason to rebuild.
const generated = new Set([join(root, 'web', 'public', 'data')]);

/** The newest modification time under `path` (ms). */
function newest(path) {
  if (!existsSync(path) || generated.has(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = st.mtimeMs;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const changed = Math.max(...inputs.map((p) => newest(join(root, p))));
if (built >= changed) {
  process.stdout.write('fovea: dist/ is up to date; build skipped\n');
} else {
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
