// Clearly fake but well-formed values for the guardrail corpus: test card numbers, IBANs with valid check
// digits, AWS's documented example keys, fictional phone ranges, random tokens from a seeded generator.

/** A small seeded PRNG (mulberry32), so the corpus is the same on every build. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function luhn(digits) {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = Number(digits[i]);
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

/** Published test card numbers (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay). */
export const CARDS = [
  '4111111111111111', '4012888888881881', '4242424242424242', '4000056655665556', '5555555555554444', '5105105105105100',
  '5200828282828210', '2223003122003222', '378282246310005', '371449635398431', '6011111111111117', '6011000990139424',
  '3530111333300000', '3566002020360505', '30569309025904', '38520000023237', '6200000000000005', '4917610000000000',
];
for (const c of CARDS) if (!luhn(c)) throw new Error(`not Luhn-valid: ${c}`);

export function groupCard(card, sep = ' ') {
  if (card.length === 15) return [card.slice(0, 4), card.slice(4, 10), card.slice(10)].join(sep);
  if (card.length === 14) return [card.slice(0, 4), card.slice(4, 10), card.slice(10)].join(sep);
  return card.match(/.{1,4}/g).join(sep);
}

function mod97(s) {
  let r = 0;
  for (const ch of s) {
    const v = /[A-Z]/.test(ch) ? ch.charCodeAt(0) - 55 : Number(ch);
    r = v > 9 ? (r * 100 + v) % 97 : (r * 10 + v) % 97;
  }
  return r;
}

/** An IBAN with valid check digits for a country and a BBAN of the country's length. */
export function iban(country, bban) {
  const check = String(98 - mod97(bban + country + '00')).padStart(2, '0');
  return country + check + bban;
}

export const IBANS = [
  iban('DE', '370400440532013000'), iban('GB', 'WEST12345698765432'), iban('FR', '20041010050500013M02606'), iban('NL', 'ABNA0417164300'),
  iban('ES', '21000418450200051332'), iban('IT', 'X0542811101000000123456'), iban('CH', '00762011623852957'), iban('BE', '539007547034'),
  iban('AT', '1904300234573201'), iban('PL', '109010140000071219812874'), iban('SE', '50000000058398257466'), iban('IE', 'AIBK93115212345678'),
  iban('PT', '000201231234567890154'), iban('DK', '00400440116243'), iban('NO', '86011117947'), iban('FI', '12345600000785'),
  iban('LU', '0019400644750000'), iban('CZ', '08000000192000145399'), iban('HU', '117730161111101800000000'), iban('RO', 'AAAA1B31007593840000'),
];

const IBAN_LENGTH = { DE: 22, GB: 22, FR: 27, NL: 18, ES: 24, IT: 27, CH: 21, BE: 16, AT: 20, PL: 28, SE: 24, IE: 22, PT: 25, DK: 18, NO: 15, FI: 18, LU: 20, CZ: 24, HU: 28, RO: 24 };
for (const x of IBANS) if (x.length !== IBAN_LENGTH[x.slice(0, 2)]) throw new Error(`wrong IBAN length: ${x}`);

export function groupIban(s, sep = ' ') {
  return s.match(/.{1,4}/g).join(sep);
}

/** AWS's documented example credentials, and well-formed random ones. */
export const AWS_KEY_IDS = ['AKIAIOSFODNN7EXAMPLE', 'AKIAI44QH8DHBEXAMPLE'];
export const AWS_SECRETS = ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY'];

export function randomToken(r, length, alphabet) {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

export const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const HEX = '0123456789abcdef';

/** A random AWS-format key id and a secret with mixed classes (retries until it has upper, lower and digits). */
export function awsPair(r, prefix = 'AKIA') {
  const id = prefix + randomToken(r, 16, B32);
  let secret;
  do secret = randomToken(r, 40, B64);
  while (!/[A-Z]/.test(secret) || !/[a-z]/.test(secret) || !/\d/.test(secret));
  return { id, secret };
}

export function pemBody(r, lines = 4) {
  const out = [];
  for (let i = 0; i < lines; i++) out.push(randomToken(r, 64, B64));
  return out.join('\n');
}

/** A JWT-shaped token (header and payload are real base64url JSON). */
export function jwt(r, payload) {
  const b64url = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload)}.${randomToken(r, 43, ALNUM + '-_')}`;
}

/** A valid SSN in issued ranges (area 001-899 except 666, group 01-99, serial 0001-9999). */
export function ssn(r) {
  let area;
  do area = 1 + Math.floor(r() * 899);
  while (area === 666);
  const group = 1 + Math.floor(r() * 99);
  const serial = 1 + Math.floor(r() * 9999);
  return [String(area).padStart(3, '0'), String(group).padStart(2, '0'), String(serial).padStart(4, '0')];
}
