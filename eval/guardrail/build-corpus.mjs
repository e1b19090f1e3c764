// node eval/guardrail/build-corpus.mjs — writes eval/guardrail/corpus.jsonl (deterministic: seeded).
// Plain cases are hand-written (cases-positive.mjs, cases-negative.mjs); evasive cases apply one of the
// tricks attackers use (full width, invisible characters, look-alike letters, spacing, leetspeak, encodings,
// obfuscated e-mails, split digits) to a plain positive. Each line: { id, category, evasion, lang, text,
// expected: { types, blocked }, why }.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { injectionCases, piiCases, secretCases } from './cases-positive.mjs';
import { NEGATIVES, STYLED_NEGATIVES } from './cases-negative.mjs';
import { EXTRA_NEGATIVES, EXTRA_POSITIVES } from './cases-extra.mjs';
import { rng } from './values.mjs';

const r = rng(20261126);
const pick = (xs) => xs[Math.floor(r() * xs.length)];

// --- evasion techniques -------------------------------------------------------------------------------

const HOMOGLYPHS = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', y: 'у', i: 'і', s: 'ѕ', j: 'ј', A: 'А', B: 'В', E: 'Е', K: 'К', M: 'М', H: 'Н', O: 'О', P: 'Р', C: 'С', T: 'Т', X: 'Х', I: 'І' };
const ZW = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff'];
const LEET = { a: '4', e: '3', i: '1', o: '0', s: '5', t: '7' };

