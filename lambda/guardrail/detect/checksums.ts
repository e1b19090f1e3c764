/** Checksums and number ranges that decide whether a well-formed candidate is the real thing. */

/** Luhn checksum over the digits of `s` (other characters ignored); 13 to 19 digits. */
export function luhnValid(s: string): boolean {
  let sum = 0;
  let double = false;
  let digits = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) continue;
    digits++;
    let d = c;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits >= 13 && digits <= 19 && sum % 10 === 0;
}

/**
 * The card lengths a scheme issues for numbers starting with these digits (Visa, Mastercard, Amex, Discover,
 * JCB, Diners, UnionPay, Maestro, Mir): a bit set of lengths 12 to 19 (bit n set: length n allowed), 0 for
 * none. Only the first four digits are read.
 */
export function cardLengths(first4: string): number {
  const p4 = Number(first4);
  const p3 = Math.floor(p4 / 10);
  const p2 = Math.floor(p4 / 100);
  const d1 = Math.floor(p4 / 1000);
  if (d1 === 4) return VISA; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return L16; // Mastercard
  if (p2 === 34 || p2 === 37) return L15; // Amex
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649)) return L16_19; // Discover
  if (p4 >= 3528 && p4 <= 3589) return L16_19; // JCB
  if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) return L14_19; // Diners
  if (p2 === 62 || p2 === 81) return L16_19; // UnionPay
  if (p4 >= 2200 && p4 <= 2204) return L16_19; // Mir
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return L12_19; // Maestro and other 5/6 ranges
  return 0;
}

function lengths(lo: number, hi: number): number {
  let m = 0;
  for (let n = lo; n <= hi; n++) m |= 1 << n;
  return m;
}
const VISA = (1 << 13) | (1 << 16) | (1 << 19);
const L15 = 1 << 15;
const L16 = 1 << 16;
const L16_19 = lengths(16, 19);
const L14_19 = lengths(14, 19);
const L12_19 = lengths(12, 19);

/** True when a digit string starts like a payment card of a major scheme and has a length that scheme issues. */
export function cardPrefixValid(digits: string): boolean {
  return digits.length >= 4 && (cardLengths(digits.slice(0, 4)) & (1 << digits.length)) !== 0;
}

/** IBAN length per country (ISO 13616 registry). */
export const IBAN_LENGTHS: { readonly [country: string]: number } = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22,
  GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30,
  KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20,
  MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22,
  RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

/** ISO 13616 check of an IBAN: known country, its exact length, mod 97 = 1 (spaces ignored, any case). */
export function ibanValid(s: string): boolean {
  const iban = s.replace(/[ -]/g, '').toUpperCase();
  const length = IBAN_LENGTHS[iban.slice(0, 2)];
  if (length === undefined || iban.length !== length || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i);
    const value = code >= 65 && code <= 90 ? code - 55 : code - 48;
    rem = value > 9 ? (rem * 100 + value) % 97 : (rem * 10 + value) % 97;
  }
  return rem === 1;
}

/** A US SSN the SSA could have issued: area 001-899 but not 666, group 01-99, serial 0001-9999. */
export function ssnValid(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  return a > 0 && a < 900 && a !== 666 && Number(group) > 0 && Number(serial) > 0;
}
