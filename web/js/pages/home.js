// home.js - the resident portal: self-help guides, filing, tracking, staff login.
import { h, append } from '../dom.js';
import { t } from '../i18n.js';
import { session } from '../api.js';
import { GUIDE_ORDER } from '../guides.js';

export function render({ container }) {
  const guides = h('ul', { class: 'card-grid guide-cards' });
  for (const topic of GUIDE_ORDER) {
    guides.appendChild(h('li', { class: 'card guide-card' },
      h('h3', null, h('a', { href: `#/guide/${topic}`, class: 'card-link' }, t(`guide.${topic}.title`))),
      h('p', null, t(`guide.${topic}.summary`))));
  }

  append(container,
    h('section', { class: 'hero' },
      h('h1', null, t('home.title')),
      h('p', { class: 'lead' }, t('home.lead')),
      h('p', { class: 'hero-actions' },
        h('a', { href: '#/file', class: 'btn btn-primary' }, t('home.file')),
        h('a', { href: '#/track', class: 'btn' }, t('home.track')))),
    h('section', { class: 'section', 'aria-labelledby': 'home-guides' },
      h('h2', { id: 'home-guides' }, t('home.guides')),
      h('p', { class: 'muted' }, t('home.guidesLead')),
      guides),
    h('section', { class: 'section two-col' },
      h('div', { class: 'card' },
        h('h2', null, t('home.howTitle')),
        h('ol', { class: 'steps' },
          h('li', null, t('home.how1')),
          h('li', null, t('home.how2')),
          h('li', null, t('home.how3')),
          h('li', null, t('home.how4')))),
      h('div', { class: 'card' },
        h('h2', null, t('home.staffTitle')),
        h('p', null, t('home.staffLead')),
        session.user
          ? h('p', null, h('a', { href: '#/inbox', class: 'btn' }, t('home.toInbox')))
          : h('p', null, h('a', { href: '#/login', class: 'btn staff-login' }, t('home.staffLogin'))))));
}
