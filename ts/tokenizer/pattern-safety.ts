// A split pattern read from a file is code that runs on every text: `(a+)+$` backtracks
// exponentially and hangs `tokenize` and `sample` (JavaScript regexes cannot be time-limited).
// The named patterns (gpt2, gpt4, none) and their exact sources are always allowed; any other
// pattern must pass this static check, which rules out catastrophic backtracking by shape:
//  - no quantifier on a group that holds a quantifier or an alternation ((a+)+, (a|a)*, (a|ab)+):
//    with star height 1 a backtracking matcher is polynomial, never exponential;
//  - at most two unbounded quantifiers (*, +, {n,}) in one top-level alternative, so that
//    polynomial stays quadratic (GPT-4's pattern needs two: \s*[\r\n]+);
//  - no backreferences (\1, \k<name>), whose matching is NP-hard in general.

import { TokenizerConfigError } from './errors.js';

export const MAX_UNBOUNDED_PER_ALTERNATIVE = 2;

interface Frame { quantified: boolean; alternation: boolean }

/** Why `src` may backtrack catastrophically, or null when it passes. */
export function patternHazard(src: string): string | null {
  const stack: Frame[] = [{ quantified: false, alternation: false }];
  let unbounded = 0; // in the current top-level alternative
  let lastGroup: Frame | null = null; // the group that just closed, if the previous atom was one
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    const afterGroup = lastGroup;
    lastGroup = null;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) return 'it ends with a lone backslash';
      if (/[1-9]/.test(n) || n === 'k') return `it uses a backreference (\\${n}), which can take exponential time`;
      if ((n === 'p' || n === 'P' || n === 'u' || n === 'x') && src[i + 2] === '{') i = src.indexOf('}', i) < 0 ? src.length : src.indexOf('}', i);
      else i++;
      continue;
    }
    if (c === '[') { // a class is one atom; skip to its unescaped end
      for (i++; i < src.length && src[i] !== ']'; i++) if (src[i] === '\\') i++;
      continue;
    }
    if (c === '(') {
      if (src[i + 1] === '?') i += src[i + 2] === '<' && src[i + 3] !== '=' && src[i + 3] !== '!' ? src.indexOf('>', i) - i : src[i + 2] === '<' ? 3 : 2;
      stack.push({ quantified: false, alternation: false });
      continue;
    }
    if (c === ')') {
      const f = stack.pop();
      if (!f || stack.length === 0) return 'its parentheses do not balance';
      const parent = stack[stack.length - 1];
      parent.quantified ||= f.quantified;
      lastGroup = f;
      continue;
    }
    if (c === '|') {
      if (stack.length === 1) unbounded = 0;
      else stack[stack.length - 1].alternation = true;
      continue;
    }
    const q = /^(\*|\+|\?|\{\d+(,\d*)?\})/.exec(src.slice(i, i + 24));
    if (q) {
      const isUnbounded = q[0] === '*' || q[0] === '+' || /,\}$/.test(q[0]);
      const bound = /^\{\d+(?:,(\d+))?\}$/.exec(q[0]);
      const repeats = isUnbounded || (bound !== null && Number(bound[1] ?? q[0].slice(1, -1)) > 1); // ? and {0,1} do not
      if (afterGroup && (afterGroup.quantified || afterGroup.alternation) && repeats) {
        return `it repeats a group that itself repeats or alternates (a quantifier on "(…)" at offset ${i}), which can backtrack exponentially`;
      }
      stack[stack.length - 1].quantified = true;
      if (isUnbounded && ++unbounded > MAX_UNBOUNDED_PER_ALTERNATIVE) {
        return `one alternative has more than ${MAX_UNBOUNDED_PER_ALTERNATIVE} unbounded quantifiers (*, +, {n,}), which backtracks in polynomial time of high degree`;
      }
      i += q[0].length - 1;
      if (src[i + 1] === '?') i++; // lazy
      continue;
    }
  }
  if (stack.length !== 1) return 'its parentheses do not balance';
  return null;
}

/** Throws TokenizerConfigError naming the hazard and the fix. */
export function checkPatternSafe(src: string): void {
  const why = patternHazard(src);
  if (why !== null) {
    throw new TokenizerConfigError(`split pattern ${JSON.stringify(src.length > 80 ? src.slice(0, 77) + '...' : src)} is refused: ${why}. ` +
      'Use "gpt2", "gpt4" or "none", or a pattern without repeated groups, backreferences or more than two unbounded quantifiers per alternative');
  }
}
