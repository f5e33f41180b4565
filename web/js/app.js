// app.js - boot, header and the hash router of the Fengqiao web UI.
import { h, replace } from './dom.js';
import { t, tc, getLocale, setLocale, onLocaleChange } from './i18n.js';
import { session, loadMe, logout, onAuthChange, homeFor } from './api.js';
import * as home from './pages/home.js';
import * as guide from './pages/guide.js';
import * as filePage from './pages/file.js';
import * as track from './pages/track.js';
import * as loginPage from './pages/login.js';
import * as inbox from './pages/inbox.js';
import * as cases from './pages/cases.js';
import * as casePage from './pages/case.js';
import * as intake from './pages/intake.js';
import * as dashboard from './pages/dashboard.js';
import * as notifications from './pages/notifications.js';
import * as mediation from './pages/mediation.js';
import * as room from './pages/mediation-party.js';
import * as video from './pages/video.js';
import * as verify from './pages/verify.js';
import * as patrols from './pages/patrols.js';
import * as teams from './pages/teams.js';
import * as alerts from './pages/alerts.js';
import * as field from './pages/field.js';
import { outboxBadge, registerWorker } from './outbox.js';
import * as events from './pages/events.js';
import * as grids from './pages/grids.js';
import * as village from './pages/village.js';

const routes = [
  { re: /^\/?$/, page: home, name: 'home' },
  { re: /^\/guide\/([\w-]+)$/, page: guide, name: 'guide', keys: ['topic'] },
  { re: /^\/guide\/?$/, page: guide, name: 'guide' },
  { re: /^\/file$/, page: filePage, name: 'file' },
  { re: /^\/track$/, page: track, name: 'track' },
  { re: /^\/login$/, page: loginPage, name: 'login' },
  { re: /^\/inbox$/, page: inbox, name: 'inbox', staff: true },
  { re: /^\/cases$/, page: cases, name: 'cases', staff: true },
  { re: /^\/case\/([\w-]+)$/, page: casePage, name: 'case', keys: ['id'], staff: true },
  { re: /^\/new$/, page: intake, name: 'new', staff: true },
  { re: /^\/dashboard$/, page: dashboard, name: 'dashboard', staff: true },
  { re: /^\/notifications$/, page: notifications, name: 'notifications', staff: true },
  { re: /^\/case\/([\w-]+)\/mediation$/, page: mediation, name: 'mediation', keys: ['id'], staff: true },
  { re: /^\/video\/(staff|room)\/([\w-]+)$/, page: video, name: 'video', keys: ['kind', 'id'] },
  { re: /^\/room\/([\w-]+)$/, page: room, name: 'room', keys: ['token'] },
  { re: /^\/verify\/?([\w-]*)$/, page: verify, name: 'verify', keys: ['code'] },
  { re: /^\/patrols$/, page: patrols, name: 'patrols', staff: true },
  { re: /^\/teams$/, page: teams, name: 'teams', staff: true },
  { re: /^\/ballot$/, page: { render: (ctx) => import('./pages/village-ballot.js').then((m) => m.render(ctx)) }, name: 'ballot' },
  { re: /^\/village-meetings$/, page: { render: (ctx) => import('./pages/village-meetings.js').then((m) => m.render(ctx)) }, name: 'village-meetings', staff: true },
  { re: /^\/village-rules$/, page: { render: (ctx) => import('./pages/village-rules.js').then((m) => m.render(ctx)) }, name: 'village-rules', staff: true },
  { re: /^\/alerts$/, page: alerts, name: 'alerts', staff: true },
  { re: /^\/field$/, page: field, name: 'field' },
  { re: /^\/events(?:\/(\d+))?$/, page: events, name: 'events', keys: ['id'], staff: true },
  { re: /^\/grids(?:\/(\d+))?$/, page: grids, name: 'grids', keys: ['id'], staff: true },
  { re: /^\/risk$/, page: { render: (ctx) => import('./pages/risk.js').then((m) => m.render(ctx)) }, name: 'risk', staff: true },
  { re: /^\/report$/, page: { render: (ctx) => import('./pages/report.js').then((m) => m.render(ctx)) }, name: 'report', staff: true },
  { re: /^\/village$/, page: village, name: 'village' },
  { re: /^\/safety(?:\/(enterprises|inspect|hazard))?(?:\/(\d+))?$/, page: { render: (ctx) => import('./pages/safety.js').then((m) => m.render(ctx)) }, name: 'safety', keys: ['view', 'id'], staff: true },
  { re: /^\/psych(?:\/(me|work|stats|refer))?$/, page: { render: (ctx) => import('./pages/psych.js').then((m) => m.render(ctx)) }, name: 'psych', keys: ['view'] },
  { re: /^\/emergency(?:\/(warnings|incident))?(?:\/(\d+))?$/, page: { render: (ctx) => import('./pages/emergency.js').then((m) => m.render(ctx)) }, name: 'emergency', keys: ['view', 'id'], staff: true },
];

