import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestPath } from './request-path.js';

test('plain paths become decoded segments; query, fragment and empty segments are dropped', () => {
  assert.deepEqual(parseRequestPath('/'), { ok: true, segments: [] });
  assert.deepEqual(parseRequestPath('/models/digits.fovea?v=2#x'), { ok: true, segments: ['models', 'digits.fovea'] });
  assert.deepEqual(parseRequestPath('//assets///a%20b.js'), { ok: true, segments: ['assets', 'a b.js'] });
});

test('traversal is refused, however it is spelled', () => {
  for (const target of [
    '/../package.json', '/a/../../etc/passwd', '/./index.html', '/%2e%2e/package.json', '/%2E%2e/x',
    '/..%2fpackage.json', '/..%2Fpackage.json', '/a%5c..%5c..%5cetc', '/..\\..\\etc', '/%00', '/index.html%00.png', '/.git/config', '/.env',
  ]) {
    const r = parseRequestPath(target);
    assert.equal(r.ok, false, target);
    if (!r.ok) assert.equal(r.status, 403, `${target}: ${r.reason}`);
  }
});

test('malformed targets get 400, overlong ones 414', () => {
  const bad = parseRequestPath('/%E0%A4%A');
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.equal(bad.status, 400);
  const rel = parseRequestPath('index.html');
  assert.ok(!rel.ok && rel.status === 400);
  const long = parseRequestPath(`/${'a'.repeat(5000)}`);
  assert.ok(!long.ok && long.status === 414);
});
