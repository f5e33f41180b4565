// guides.js - the structure of the resident self-help guides. All the words
// live in the message catalogues under guide.<topic>.*; this file only says
// which questions there are and which legal provisions and tips apply to
// which answers.

export const GUIDE_ORDER = ['wages', 'deposit', 'neighbours', 'support'];

export const GUIDES = {
  wages: {
    category: 'labour',
    questions: [
      { id: 'site', options: ['yes', 'no'] },
      { id: 'contract', options: ['yes', 'no'] },
      { id: 'left', options: ['yes', 'no'] },
    ],
    law: [
      { key: 'lc30' },
      { key: 'lc85' },
      { key: 'wr3' },
      { key: 'wr30', when: { site: 'yes' } },
      { key: 'wr36', when: { site: 'yes' } },
      { key: 'lc7', when: { contract: 'no' } },
      { key: 'lc82', when: { contract: 'no' } },
      { key: 'am27' },
    ],
    tips: [
      { key: 'evidence' },
      { key: 'noContract', when: { contract: 'no' } },
      { key: 'leftOneYear', when: { left: 'yes' } },
      { key: 'siteBoss', when: { site: 'yes' } },
      { key: 'mediate' },
      { key: 'hotline' },
      { key: 'crime' },
    ],
  },
  deposit: {
    category: 'contract',
    questions: [
      { id: 'written', options: ['yes', 'no'] },
      { id: 'early', options: ['yes', 'no'] },
      { id: 'damage', options: ['yes', 'no'] },
    ],
    law: [
      { key: 'cc703' },
      { key: 'cc707', when: { written: 'no' } },
      { key: 'cc730', when: { written: 'no' } },
      { key: 'cc710', when: { damage: 'yes' } },
      { key: 'cc711', when: { damage: 'yes' } },
      { key: 'cc712' },
      { key: 'cc722' },
      { key: 'cc733' },
      { key: 'cc585', when: { early: 'yes' } },
    ],
    tips: [
      { key: 'whatIsDeposit' },
      { key: 'checkout' },
      { key: 'wear', when: { damage: 'yes' } },
      { key: 'early', when: { early: 'yes' } },
      { key: 'evidence' },
      { key: 'mediate' },
    ],
  },
  neighbours: {
    category: 'neighbour',
    questions: [
      { id: 'issue', options: ['wall', 'drip', 'drain', 'light'] },
      { id: 'papers', options: ['yes', 'no'] },
      { id: 'damage', options: ['yes', 'no'] },
    ],
    law: [
      { key: 'cc288' },
      { key: 'cc289' },
      { key: 'cc290', when: { issue: ['drip', 'drain'] } },
      { key: 'cc291', when: { issue: 'light' } },
      { key: 'cc292', when: { issue: 'wall' } },
      { key: 'cc293', when: { issue: 'light' } },
      { key: 'cc295', when: { issue: 'wall' } },
      { key: 'cc296' },
      { key: 'lm14', when: { issue: 'wall', papers: 'no' } },
      { key: 'cc1165', when: { damage: 'yes' } },
    ],
    tips: [
      { key: 'look' },
      { key: 'wall', when: { issue: 'wall' } },
      { key: 'drip', when: { issue: 'drip' } },
      { key: 'drain', when: { issue: 'drain' } },
      { key: 'light', when: { issue: 'light' } },
      { key: 'noPapers', when: { papers: 'no' } },
      { key: 'damage', when: { damage: 'yes' } },
      { key: 'calm' },
    ],
  },
  support: {
    category: 'marriage_family',
    questions: [
      { id: 'who', options: ['parent', 'child'] },
      { id: 'divorced', options: ['yes', 'no'] },
      { id: 'several', options: ['yes', 'no'] },
    ],
    law: [
      { key: 'cc1067' },
      { key: 'ep14', when: { who: 'parent' } },
      { key: 'ep19', when: { who: 'parent' } },
      { key: 'cc1069', when: { who: 'parent', divorced: 'yes' } },
      { key: 'cc1068', when: { who: 'child' } },
      { key: 'cc1084', when: { who: 'child', divorced: 'yes' } },
      { key: 'cc1085', when: { who: 'child', divorced: 'yes' } },
      { key: 'ep20', when: { who: 'parent', several: 'yes' } },
    ],
    tips: [
      { key: 'talk' },
      { key: 'amount' },
      { key: 'agreement', when: { several: 'yes' } },
      { key: 'court' },
      { key: 'violence' },
    ],
  },
};

/** Whether a law/tip item applies to the answers given. */
export function applies(item, answers) {
  if (!item.when) return true;
  return Object.entries(item.when).every(([q, v]) => {
    const a = answers[q];
    return Array.isArray(v) ? v.includes(a) : a === v;
  });
}