const main = document.getElementById('main-content');
const header = document.getElementById('site-header');
const footer = document.getElementById('site-footer');
let cleanup = null;
let currentRoute = null;
let renderSeq = 0;

export function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const qi = raw.indexOf('?');
  const path = qi >= 0 ? raw.slice(0, qi) : raw;
  const query = new URLSearchParams(qi >= 0 ? raw.slice(qi + 1) : '');
  return { path, query };
}

function roleSummary(user) {
  if (!user || !Array.isArray(user.roles) || user.roles.length === 0) return '';
  const seen = new Set();
  const parts = [];
  for (const r of user.roles) {
    const s = [tc('role', r.role), r.region_name].filter(Boolean).join(' · ');
    if (!seen.has(s)) { seen.add(s); parts.push(s); }
  }
  return parts.join(t('common.sep'));
}

function navLinks() {
  if (session.user) {
    return [
      ['#/inbox', 'nav.inbox', 'inbox'],
      ['#/cases', 'nav.cases', 'cases'],
      ['#/new', 'nav.new', 'new'],
      ['#/dashboard', 'nav.dashboard', 'dashboard'],
      // the grid work (issue 15): one menu button opens its pages
      ['nav.group.grid', [
        ...((session.user.roles || []).some((r) => r.role === 'grid_worker') ? [['#/field', 'nav.field', 'field']] : []),
        ['#/events', 'nav.events', 'events'],
        ['#/patrols', 'nav.patrols', 'patrols'],
        ['#/grids', 'nav.grids', 'grids'],
        ['#/teams', 'nav.teams', 'teams'],
      ]],
      // 研判 (issue 16): alerts and the live board, risk grades, the weekly report
      ['nav.group.analysis', [
        ...((session.user.roles || []).some((r) => ['analyst', 'handler', 'admin'].includes(r.role)) ? [['#/alerts', 'nav.alerts', 'alerts']] : []),
        ['#/risk', 'nav.risk', 'risk'],
        ['#/report', 'nav.report', 'report'],
      ]],
      // 三治融合 (issue 18): one menu button opens the village pages
      ['nav.group.village', [
        ['#/village', 'nav.village', 'village'],
        ['#/village-rules', 'nav.villageRules', 'village-rules'],
        ['#/village-meetings', 'nav.villageMeetings', 'village-meetings'],
      ]],
      // 应急与安全生产 (issue 20): incidents, warnings, production safety
      ['nav.group.emergency', [
        ['#/emergency', 'nav.emergency', 'emergency'],
        ['#/emergency/warnings', 'nav.warnings', 'emergency'],
        ['#/safety', 'nav.safety', 'safety'],
      ]],
      // 心防 (issue 19): the self-screening for all; the workbench and statistics for counsellors
      ['nav.group.psych', [['#/psych', 'nav.psych', 'psych'], ['#/psych/me', 'nav.psychMe', 'psych'], ...((session.user.roles || []).some((r) => r.role === 'counsellor') ? [['#/psych/work', 'nav.psychWork', 'psych'], ['#/psych/stats', 'nav.psychStats', 'psych']] : []), ...((session.user.roles || []).some((r) => r.role === 'mediator') ? [['#/psych/refer', 'nav.psychRefer', 'psych']] : [])]],
      ['#/', 'nav.portal', 'home'],
    ];
  }
  return [
    ['#/', 'nav.home', 'home'],
    ['#/file', 'nav.file', 'file'],
    ['#/track', 'nav.track', 'track'],
    ['#/psych', 'nav.psych', 'psych'],
    ['#/login', 'nav.login', 'login'],
  ];
}

