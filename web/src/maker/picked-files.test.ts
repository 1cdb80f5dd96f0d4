import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupByClassFolder, isPhoto } from './picked-files.js';

const at = (...paths: string[]): { path: string }[] => paths.map((path) => ({ path }));

test('groupByClassFolder: the folder under the shared ones names the class, sorted; loose files are counted', () => {
  const g = groupByClassFolder(at('flowers/roses/a.jpg', 'flowers/daisy/b.jpg', 'flowers/daisy/c.jpg', 'flowers/README.txt', 'flowers/daisy/sub/d.jpg'));
  assert.deepEqual(g.classes.map(([n, fs]) => [n, fs.map((f) => f.path)]), [
    ['daisy', ['flowers/daisy/b.jpg', 'flowers/daisy/c.jpg', 'flowers/daisy/sub/d.jpg']],
    ['roses', ['flowers/roses/a.jpg']],
  ]);
  assert.equal(g.loose, 1);
  // class folders dropped side by side (no shared parent)
  assert.deepEqual(groupByClassFolder(at('cats/1.jpg', 'dogs/2.jpg')).classes.map(([n]) => n), ['cats', 'dogs']);
});

test('groupByClassFolder: one folder of photos, or single files, make no classes', () => {
  assert.deepEqual(groupByClassFolder(at('daisy/1.jpg', 'daisy/2.jpg')), { classes: [], loose: 2 });
  assert.deepEqual(groupByClassFolder(at('1.jpg', '2.jpg')), { classes: [], loose: 2 });
  assert.deepEqual(groupByClassFolder([]), { classes: [], loose: 0 });
});

test('isPhoto: by type, else by name', () => {
  assert.ok(isPhoto({ name: 'x', type: 'image/jpeg' }));
  assert.ok(isPhoto({ name: 'IMG_1.JPG', type: '' }));
  assert.ok(!isPhoto({ name: '.DS_Store', type: '' }));
  assert.ok(!isPhoto({ name: 'notes.txt', type: 'text/plain' }));
});
