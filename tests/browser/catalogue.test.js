// catalogue.test.js - the zh-CN and en message catalogues have the same keys,
// and every message key the UI code names literally exists in both.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');

// Import a dependency-free ES module from web/ without a package.json "type".
function esm(rel) {
  const src = fs.readFileSync(path.join(WEB, rel), 'utf8');
  return import('data:text/javascript;charset=utf-8,' + encodeURIComponent(src));
}

const WEB = path.resolve(__dirname, '..', '..', 'web');

function jsFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== 'i18n') out.push(...jsFiles(p)); } else if (e.name.endsWith('.js')) out.push(p);
  }
  return out;
}

test('catalogues have the same keys and cover the code', async () => {
  const zh = (await esm('js/i18n/zh-CN.js')).default;
  const en = (await esm('js/i18n/en.js')).default;
  const zk = Object.keys(zh).sort();
  const ek = Object.keys(en).sort();
  assert.deepStrictEqual(zk.filter((k) => !(k in en)), [], 'keys missing from en.js');
  assert.deepStrictEqual(ek.filter((k) => !(k in zh)), [], 'keys missing from zh-CN.js');
  for (const k of zk) {
    assert.ok(typeof zh[k] === 'string' && zh[k].length > 0, `empty zh ${k}`);
    const pz = (zh[k].match(/\{\w+\}/g) || []).sort().join();
    const pe = (en[k].match(/\{\w+\}/g) || []).sort().join();
    assert.strictEqual(pe, pz, `placeholders differ for ${k}`);
  }
  // Literal keys used as t('x.y') or passed as 'prefix.key' strings.
  const prefixes = new Set(zk.map((k) => k.split('.')[0]));
  const missing = new Set();
  for (const f of jsFiles(path.join(WEB, 'js'))) {
    const src = fs.readFileSync(f, 'utf8');
    for (const m of src.matchAll(/['`]([a-zA-Z]+\.[a-zA-Z0-9_.-]+)['`]/g)) {
      const key = m[1];
      if (!prefixes.has(key.split('.')[0])) continue;
      if (key.endsWith('.') || /\.(js|css|min)$/.test(key)) continue;
      if (!(key in zh)) missing.add(`${path.basename(f)}: ${key}`);
    }
  }
  assert.deepStrictEqual([...missing], [], 'keys used in code but missing');
  // Guide structure: every question, option, law and tip has text.
  const { GUIDES } = await esm('js/guides.js');
  for (const [topic, g] of Object.entries(GUIDES)) {
    const p = `guide.${topic}`;
    const need = [`${p}.title`, `${p}.summary`, `${p}.intro`, `${p}.fileTitle`];
    for (const q of g.questions) { need.push(`${p}.q.${q.id}`); for (const o of q.options) need.push(`${p}.q.${q.id}.${o}`); }
    for (const l of g.law) need.push(`${p}.law.${l.key}.cite`, `${p}.law.${l.key}.text`);
    for (const tip of g.tips) need.push(`${p}.tip.${tip.key}`);
    for (const k of need) assert.ok(k in zh && k in en, `guide key missing: ${k}`);
  }
});

// A key written twice in one catalogue silently keeps only its last text
// (an object literal): the first meaning is lost where the UI still uses it.
test('no key is written twice in a catalogue', () => {
  for (const file of ['zh-CN.js', 'en.js']) {
    const src = fs.readFileSync(path.join(WEB, 'js', 'i18n', file), 'utf8');
    const seen = new Map();
    const twice = [];
    for (const m of src.matchAll(/^\s*'([^']+)':/gm)) {
      if (seen.has(m[1])) twice.push(m[1]);
      seen.set(m[1], true);
    }
    assert.deepStrictEqual(twice, [], `keys written twice in ${file}`);
  }
});
