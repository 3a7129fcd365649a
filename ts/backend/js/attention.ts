// Causal self-attention forward/backward and the KV-cache decode step: the reference twins of
// crates/kernels/src/attention.rs. Layout as llm.c's attention_forward: qkv [B, T, 3C] straight
// from c_attn, head h of q at qkv[b, t, h*hs …], of k at C + h*hs, of v at 2C + h*hs.

/** out [B, T, C], att [B, H, T, T] ← causal softmax(q·kᵀ/√hs)·v. */
export function attentionForward(out: Float32Array, att: Float32Array, qkv: Float32Array,
  B: number, T: number, C: number, H: number): void {
  const hs = C / H, C3 = 3 * C, scale = 1 / Math.sqrt(hs);
  for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) for (let t = 0; t < T; t++) {
    const q = (b * T + t) * C3 + h * hs;
    const a = ((b * H + h) * T + t) * T; // this query's row of att
    let max = -Infinity;
    for (let t2 = 0; t2 <= t; t2++) {
      const k = (b * T + t2) * C3 + C + h * hs;
      let s = 0;
      for (let i = 0; i < hs; i++) s += qkv[q + i] * qkv[k + i];
      s *= scale;
      att[a + t2] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let t2 = 0; t2 <= t; t2++) { const e = Math.exp(att[a + t2] - max); att[a + t2] = e; sum += e; }
    const inv = 1 / sum;
    for (let t2 = 0; t2 < T; t2++) att[a + t2] = t2 <= t ? att[a + t2] * inv : 0;
    const o = (b * T + t) * C + h * hs;
    for (let i = 0; i < hs; i++) {
      let s = 0;
      for (let t2 = 0; t2 <= t; t2++) s += att[a + t2] * qkv[(b * T + t2) * C3 + 2 * C + h * hs + i];
      out[o + i] = s;
    }
  }
}

/** dqkv [B, T, 3C] (+)= ∂loss/∂qkv given dout [B, T, C] and the saved att (added when
 *  `accumulate`, else written). */
export function attentionBackward(dqkv: Float32Array, dout: Float32Array, qkv: Float32Array,
  att: Float32Array, B: number, T: number, C: number, H: number, accumulate: boolean): void {
  const hs = C / H, C3 = 3 * C, scale = 1 / Math.sqrt(hs);
  if (!accumulate) dqkv.fill(0, 0, B * T * C3); // written: start from zeros, then add as below
  const datt = new Float64Array(T); // ∂loss/∂att for one query row
  for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) for (let t = 0; t < T; t++) {
    const a = ((b * H + h) * T + t) * T;
    const o = (b * T + t) * C + h * hs;
    const q = (b * T + t) * C3 + h * hs;
    // out = att · v  →  datt = dout · vᵀ, dv += attᵀ · dout
    for (let t2 = 0; t2 <= t; t2++) {
      const v = (b * T + t2) * C3 + 2 * C + h * hs;
      let s = 0;
      for (let i = 0; i < hs; i++) { s += qkv[v + i] * dout[o + i]; dqkv[v + i] += att[a + t2] * dout[o + i]; }
      datt[t2] = s;
    }
    // softmax backward: dpre = att ⊙ (datt − Σ att·datt)
    let dot = 0;
    for (let t2 = 0; t2 <= t; t2++) dot += att[a + t2] * datt[t2];
    for (let t2 = 0; t2 <= t; t2++) {
      const dpre = att[a + t2] * (datt[t2] - dot) * scale;
      const k = (b * T + t2) * C3 + C + h * hs;
      for (let i = 0; i < hs; i++) { dqkv[q + i] += dpre * qkv[k + i]; dqkv[k + i] += dpre * qkv[q + i]; }
    }
  }
}

/** kCache, vCache [B, H, maxT, hs] ← k, v of qkv [B, T, 3C] at positions pos … pos+T-1. */
export function kvCacheWrite(kCache: Float32Array, vCache: Float32Array, qkv: Float32Array,
  B: number, T: number, C: number, H: number, pos: number, maxT: number): void {
  const hs = C / H;
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let h = 0; h < H; h++) {
    const src = (b * T + t) * 3 * C + h * hs;
    const dst = ((b * H + h) * maxT + pos + t) * hs;
    for (let i = 0; i < hs; i++) { kCache[dst + i] = qkv[src + C + i]; vCache[dst + i] = qkv[src + 2 * C + i]; }
  }
}

/** out [B, C], att [B, H, L] ← one query (q of qkv [B, 3C]) against L cached positions. */
export function attentionDecode(out: Float32Array, att: Float32Array, qkv: Float32Array,
  kCache: Float32Array, vCache: Float32Array, B: number, C: number, H: number, L: number,
  maxT: number): void {
  const hs = C / H, scale = 1 / Math.sqrt(hs);
  for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) {
    const q = b * 3 * C + h * hs, a = (b * H + h) * L, cache = (b * H + h) * maxT * hs;
    let max = -Infinity;
    for (let t2 = 0; t2 < L; t2++) {
      let s = 0;
      for (let i = 0; i < hs; i++) s += qkv[q + i] * kCache[cache + t2 * hs + i];
      att[a + t2] = s * scale;
      if (att[a + t2] > max) max = att[a + t2];
    }
    let sum = 0;
    for (let t2 = 0; t2 < L; t2++) { const e = Math.exp(att[a + t2] - max); att[a + t2] = e; sum += e; }
    for (let t2 = 0; t2 < L; t2++) att[a + t2] /= sum;
    const o = b * C + h * hs;
    for (let i = 0; i < hs; i++) {
      let s = 0;
      for (let t2 = 0; t2 < L; t2++) s += att[a + t2] * vCache[cache + t2 * hs + i];
      out[o + i] = s;
    }
  }
}
