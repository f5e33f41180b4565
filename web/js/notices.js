// notices.js - the case page's 打印 (print) card: links to the printed
// notices (受理通知书, 不予受理通知书, 回访记录表) that the server says the
// case allows now (GET /api/cases/{id}/notices, issue 13 item 9). Each link
// is a plain download of a PDF made on the server; the server audits it.
// Kept out of pages/case.js, which only places the card and redraws it.
import { h, replace } from './dom.js';
import { t } from './i18n.js';
import { get } from './api.js';

/** An empty, hidden card for the case page; fill it with drawNotices. */
export function noticesCard() {
  return h('section', { class: 'card notices-card', 'aria-labelledby': 'sec-notices', hidden: true });
}

/** Asks which notices case c allows and shows a link for each (the card
 * stays hidden when there is none). Called again after every action. */
export async function drawNotices(card, c) {
  const ask = String(Date.now()) + Math.random();
  card.dataset.ask = ask;
  let items = [];
  try {
    items = ((await get(`/api/cases/${encodeURIComponent(c.id)}/notices`)) || {}).items || [];
  } catch (_) {
    items = []; // no card rather than an error box: printing is optional
  }
  if (card.dataset.ask !== ask) return; // a newer draw won
  const open = items.filter((n) => n.available);
  card.hidden = open.length === 0;
  replace(card,
    h('h2', { id: 'sec-notices' }, t('notices.title')),
    h('ul', { class: 'notice-list' }, open.map((n) => h('li', null,
      h('a', { class: 'btn btn-small', href: n.href, download: '', dataset: { notice: n.kind } },
        t(`notices.${n.kind}`))))),
    h('p', { class: 'muted small' }, t('notices.hint')));
}