// 长辈版 (large type, high contrast) for older residents, remembered on
// this device.
const ELDER_KEY = 'fq.elder';
function elderOn() {
  try { return localStorage.getItem(ELDER_KEY) === '1'; } catch (_) { return false; }
}
function setElder(on) {
  document.documentElement.classList.toggle('elder', on);
  try { localStorage.setItem(ELDER_KEY, on ? '1' : '0'); } catch (_) { /* private mode: this visit only */ }
}
document.documentElement.classList.toggle('elder', elderOn());

// A menu group: a button that shows or hides its links (a disclosure, not
// an ARIA menu: the links stay links). Escape or a click elsewhere closes
// it; the button is marked when the page shown is one of its links.
const openGroups = new Set();
function navGroup(key, items, link) {
  const id = 'nav-sub-' + key.split('.').pop();
  const sub = h('ul', { class: 'nav-sub', id }, ...items.map(link));
  const here = items.some(([, , name]) => name === currentRoute);
  const btn = h('button', {
    type: 'button', class: 'nav-group-toggle' + (here ? ' current' : ''), 'aria-expanded': 'false', 'aria-controls': id,
  }, t(key));
  const set = (open) => {
    btn.setAttribute('aria-expanded', String(open));
    sub.hidden = !open;
    if (open) openGroups.add(set); else openGroups.delete(set);
  };
  set(false);
  btn.addEventListener('click', (e) => {
    e.stopPropagation();
    set(btn.getAttribute('aria-expanded') !== 'true');
  });
  sub.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { set(false); btn.focus(); }
  });
  btn.addEventListener('keydown', (e) => { if (e.key === 'Escape') set(false); });
  return h('li', { class: 'nav-group' }, btn, sub);
}
document.addEventListener('click', (e) => {
  if (e.target.closest && e.target.closest('.nav-group')) return;
  for (const set of [...openGroups]) set(false);
});

function renderHeader() {
  const navId = 'site-nav';
  const toggle = h('button', {
    type: 'button', class: 'nav-toggle', 'aria-expanded': 'false', 'aria-controls': navId,
  }, t('nav.menu'));
  const list = h('ul', { class: 'nav-list' });
  const closeNav = () => { nav.classList.remove('open'); toggle.setAttribute('aria-expanded', 'false'); };
  const link = ([href, key, name]) => {
    const a = h('a', { href, 'aria-current': currentRoute === name ? 'page' : null }, t(key));
    a.addEventListener('click', closeNav);
    return h('li', null, a);
  };
  for (const item of navLinks()) {
    if (Array.isArray(item[1])) list.appendChild(navGroup(item[0], item[1], link));
    else list.appendChild(link(item));
  }
  const elder = h('button', { type: 'button', class: 'elder-switch', 'aria-pressed': String(elderOn()) }, t('nav.elder'));
  elder.addEventListener('click', () => {
    const on = !elderOn();
    setElder(on);
    elder.setAttribute('aria-pressed', String(on));
  });
  list.appendChild(h('li', { class: 'nav-elder' }, elder));
  const nav = h('nav', { id: navId, class: 'site-nav', 'aria-label': t('nav.label') }, list);
  toggle.addEventListener('click', () => {
    const open = !nav.classList.contains('open');
    nav.classList.toggle('open', open);
    toggle.setAttribute('aria-expanded', String(open));
  });

  const isZh = getLocale() === 'zh-CN';
  const langBtn = h('button', {
    type: 'button', class: 'lang-switch', lang: isZh ? 'en' : 'zh-CN',
    title: t('lang.switchTitle'),
  }, isZh ? 'English' : '中文');
  langBtn.addEventListener('click', () => setLocale(isZh ? 'en' : 'zh-CN'));

  let userBox = null;
  if (session.user) {
    const u = session.user;
    const out = h('button', { type: 'button', class: 'btn-link logout' }, t('nav.logout'));
    out.addEventListener('click', async () => {
      await logout();
      navigate('#/login');
    });
    userBox = h('div', { class: 'user-box' },
      h('span', { class: 'user-name' }, u.display_name || u.username),
      h('span', { class: 'user-role' }, roleSummary(u)),
      notifications.bell(),
      out);
  }

  const skip = h('a', { class: 'skip-link', href: '#main-content' }, t('nav.skip'));
  skip.addEventListener('click', (e) => {
    e.preventDefault();
    const target = main.querySelector('h1') || main;
    target.setAttribute('tabindex', '-1');
    target.focus();
  });

  if (footer) replace(footer, h('p', null, t('footer.motto')), h('p', { class: 'footer-small' }, t('footer.note')));
  replace(header,
    skip,
    h('div', { class: 'header-inner' },
      h('a', { class: 'brand', href: session.user ? homeFor(session.user) : '#/' },
        h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '枫'),
        h('span', { class: 'brand-text' }, t('app.short'),
          h('span', { class: 'brand-tagline' }, t('app.tagline')))),
      userBox,
      outboxBadge(),
      langBtn,
      toggle,
      nav));
}

