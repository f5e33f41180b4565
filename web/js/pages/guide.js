// guide.js - a self-help guide: a few questions, then what the law and
// practice say, and a button to file a case.
import { h, append, replace, uid } from '../dom.js';
import { t } from '../i18n.js';
import { GUIDES, GUIDE_ORDER, applies } from '../guides.js';

export function render({ container, params }) {
  const topic = params.topic;
  const g = topic && GUIDES[topic];
  if (!g) {
    const list = h('ul', { class: 'card-grid' });
    for (const tp of GUIDE_ORDER) {
      list.appendChild(h('li', { class: 'card' },
        h('h2', null, h('a', { href: `#/guide/${tp}`, class: 'card-link' }, t(`guide.${tp}.title`))),
        h('p', null, t(`guide.${tp}.summary`))));
    }
    append(container, h('h1', null, t('guide.indexTitle')), h('p', null, t('home.guidesLead')), list);
    return;
  }
  const p = `guide.${topic}`;
  const result = h('section', { class: 'guide-result', 'aria-live': 'polite', hidden: true });
  const form = h('form', { class: 'guide-form card', novalidate: true });
  for (const q of g.questions) {
    const fs = h('fieldset', { class: 'question' }, h('legend', null, t(`${p}.q.${q.id}`)));
    const opts = h('div', { class: 'choices' });
    for (const o of q.options) {
      const id = uid('q');
      opts.appendChild(h('div', { class: 'choice' },
        h('input', { type: 'radio', name: q.id, id, value: o }),
        h('label', { for: id }, t(`${p}.q.${q.id}.${o}`))));
    }
    fs.appendChild(opts);
    form.appendChild(fs);
  }
  form.appendChild(h('p', { class: 'form-actions' },
    h('button', { type: 'submit', class: 'btn btn-primary' }, t('guide.show'))));

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const answers = {};
    for (const q of g.questions) {
      const c = form.querySelector(`input[name="${q.id}"]:checked`);
      if (c) answers[q.id] = c.value;
    }
    showResult(answers);
  });

  function showResult(answers) {
    const law = h('ul', { class: 'law-list' });
    for (const item of g.law) {
      if (!applies(item, answers)) continue;
      law.appendChild(h('li', { class: 'law-item' },
        h('p', { class: 'law-cite' }, t(`${p}.law.${item.key}.cite`)),
        h('blockquote', null, t(`${p}.law.${item.key}.text`))));
    }
    const tips = h('ul', { class: 'tips' });
    for (const item of g.tips) {
      if (!applies(item, answers)) continue;
      tips.appendChild(h('li', null, t(`${p}.tip.${item.key}`)));
    }
    replace(result,
      h('h2', { tabindex: '-1', class: 'result-title' }, t('guide.resultTitle')),
      h('h3', null, t('guide.lawTitle')),
      law,
      h('h3', null, t('guide.practiceTitle')),
      tips,
      h('p', { class: 'disclaimer' }, t('guide.disclaimer')),
      h('div', { class: 'cta card' },
        h('p', null, t('guide.ctaText')),
        h('p', { class: 'hero-actions' },
          h('a', { href: `#/file?topic=${topic}`, class: 'btn btn-primary file-from-guide' }, t('guide.fileButton')),
          h('a', { href: '#/track', class: 'btn' }, t('home.track')))));
    result.hidden = false;
    result.querySelector('.result-title').focus();
  }

  append(container,
    h('nav', { class: 'breadcrumb', 'aria-label': t('common.breadcrumb') },
      h('a', { href: '#/' }, t('nav.home')), ' / ', h('span', null, t('guide.indexTitle'))),
    h('h1', null, t(`${p}.title`)),
    h('p', { class: 'lead' }, t(`${p}.intro`)),
    h('h2', null, t('guide.questionsTitle')),
    h('p', { class: 'muted' }, t('guide.questionsHint')),
    form,
    result);
}
