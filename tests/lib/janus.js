// janus.js - a Janus (Debian's `janus` package) of the test's own, for the
// video tests (issue 21): its configuration written by scripts/janus-config
// from a Fengqiao configuration, its HTTP API and admin API on free ports
// of 127.0.0.1 (or of `address` inside a network namespace, run through
// `prefix`, e.g. ['ip', 'netns', 'exec', NAME]), no STUN server, token
// authentication on. startJanus() answers null when janus is not installed.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const { spawn, execFileSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const JANUS = ['/usr/bin/janus', '/usr/local/bin/janus'].find((p) => fs.existsSync(p)) || null;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// Options: iface (the address Janus puts in its SDP: janus.jcfg
// `interface`), enforce (the only interface ICE gathers on: ice_enforce_list),
// origin (the page's origin, for CORS), prefix (command to run janus
// under), ports {http, admin}. The HTTP and admin APIs are on 127.0.0.1.
async function startJanus(options = {}) {
  if (!JANUS) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fq-janus-'));
  const address = '127.0.0.1';
  const http = (options.ports && options.ports.http) || await freePort();
  const admin = (options.ports && options.ports.admin) || await freePort();
  const video = {
    janus_url: `http://${address}:${http}/janus`,
    admin_url: `http://127.0.0.1:${admin}/admin`,
    admin_secret: 'janus-admin-' + Math.random().toString(36).slice(2) + '-secret',
    recordings_dir: path.join(dir, 'recordings'),
    token_lifetime_s: 3600,
  };
  const cfg = path.join(dir, 'fengqiao.json');
  fs.writeFileSync(cfg, JSON.stringify({ video }));
  const args = ['--config', cfg, '--out', path.join(dir, 'janus')];
  if (options.iface) args.push('--address', options.iface);
  if (options.enforce) args.push('--enforce', options.enforce);
  if (options.origin) args.push('--origin', options.origin);
  execFileSync(path.join(ROOT, 'scripts', 'janus-config'), args, { stdio: 'pipe' });
  const prefix = options.prefix || [];
  const cmd = [...prefix, JANUS, '-F', path.join(dir, 'janus'), '-C', path.join(dir, 'janus', 'janus.jcfg'),
    '-o'];
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const adminPost = async (body) => {
    const r = await fetch(video.admin_url, {
      method: 'POST',
      body: JSON.stringify({ transaction: 't' + Math.random(), admin_secret: video.admin_secret, ...body }),
    });
    return r.json();
  };
  const deadline = Date.now() + 20000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`janus exited ${child.exitCode}: ${log.slice(-3000)}`);
    try {
      const a = await adminPost({ janus: 'ping' });
      if (a.janus === 'pong') break;
    } catch (_) { /* not up yet */ }
    if (Date.now() > deadline) throw new Error('janus did not start: ' + log.slice(-3000));
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    video, dir, child, log: () => log, adminPost,
    async stop() {
      if (child.exitCode === null) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await done;
        clearTimeout(t);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The Janus API as a browser would use it, with a token: a session, a
// VideoRoom handle, a request and the events that follow it.
class JanusClient {
  constructor(url, token) { this.url = url; this.token = token; }
  async post(p, body) {
    const r = await fetch(this.url + p, {
      method: 'POST',
      body: JSON.stringify({ transaction: 't' + Math.random(), ...(this.token ? { token: this.token } : {}), ...body }),
    });
    return r.json();
  }
  async attach() {
    const s = await this.post('', { janus: 'create' });
    if (s.janus !== 'success') return s;
    this.session = s.data.id;
    const h = await this.post(`/${this.session}`, { janus: 'attach', plugin: 'janus.plugin.videoroom' });
    if (h.janus !== 'success') return h;
    this.handle = h.data.id;
    return h;
  }
  // Sends a VideoRoom request and answers the plugin's data of its event.
  async request(body) {
    const ack = await this.post(`/${this.session}/${this.handle}`, { janus: 'message', body });
    if (ack.janus === 'success') return ack.plugindata.data;
    if (ack.janus !== 'ack') return ack;
    const deadline = Date.now() + 10000;
    while (Date.now() < deadline) {
      const q = this.token ? `&token=${encodeURIComponent(this.token)}` : '';
      const r = await fetch(`${this.url}/${this.session}?maxev=1&rid=${Date.now()}${q}`);
      const ev = await r.json();
      const list = Array.isArray(ev) ? ev : [ev];
      for (const e of list) if (e.transaction === ack.transaction && e.plugindata) return e.plugindata.data;
    }
    throw new Error('no answer from the VideoRoom plugin');
  }
  async destroy() {
    if (this.session) await this.post(`/${this.session}`, { janus: 'destroy' }).catch(() => {});
  }
}

module.exports = { startJanus, JanusClient, freePort, JANUS };