async function route() {
  const seq = ++renderSeq;
  const { path, query } = parseHash();
  let match = null;
  let params = {};
  for (const r of routes) {
    const m = path.match(r.re);
    if (m) {
      match = r;
      params = {};
      (r.keys || []).forEach((k, i) => { params[k] = decodeURIComponent(m[i + 1]); });
      break;
    }
  }
  if (typeof cleanup === 'function') { try { cleanup(); } catch (_) { /* ignore */ } }
  cleanup = null;
  if (!match) {
    currentRoute = null;
    renderHeader();
    replace(main, h('section', { class: 'page' },
      h('h1', null, t('notfound.title')),
      h('p', null, t('notfound.body')),
      h('p', null, h('a', { href: '#/', class: 'btn' }, t('notfound.home')))));
    document.title = t('notfound.title') + ' - ' + t('app.title');
    return;
  }
  if (match.staff && !session.user) {
    location.replace('#/login?next=' + encodeURIComponent(path + (query.toString() ? '?' + query : '')));
    return;
  }
  currentRoute = match.name;
  renderHeader();
  const container = h('div', { class: 'page page-' + match.name });
  replace(main, container);
  main.setAttribute('aria-busy', 'true');
  try {
    const ctx = { container, params, query, navigate, isCurrent: () => seq === renderSeq };
    const done = await match.page.render(ctx);
    if (seq === renderSeq) cleanup = done;
    else if (typeof done === 'function') done();
  } catch (e) {
    console.warn('render failed', e);
    if (seq === renderSeq) {
      replace(container, h('h1', null, t('error.pageTitle')), h('p', { class: 'alert alert-error', role: 'alert' }, t('error.page')));
    }
  } finally {
    if (seq === renderSeq) main.removeAttribute('aria-busy');
  }
  if (seq !== renderSeq) return;
  const h1 = container.querySelector('h1');
  document.title = (h1 ? h1.textContent + ' - ' : '') + t('app.title');
}

let lastFocusHash = null;
function onHashChange() {
  route().then(() => {
    // Move focus to the new page's heading so keyboard and screen-reader
    // users start at the top of what changed.
    if (lastFocusHash !== null && !main.contains(document.activeElement)) {
      const h1 = main.querySelector('h1');
      if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus({ preventScroll: false }); }
    }
    lastFocusHash = location.hash;
  });
}

onLocaleChange(() => {
  // The header is rebuilt in the new language; keep focus on the switch.
  const hadFocus = document.activeElement && document.activeElement.classList.contains('lang-switch');
  route().then(() => {
    const btn = header.querySelector('.lang-switch');
    if (hadFocus && btn) btn.focus();
  });
  if (hadFocus) { const btn = header.querySelector('.lang-switch'); if (btn) btn.focus(); }
});
onAuthChange(() => renderHeader());

window.addEventListener('hashchange', onHashChange);

(async function boot() {
  document.title = t('app.title');
  const { path } = parseHash();
  const staffRoute = routes.some((r) => r.staff && r.re.test(path));
  await loadMe({ force: staffRoute });
  lastFocusHash = null;
  await route();
  lastFocusHash = location.hash;
  registerWorker();
})();
