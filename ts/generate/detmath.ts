// exp and log built from IEEE-754 +, −, ×, ÷ only (fdlibm's range reduction, Taylor/atanh series),
// so sampling gives the same bits in every JS engine: Math.exp/Math.log are allowed to differ in
// the last ulp between V8, SpiderMonkey and JavaScriptCore, and a differing ulp can flip a
// sample drawn near a bucket edge. JavaScript never contracts a*b+c into an FMA, so every step
// below is correctly rounded and therefore engine-independent. Accuracy: a few ulp.

const LN2_HI = 6.93147180369123816490e-1; // ln 2 split so k·LN2_HI is exact for |k| < 2^11
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700;
const SQRT2 = 1.4142135623730951;

// 1/n! for the Taylor series of exp on |r| ≤ ln2/2 (the 14th term is below 1e-17 relative)
const EXP_C: number[] = [];
for (let n = 1, f = 1; n <= 13; n++) { f *= n; EXP_C.push(1 / f); }

const scratch = new DataView(new ArrayBuffer(8));

// 2^k for k in [−1022, 1023], built once from the bits (a table: exp is on the sampling hot path)
const POW2 = new Float64Array(2046);
for (let k = -1022; k <= 1023; k++) {
  scratch.setUint32(0, (k + 1023) << 20, false); // big-endian: high word first
  scratch.setUint32(4, 0, false);
  POW2[k + 1022] = scratch.getFloat64(0, false);
}
const pow2 = (k: number) => POW2[k + 1022];

/** e^x, deterministic across engines. */
export function expDet(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > 709.782712893384) return Infinity;
  if (x < -745.1332191019412) return 0;
  const k = Math.round(x * INV_LN2); // x = k·ln2 + r
  const r = (x - k * LN2_HI) - k * LN2_LO;
  let p = EXP_C[12];
  for (let i = 11; i >= 0; i--) p = EXP_C[i] + r * p; // Horner: Σ r^n/n!, n ≥ 1, over r
  p = 1 + r * p;
  if (k < -1021) return p * pow2(k + 200) * pow2(-200); // subnormal result: two exact-ish steps
  if (k > 1023) return p * pow2(k - 1) * 2;
  return p * pow2(k);
}

/** ln x for x ≥ 0, deterministic across engines (ln 0 = −∞, ln of a negative = NaN). */
export function logDet(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  let e = 0;
  if (x < 2.2250738585072014e-308) { x *= 18014398509481984; e = -54; } // subnormal: scale by 2^54
  scratch.setFloat64(0, x, false);
  const hi = scratch.getUint32(0, false);
  e += ((hi >>> 20) & 0x7ff) - 1023;
  scratch.setUint32(0, (hi & 0x800fffff) | (1023 << 20), false); // mantissa m in [1, 2)
  let m = scratch.getFloat64(0, false);
  if (m > SQRT2) { m /= 2; e += 1; } // m in (√½, √2]: |s| below 0.172
  // ln m = 2·atanh(s), s = (m−1)/(m+1): s + s³/3 + … + s²³/23 (the next term is below 1e-18)
  const s = (m - 1) / (m + 1), s2 = s * s;
  let p = 1 / 23;
  for (let n = 21; n >= 1; n -= 2) p = 1 / n + s2 * p;
  return e * LN2_HI + (e * LN2_LO + 2 * s * p);
}