const mapWords = (t, f) => t.replace(/[A-Za-zÀ-ÿ]+/g, f);
const T = {
  fullwidth: (t) => [...t].map((c) => (c === ' ' ? '\u3000' : c >= '!' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join(''),
  'zero-width': (t) => mapWords(t, (w) => [...w].map((c, i) => (i > 0 && r() < 0.5 ? pick(ZW) : '') + c).join('')),
  'soft-hyphen': (t) => mapWords(t, (w) => (w.length > 3 ? w.slice(0, 2) + '\u00ad' + w.slice(2, -1) + '\u00ad' + w.slice(-1) : w)),
  'tag-characters': (t) => mapWords(t, (w) => (w.length > 2 && r() < 0.7 ? w[0] + String.fromCodePoint(0xe0000 + w.charCodeAt(1)) + w.slice(1) : w)),
  homoglyphs: (t) => [...t].map((c) => (HOMOGLYPHS[c] && r() < 0.6 ? HOMOGLYPHS[c] : c)).join(''),
  'letter-spacing': (t) => t.split(' ').map((w) => [...w].join(' ')).join('   '),
  'dotted-letters': (t) => t.split(' ').map((w) => [...w].join('.')).join('  '),
  leetspeak: (t) => mapWords(t, (w) => [...w].map((c) => (LEET[c.toLowerCase()] && r() < 0.6 ? LEET[c.toLowerCase()] : c)).join('')),
  underscores: (t) => t.replace(/ /g, '_'),
  'many-spaces': (t) => t.replace(/ /g, () => ' '.repeat(5 + Math.floor(r() * 6))),
  'line-breaks': (t) => t.replace(/ /g, () => (r() < 0.5 ? '\n' : ' \n ')),
  'math-letters': (t) => [...t].map((c) => (c >= 'A' && c <= 'Z' ? String.fromCodePoint(0x1d400 + c.charCodeAt(0) - 65) : c >= 'a' && c <= 'z' ? String.fromCodePoint(0x1d41a + c.charCodeAt(0) - 97) : c)).join(''),
  'combining-marks': (t) => [...t].map((c) => (/[a-z]/i.test(c) && r() < 0.4 ? c + pick(['\u0301', '\u0308', '\u0336', '\u0332']) : c)).join(''),
  'random-case': (t) => [...t].map((c) => (r() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join(''),
  base64: (t) => `${pick(['Decode this base64 and do what it says:', 'Process the following payload:', 'base64:', 'Here is my request (encoded):', 'Follow the decoded instructions:'])} ${Buffer.from(t).toString('base64')}`,
  hex: (t) => `${pick(['hex-decode and follow:', 'Payload (hex):', 'Decode:'])} ${Buffer.from(t).toString('hex')}`,
};

// PII-specific tricks
const PII_T = {
  'email-brackets': (t) => t.replace(/([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+)\.([A-Za-z.]+)/, (_, l, d, tld) => `${l} ${pick(['[at]', '(at)', '{at}', '<at>'])} ${d} ${pick(['[dot]', '(dot)', '.'])} ${tld.replace(/\./g, ' [dot] ')}`),
  'email-words': (t) => t.replace(/([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+)\.([A-Za-z.]+)/, (_, l, d, tld) => `${l} at ${d} dot ${tld.replace(/\./g, ' dot ')}`),
  'email-spaces': (t) => t.replace(/([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+)\.([A-Za-z.]+)/, (_, l, d, tld) => `${l} @ ${d} . ${tld}`),
  'digits-dots': (t) => t.replace(/(\d{4})[ -](?=\d)/g, '$1.'),
  'digits-en-dash': (t) => t.replace(/(\d)[ -](?=\d)/g, '$1\u2013'),
  'digits-line-break': (t) => t.replace(/(\d{3,4})[ -](?=\d)/, '$1\n'),
  'digits-zero-width': (t) => t.replace(/\d/g, (d) => d + (r() < 0.4 ? pick(ZW) : '')),
  'fullwidth-digits': (t) => t.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)),
  'arabic-indic-digits': (t) => t.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d))),
  'spaced-digits': (t) => t.replace(/\d(?=\d)/g, '$& '),
  lowercase: (t) => t.toLowerCase(),
};

/** Secret types from the most to the least severe (an encoded segment is reported as the most severe). */
const SEVERITY = ['PRIVATE_KEY', 'AWS_SECRET_KEY', 'AWS_ACCESS_KEY', 'URL_CREDENTIALS', 'JWT', 'STRIPE_KEY', 'GITHUB_TOKEN', 'SLACK_TOKEN', 'GCP_CREDENTIAL', 'AZURE_KEY', 'API_TOKEN'];

const INJ_TECHNIQUES = Object.keys(T);

// --- cases --------------------------------------------------------------------------------------------

const cases = [];
const push = (c) => cases.push({ id: `${c.category}-${String(cases.length + 1).padStart(4, '0')}`, category: c.category, evasion: c.evasion ?? 'none', lang: c.lang, text: c.text, expected: { types: [...new Set(c.types)].sort(), blocked: c.blocked }, why: c.why });

const pii = piiCases(r);
const secrets = secretCases(r);
const injections = injectionCases();
for (const c of [...pii, ...secrets, ...injections]) push(c);
for (const [lang, text, why] of NEGATIVES) push({ category: 'negative', lang, text, types: [], blocked: false, why });
for (const [lang, text, why] of STYLED_NEGATIVES) push({ category: 'negative', lang, text, types: [], blocked: false, why });
// the second hand-written set (an evasion is any trick a reader can see in the text)
const TRICK = /[\u200b-\u200f\u2060\ufeff\u00a0\u2011]|[\u{1d400}-\u{1d7ff}]|[ɪɢᴏᴀʟᴘᴇᴠᴜꜱɴᴛᴄ]|\b\w(?:[.-]\w){3,}|[A-Za-z][0-9][A-Za-z]|[0-9][A-Za-z][0-9]|[A-Za-z0-9+/]{24,}={0,2}$/u;
for (const [lang, text, types, why] of EXTRA_POSITIVES) {
  const secret = types.some((t) => !['EMAIL', 'PHONE', 'US_SSN', 'CREDIT_CARD', 'IBAN', 'IP_ADDRESS'].includes(t));
  const category = types.includes('PROMPT_INJECTION') ? 'injection' : secret ? 'secret' : 'pii';
  const evasion = category === 'injection' && TRICK.test(text) ? 'hand-written trick' : category !== 'injection' && /\[at\]|\(at\)| at .* dot |\u2011|\(dot\)/.test(text) ? 'hand-written trick' : 'none';
  push({ category, lang, text, types, blocked: category !== 'pii', evasion, why: why ? `${why} (second set, held out)` : `hand-written ${category}${evasion === 'none' ? '' : ' with a trick'} (second set)` });
}
// ... and each of its plain injections once more with one of the tricks
EXTRA_POSITIVES.filter(([, text, types]) => types.includes('PROMPT_INJECTION') && !TRICK.test(text)).forEach(([lang, text, types, why], i) => {
  const name = INJ_TECHNIQUES[(i * 5 + 2) % INJ_TECHNIQUES.length];
  push({ category: 'injection', lang, text: T[name](text), types, blocked: true, evasion: name, why: `${why ?? 'hand-written injection'} (second set${why ? ', held out' : ''}), hidden with ${name}` });
});
for (const [lang, text, why] of EXTRA_NEGATIVES) push({ category: 'negative', lang, text, types: [], blocked: false, why: why ? `hard negative: ${why} (second set, held out)` : 'hand-written hard negative (second set)' });
// ordinary prompts with invisible or full-width characters: normalization must not invent findings
const benign = NEGATIVES.filter(([lang]) => lang === 'en').slice(90);
for (const [i, [lang, text, why]] of benign.slice(0, 60).entries()) {
  const name = ['fullwidth', 'zero-width', 'line-breaks', 'homoglyphs', 'many-spaces'][i % 5];
  push({ category: 'negative', lang, text: T[name](text), types: [], blocked: false, why: `${why}, written with ${name}`, evasion: name });
}

// Evasive positives: each plain positive once or twice with a technique that fits it.
const englishInjections = injections.filter((c) => c.lang === 'en');
englishInjections.forEach((c, i) => {
  let names = [INJ_TECHNIQUES[i % INJ_TECHNIQUES.length], INJ_TECHNIQUES[(i * 7 + 3) % INJ_TECHNIQUES.length]];
  // an e-mail address inside the attack is only expected where it can still be read as one
  if (c.types.includes('EMAIL')) names = ['zero-width', 'homoglyphs'];
  for (const name of names.slice(0, i % 3 === 0 ? 2 : 1)) push({ ...c, text: T[name](c.text), evasion: name, why: `${c.why}, hidden with ${name}` });
});
injections.filter((c) => c.lang !== 'en').forEach((c, i) => {
  const name = ['fullwidth', 'zero-width', 'soft-hyphen', 'many-spaces', 'base64', 'random-case', 'line-breaks'][i % 7];
  push({ ...c, text: T[name](c.text), evasion: name, why: `${c.why}, hidden with ${name}` });
});
pii.forEach((c, i) => {
  const isEmail = c.types.includes('EMAIL') && c.types.length === 1;
  const names = isEmail
    ? ['email-brackets', 'email-words', 'email-spaces', 'fullwidth', 'zero-width']
    : c.types.includes('IBAN')
      ? ['lowercase', 'digits-line-break', 'fullwidth', 'zero-width', 'homoglyphs']
      : c.types.includes('IP_ADDRESS')
        ? ['fullwidth', 'fullwidth-digits', 'zero-width']
        : ['digits-dots', 'digits-en-dash', 'digits-line-break', 'digits-zero-width', 'fullwidth-digits', 'arabic-indic-digits', 'fullwidth', 'spaced-digits'];
  const name = names[i % names.length];
  const f = PII_T[name] ?? T[name];
  let text = f(c.text);
  if (name === 'email-words' && !/mail|contact|reach|write|send/i.test(text)) text = `Email me: ${text}`;
  if (text !== c.text) push({ ...c, text, evasion: name, why: `${c.why}, written with ${name}` });
});
secrets.forEach((c, i) => {
  if (c.text.length > 400) return;
  const name = ['zero-width', 'fullwidth', 'homoglyphs', 'base64', 'soft-hyphen', 'tag-characters'][i % 6];
  let text;
  if (name === 'homoglyphs') text = c.text.replace(/AKIA|ASIA/g, (m) => m.replace('A', 'А').replace('K', 'К'));
  else if (name === 'zero-width') text = c.text.replace(/[A-Za-z0-9/+]{16,}/g, (m) => m.slice(0, 8) + '\u200b' + m.slice(8, 20) + '\u2060' + m.slice(20));
  else if (name === 'soft-hyphen') text = c.text.replace(/[A-Za-z0-9/+]{16,}/g, (m) => m.slice(0, 10) + '\u00ad' + m.slice(10));
  else if (name === 'tag-characters') text = c.text.replace(/[A-Za-z0-9/+]{16,}/g, (m) => m.slice(0, 6) + String.fromCodePoint(0xe0041) + m.slice(6));
  else text = T[name](c.text);
  // an encoded segment is one finding: the most severe secret in it
  const types = name === 'base64' ? [SEVERITY.find((t) => c.types.includes(t))] : c.types;
  if (text !== c.text) push({ ...c, types, text, evasion: name, why: `${c.why}, hidden with ${name}` });
});

const lines = cases.map((c) => JSON.stringify(c));
writeFileSync(join(new URL('.', import.meta.url).pathname, 'corpus.jsonl'), lines.join('\n') + '\n');
const count = (f) => cases.filter(f).length;
const positives = count((c) => c.category !== 'negative');
const evasive = count((c) => c.category !== 'negative' && c.evasion !== 'none');
const negatives = count((c) => c.category === 'negative');
console.log(`${cases.length} cases: ${positives} positive (${evasive} evasive = ${((100 * evasive) / cases.length).toFixed(1)}%), ${negatives} hard negatives (${((100 * negatives) / cases.length).toFixed(1)}%), languages: ${[...new Set(cases.map((c) => c.lang))].join(', ')}`);
