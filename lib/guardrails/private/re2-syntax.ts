/**
 * A syntax check for RE2 patterns, without RE2: the constructs RE2 rejects because they cannot run in linear
 * time (lookaround, backreferences, atomic groups, possessive quantifiers, recursion, conditionals) or does
 * not know, unbalanced groups and classes, and repetition counts above RE2's limit of 1000.
 *
 * The guardrail Lambda compiles the patterns with re2js (RE2 semantics) at cold start; this check runs at
 * synth so a pattern RE2 would reject fails `cdk synth`, not the deployed function. The tests compare its
 * verdict with re2js on valid and invalid patterns.
 *
 * @returns undefined when the pattern is acceptable, else why not (a short phrase)
 */
export function re2SyntaxProblem(pattern: string): string | undefined {
  if (pattern.length === 0) return 'an empty pattern';
  let depth = 0;
  let i = 0;
  let atomBefore = false; // something a quantifier can apply to
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i];
    if (c === '\\') {
      const problem = escapeProblem(pattern, i, false);
      if (problem) return problem;
      if (pattern[i + 1] === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        i = end < 0 ? n : end + 2;
      } else i += escapeLength(pattern, i);
      atomBefore = true;
      continue;
    }
    if (c === '[') {
      const end = classEnd(pattern, i);
      if (typeof end === 'string') return end;
      i = end;
      atomBefore = true;
      continue;
    }
    if (c === '(') {
      if (pattern[i + 1] === '?') {
        const rest = pattern.slice(i + 2);
        if (/^[=!]/.test(rest)) return 'lookahead (?= or (?!)';
        if (/^<[=!]/.test(rest)) return 'lookbehind (?<= or (?<!)';
        if (rest.startsWith('>')) return 'an atomic group (?>';
        if (rest.startsWith('(')) return 'a conditional (?(';
        if (rest.startsWith('|')) return 'a branch reset (?|';
        if (rest.startsWith('#')) return 'a comment group (?#';
        if (/^(?:R|[+-]?\d|&)/.test(rest)) return 'recursion or a subroutine call';
        if (/^P?<[A-Za-z_][A-Za-z0-9_]*>/.test(rest)) {
          i += 2 + /^P?<[A-Za-z_][A-Za-z0-9_]*>/.exec(rest)![0].length;
        } else {
          const flags = /^([A-Za-z-]*)([:)])/.exec(rest);
          if (!flags) return 'an unknown group (? construct';
          if (!/^[imsU]*(?:-[imsU]+)?$/.test(flags[1])) return `unsupported flags (?${flags[1]})`;
          if (flags[2] === ')') {
            i += 2 + flags[0].length;
            atomBefore = false;
            continue;
          }
          i += 2 + flags[0].length;
        }
      } else i++;
      depth++;
      atomBefore = false;
      continue;
    }
    if (c === ')') {
      if (depth === 0) return 'an unbalanced )';
      depth--;
      i++;
      atomBefore = true;
      continue;
    }
    if (c === '*' || c === '+' || c === '?') {
      if (!atomBefore) return `nothing to repeat before ${c}`;
      i++;
      if (pattern[i] === '+') return 'a possessive quantifier (*+, ++, ?+)';
      if (pattern[i] === '?') i++;
      if (pattern[i] === '*' || pattern[i] === '+' || (pattern[i] === '?' && c !== '?')) return 'a repeated quantifier';
      atomBefore = false;
      continue;
    }
    if (c === '{') {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(pattern.slice(i));
      if (m) {
        if (!atomBefore) return 'nothing to repeat before {';
        const min = Number(m[1]);
        const max = m[3] === undefined || m[3] === '' ? min : Number(m[3]);
        if (min > 1000 || max > 1000) return 'a repetition count above 1000';
        if (m[3] !== undefined && m[3] !== '' && max < min) return 'a repetition {n,m} with m < n';
        i += m[0].length;
        if (pattern[i] === '+') return 'a possessive quantifier ({n,m}+)';
        if (pattern[i] === '?') i++;
        atomBefore = false;
        continue;
      }
      i++;
      atomBefore = true;
      continue;
    }
    i++;
    atomBefore = c !== '|' && c !== '^' && c !== '$';
  }
  if (depth !== 0) return 'an unbalanced (';
  return undefined;
}

/** Length of the escape at `i` (`\d`, `\x{41}`, `\p{Greek}`, `\123` ...). */
function escapeLength(p: string, i: number): number {
  const next = p[i + 1];
  if (next === undefined) return 1;
  if ((next === 'x' || next === 'p' || next === 'P') && p[i + 2] === '{') {
    const end = p.indexOf('}', i + 3);
    return end < 0 ? p.length - i : end - i + 1;
  }
  if (next === 'x') return 4;
  if (next === 'p' || next === 'P') return 3;
  if (/[0-7]/.test(next)) {
    let k = i + 1;
    while (k < p.length && k < i + 4 && /[0-7]/.test(p[k])) k++;
    return k - i;
  }
  return 2;
}

/** Why an escape is not RE2, or undefined. */
function escapeProblem(p: string, i: number, inClass: boolean): string | undefined {
  const next = p[i + 1];
  if (next === undefined) return 'a trailing backslash';
  if (/[1-9]/.test(next)) return `a backreference \\${next}`;
  if (next === '0' && !/[0-7]/.test(p[i + 2] ?? '')) return undefined;
  if (next === 'k' || next === 'g') return `a backreference \\${next}`;
  if ('GZXRKNhHVe'.includes(next)) return `an escape RE2 does not support (\\${next})`;
  if (next === 'c') return 'a control-character escape (\\c)';
  if (next === 'u') return 'a \\u escape (use \\x{HHHH})';
  if (!inClass && 'bB'.includes(next)) return undefined;
  if (/[A-Za-z]/.test(next) && !'dDsSwWbBAzpPxQEtnrfav'.includes(next)) return `an unknown escape \\${next}`;
  if (next === 'x' && p[i + 2] !== '{' && !/^[0-9A-Fa-f]{2}/.test(p.slice(i + 2, i + 4))) return 'a malformed \\x escape';
  return undefined;
}

/** End (exclusive) of the character class at `i`, or why it is not RE2. */
function classEnd(p: string, i: number): number | string {
  let k = i + 1;
  if (p[k] === '^') k++;
  if (p[k] === ']') k++; // a literal ] first
  while (k < p.length) {
    const c = p[k];
    if (c === '\\') {
      const problem = escapeProblem(p, k, true);
      if (problem) return problem;
      k += escapeLength(p, k);
      continue;
    }
    if (c === '[' && p[k + 1] === ':') {
      const end = p.indexOf(':]', k + 2);
      if (end < 0) return 'an unterminated [:class:]';
      if (!/^\^?(?:alnum|alpha|ascii|blank|cntrl|digit|graph|lower|print|punct|space|upper|word|xdigit)$/.test(p.slice(k + 2, end))) return 'an unknown [:class:]';
      k = end + 2;
      continue;
    }
    if (c === ']') return k + 1;
    k++;
  }
  return 'an unterminated [';
}
