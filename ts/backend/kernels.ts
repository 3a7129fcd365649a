// The kernel methods of a Backend, written once: check every argument, then hand the twin's
// handles (Float32Array views for js, heap pointers for wasm) to its kernel table. Both twins
// therefore reject exactly the same inputs with exactly the same messages.

import { KernelArgumentError, type Backend, type Buf, type PackedMatrix } from './backend.js';
import { BaseBackend } from './base.js';

type B = boolean;
/** The kernel table of a twin, over its handle type H (same names and argument order). */
export interface Kernels<H> {
  matmul(out: H, a: H, b: H, bias: H | null, batch: number, m: number, k: number, n: number, transA: B, transB: B, accumulate: B): void;
  sumRows(out: H, inp: H, m: number, n: number, accumulate: B): void;
  toBf16(dst: H, src: H, n: number): void;
  matvecBf16(out: H, a: H, b: H, bias: H | null, m: number, k: number, n: number, transB: B, accumulate: B): void;
  packMatrix(dst: H, b: H, k: number, n: number, transB: B): void;
  matmulPacked(out: H, a: H, packed: H, bias: H | null, m: number, k: number, n: number, transA: B, accumulate: B): void;
  attentionForward(out: H, att: H, qkv: H, Bn: number, T: number, C: number, Hn: number): void;
  attentionBackward(dqkv: H, dout: H, qkv: H, att: H, Bn: number, T: number, C: number, Hn: number, accumulate: B): void;
  kvCacheWrite(kCache: H, vCache: H, qkv: H, Bn: number, T: number, C: number, Hn: number, pos: number, maxT: number): void;
  attentionDecode(out: H, att: H, qkv: H, kCache: H, vCache: H, Bn: number, C: number, Hn: number, L: number, maxT: number): void;
  layernormForward(out: H, mean: H, rstd: H, inp: H, weight: H, bias: H | null, N: number, C: number): void;
  layernormBackward(dinp: H, dweight: H, dbias: H | null, dout: H, inp: H, weight: H, mean: H, rstd: H, N: number, C: number): void;
  geluForward(out: H, inp: H, n: number): void;
  geluBackward(dinp: H, inp: H, out: H, dout: H, n: number, accumulate: B): void;
  softmaxForward(out: H, inp: H, rows: number, n: number): void;
  logSoftmaxForward(out: H, inp: H, rows: number, n: number): void;
  crossEntropyForward(losses: H, logits: H, targets: H, N: number, V: number, ignoreIndex: number): void;
  crossEntropyBackward(dlogits: H, logits: H, targets: H, dlosses: H, N: number, V: number, ignoreIndex: number): void;
  embeddingForward(out: H, table: H, ids: H, N: number, C: number): void;
  embeddingBackward(dtable: H, dout: H, ids: H, N: number, C: number): void;
  adamw(param: H, grad: H, m: H, v: H, n: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, t: number, gradScale: number): void;
  add(out: H, a: H, b: H, n: number): void;
  axpy(y: H, x: H, alpha: number, n: number): void;
  mul(out: H, a: H, b: H, n: number): void;
  mulAccumulate(out: H, a: H, b: H, n: number): void;
  scale(out: H, a: H, alpha: number, n: number): void;
  copy(out: H, a: H, n: number): void;
  fill(out: H, value: number, n: number): void;
  dropoutForward(out: H, mask: H, inp: H, n: number, p: number, seed: number): void;
  sumSquares(x: H, n: number): number;
}

export abstract class KernelBackend<H> extends BaseBackend implements Backend {
  abstract readonly name: 'js' | 'wasm';
  abstract readonly threads: number;
  abstract dispose(): void;
  protected abstract readonly k: Kernels<H>;
  /** The twin's handle for a checked buffer. */
  protected abstract h(buf: Buf): H;
  abstract heapBytes(): number;
  /** Elements packMatrix writes for op(b) [k, n] in this twin's layout. */
  protected abstract packedLength(k: number, n: number): number;

  private hn(buf: Buf | null): H | null { return buf ? this.h(buf) : null; }

  matmul(out: Buf, a: Buf, b: Buf, bias: Buf | null, batch: number, m: number, k: number, n: number, transA: B, transB: B, accumulate: B): void {
    const f = 'matmul';
    this.dims(f, { batch, m, k, n });
    this.arg(f, 'out', out, batch * m * n); this.arg(f, 'a', a, batch * m * k); this.arg(f, 'b', b, batch * k * n);
    if (bias) this.arg(f, 'bias', bias, n);
    this.k.matmul(this.h(out), this.h(a), this.h(b), this.hn(bias), batch, m, k, n, !!transA, !!transB, !!accumulate);
  }
  packMatrix(b: Buf, k: number, n: number, transB: B): PackedMatrix {
    this.dims('packMatrix', { k, n });
    this.arg('packMatrix', 'b', b, k * n);
    const p = Object.assign(this.alloc(this.packedLength(k, n)), { k, n, packedBy: this });
    this.k.packMatrix(this.h(p), this.h(b), k, n, !!transB);
    return p;
  }
  matmulPacked(out: Buf, a: Buf, b: PackedMatrix, bias: Buf | null, m: number, transA: B, accumulate: B): void {
    const f = 'matmulPacked';
    if ((b as { packedBy?: unknown } | null)?.packedBy !== this) throw new KernelArgumentError(`${f}: b must come from this backend's packMatrix`);
    const { k, n } = b;
    this.dims(f, { m });
    this.arg(f, 'out', out, m * n); this.arg(f, 'a', a, m * k); this.arg(f, 'b', b, this.packedLength(k, n));
    if (bias) this.arg(f, 'bias', bias, n);
    this.k.matmulPacked(this.h(out), this.h(a), this.h(b), this.hn(bias), m, k, n, !!transA, !!accumulate);
  }
  toBf16(dst: Buf, src: Buf, n: number): void {
    this.dims('toBf16', { n });
    this.arg('toBf16', 'dst', dst, Math.ceil(n / 2), 'i32'); this.arg('toBf16', 'src', src, n);
    this.k.toBf16(this.h(dst), this.h(src), n);
  }
  matvecBf16(out: Buf, a: Buf, b: Buf, bias: Buf | null, m: number, k: number, n: number, transB: B, accumulate: B): void {
    const f = 'matvecBf16';
    this.dims(f, { m, k, n });
    this.arg(f, 'out', out, m * n); this.arg(f, 'a', a, m * k); this.arg(f, 'b', b, Math.ceil(k * n / 2), 'i32');
    if (bias) this.arg(f, 'bias', bias, n);
    this.k.matvecBf16(this.h(out), this.h(a), this.h(b), this.hn(bias), m, k, n, !!transB, !!accumulate);
  }
  sumRows(out: Buf, inp: Buf, m: number, n: number, accumulate: B): void {
    this.dims('sumRows', { m, n });
    this.arg('sumRows', 'out', out, n); this.arg('sumRows', 'inp', inp, m * n);
    this.k.sumRows(this.h(out), this.h(inp), m, n, !!accumulate);
  }
  attentionForward(out: Buf, att: Buf, qkv: Buf, Bn: number, T: number, C: number, Hn: number): void {
    const f = 'attentionForward';
    this.dims(f, { B: Bn, T, C, H: Hn }, true); this.heads(f, C, Hn);
    this.arg(f, 'out', out, Bn * T * C); this.arg(f, 'att', att, Bn * Hn * T * T); this.arg(f, 'qkv', qkv, Bn * T * 3 * C);
    this.k.attentionForward(this.h(out), this.h(att), this.h(qkv), Bn, T, C, Hn);
  }
  attentionBackward(dqkv: Buf, dout: Buf, qkv: Buf, att: Buf, Bn: number, T: number, C: number, Hn: number, accumulate: B): void {
    const f = 'attentionBackward';
    this.dims(f, { B: Bn, T, C, H: Hn }, true); this.heads(f, C, Hn);
    this.arg(f, 'dqkv', dqkv, Bn * T * 3 * C); this.arg(f, 'dout', dout, Bn * T * C);
    this.arg(f, 'qkv', qkv, Bn * T * 3 * C); this.arg(f, 'att', att, Bn * Hn * T * T);
    this.k.attentionBackward(this.h(dqkv), this.h(dout), this.h(qkv), this.h(att), Bn, T, C, Hn, !!accumulate);
  }
  kvCacheWrite(kCache: Buf, vCache: Buf, qkv: Buf, Bn: number, T: number, C: number, Hn: number, pos: number, maxT: number): void {
    const f = 'kvCacheWrite';
    this.dims(f, { B: Bn, C, H: Hn, maxT }, true); this.dims(f, { T, pos }); this.heads(f, C, Hn);
    if (pos + T > maxT) throw new RangeError(`${f}: positions ${pos}…${pos + T - 1} exceed the cache length ${maxT}`);
    this.arg(f, 'kCache', kCache, Bn * maxT * C); this.arg(f, 'vCache', vCache, Bn * maxT * C); this.arg(f, 'qkv', qkv, Bn * T * 3 * C);
    this.k.kvCacheWrite(this.h(kCache), this.h(vCache), this.h(qkv), Bn, T, C, Hn, pos, maxT);
  }
  attentionDecode(out: Buf, att: Buf, qkv: Buf, kCache: Buf, vCache: Buf, Bn: number, C: number, Hn: number, L: number, maxT: number): void {
    const f = 'attentionDecode';
    this.dims(f, { B: Bn, C, H: Hn, L, maxT }, true); this.heads(f, C, Hn);
    if (L > maxT) throw new RangeError(`${f}: L=${L} exceeds the cache length ${maxT}`);
    this.arg(f, 'out', out, Bn * C); this.arg(f, 'att', att, Bn * Hn * L); this.arg(f, 'qkv', qkv, Bn * 3 * C);
    this.arg(f, 'kCache', kCache, Bn * maxT * C); this.arg(f, 'vCache', vCache, Bn * maxT * C);
    this.k.attentionDecode(this.h(out), this.h(att), this.h(qkv), this.h(kCache), this.h(vCache), Bn, C, Hn, L, maxT);
  }
  layernormForward(out: Buf, mean: Buf, rstd: Buf, inp: Buf, weight: Buf, bias: Buf | null, N: number, C: number): void {
    const f = 'layernormForward';
    this.dims(f, { N }); this.dims(f, { C }, true);
    this.arg(f, 'out', out, N * C); this.arg(f, 'mean', mean, N); this.arg(f, 'rstd', rstd, N);
    this.arg(f, 'inp', inp, N * C); this.arg(f, 'weight', weight, C); if (bias) this.arg(f, 'bias', bias, C);
    this.k.layernormForward(this.h(out), this.h(mean), this.h(rstd), this.h(inp), this.h(weight), this.hn(bias), N, C);
  }
  layernormBackward(dinp: Buf, dweight: Buf, dbias: Buf | null, dout: Buf, inp: Buf, weight: Buf, mean: Buf, rstd: Buf, N: number, C: number): void {
    const f = 'layernormBackward';
    this.dims(f, { N }); this.dims(f, { C }, true);
    this.arg(f, 'dinp', dinp, N * C); this.arg(f, 'dweight', dweight, C); if (dbias) this.arg(f, 'dbias', dbias, C);
    this.arg(f, 'dout', dout, N * C); this.arg(f, 'inp', inp, N * C); this.arg(f, 'weight', weight, C);
    this.arg(f, 'mean', mean, N); this.arg(f, 'rstd', rstd, N);
    this.k.layernormBackward(this.h(dinp), this.h(dweight), this.hn(dbias), this.h(dout), this.h(inp), this.h(weight), this.h(mean), this.h(rstd), N, C);
  }
  geluForward(out: Buf, inp: Buf, n: number): void {
    this.dims('geluForward', { n }); this.arg('geluForward', 'out', out, n); this.arg('geluForward', 'inp', inp, n);
    this.k.geluForward(this.h(out), this.h(inp), n);
  }
  geluBackward(dinp: Buf, inp: Buf, out: Buf, dout: Buf, n: number, accumulate: B): void {
    const f = 'geluBackward';
    this.dims(f, { n }); this.arg(f, 'dinp', dinp, n); this.arg(f, 'inp', inp, n); this.arg(f, 'out', out, n); this.arg(f, 'dout', dout, n);
    this.k.geluBackward(this.h(dinp), this.h(inp), this.h(out), this.h(dout), n, !!accumulate);
  }
  softmaxForward(out: Buf, inp: Buf, rows: number, n: number): void {
    this.dims('softmaxForward', { rows, n }); this.arg('softmaxForward', 'out', out, rows * n); this.arg('softmaxForward', 'inp', inp, rows * n);
    this.k.softmaxForward(this.h(out), this.h(inp), rows, n);
  }
  logSoftmaxForward(out: Buf, inp: Buf, rows: number, n: number): void {
    this.dims('logSoftmaxForward', { rows, n }); this.arg('logSoftmaxForward', 'out', out, rows * n); this.arg('logSoftmaxForward', 'inp', inp, rows * n);
    this.k.logSoftmaxForward(this.h(out), this.h(inp), rows, n);
  }
  crossEntropyForward(losses: Buf, logits: Buf, targets: Buf, N: number, V: number, ignoreIndex: number): void {
    const f = 'crossEntropyForward';
    this.dims(f, { N }); this.dims(f, { V }, true);
    this.arg(f, 'losses', losses, N); this.arg(f, 'logits', logits, N * V); this.targets(f, targets, N, V, ignoreIndex);
    this.k.crossEntropyForward(this.h(losses), this.h(logits), this.h(targets), N, V, ignoreIndex);
  }
  crossEntropyBackward(dlogits: Buf, logits: Buf, targets: Buf, dlosses: Buf, N: number, V: number, ignoreIndex: number): void {
    const f = 'crossEntropyBackward';
    this.dims(f, { N }); this.dims(f, { V }, true);
    this.arg(f, 'dlogits', dlogits, N * V); this.arg(f, 'logits', logits, N * V); this.arg(f, 'dlosses', dlosses, N);
    this.targets(f, targets, N, V, ignoreIndex);
    this.k.crossEntropyBackward(this.h(dlogits), this.h(logits), this.h(targets), this.h(dlosses), N, V, ignoreIndex);
  }
  embeddingForward(out: Buf, table: Buf, ids: Buf, N: number, C: number, V: number): void {
    const f = 'embeddingForward';
    this.dims(f, { N, C, V });
    this.arg(f, 'out', out, N * C); this.arg(f, 'table', table, V * C); this.arg(f, 'ids', ids, N, 'i32');
    this.ids(f, (this.view(ids) as Int32Array).subarray(0, N), V);
    this.k.embeddingForward(this.h(out), this.h(table), this.h(ids), N, C);
  }
  embeddingBackward(dtable: Buf, dout: Buf, ids: Buf, N: number, C: number, V: number): void {
    const f = 'embeddingBackward';
    this.dims(f, { N, C, V });
    this.arg(f, 'dtable', dtable, V * C); this.arg(f, 'dout', dout, N * C); this.arg(f, 'ids', ids, N, 'i32');
    this.ids(f, (this.view(ids) as Int32Array).subarray(0, N), V);
    this.k.embeddingBackward(this.h(dtable), this.h(dout), this.h(ids), N, C);
  }
  adamw(param: Buf, grad: Buf, m: Buf, v: Buf, n: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, t: number, gradScale = 1): void {
    const f = 'adamw';
    this.dims(f, { n }); this.dims(f, { t }, true);
    this.arg(f, 'param', param, n); this.arg(f, 'grad', grad, n); this.arg(f, 'm', m, n); this.arg(f, 'v', v, n);
    this.k.adamw(this.h(param), this.h(grad), this.h(m), this.h(v), n, lr, beta1, beta2, eps, weightDecay, t, gradScale);
  }
  add(out: Buf, a: Buf, b: Buf, n: number): void { this.ew('add', n, out, a, b); this.k.add(this.h(out), this.h(a), this.h(b), n); }
  axpy(y: Buf, x: Buf, alpha: number, n: number): void { this.ew('axpy', n, y, x); this.k.axpy(this.h(y), this.h(x), alpha, n); }
  mul(out: Buf, a: Buf, b: Buf, n: number): void { this.ew('mul', n, out, a, b); this.k.mul(this.h(out), this.h(a), this.h(b), n); }
  mulAccumulate(out: Buf, a: Buf, b: Buf, n: number): void { this.ew('mulAccumulate', n, out, a, b); this.k.mulAccumulate(this.h(out), this.h(a), this.h(b), n); }
  scale(out: Buf, a: Buf, alpha: number, n: number): void { this.ew('scale', n, out, a); this.k.scale(this.h(out), this.h(a), alpha, n); }
  copy(out: Buf, a: Buf, n: number): void { this.ew('copy', n, out, a); this.k.copy(this.h(out), this.h(a), n); }
  fill(out: Buf, value: number, n: number): void { this.ew('fill', n, out); this.k.fill(this.h(out), value, n); }
  dropoutForward(out: Buf, mask: Buf, inp: Buf, n: number, p: number, seed: number): void {
    this.ew('dropoutForward', n, out, mask, inp);
    if (!(p >= 0 && p < 1)) throw new RangeError(`dropoutForward: p must be in [0, 1), got ${p}`);
    this.k.dropoutForward(this.h(out), this.h(mask), this.h(inp), n, p, seed >>> 0);
  }
  sumSquares(x: Buf, n: number): number { this.ew('sumSquares', n, x); return this.k.sumSquares(this.h(x), n); }

  private ew(f: string, n: number, ...bufs: Buf[]): void {
    this.dims(f, { n });
    bufs.forEach((b, i) => this.arg(f, `argument ${i + 1}`, b, n));
  }
  private targets(f: string, targets: Buf, N: number, V: number, ignoreIndex: number): void {
    this.arg(f, 'targets', targets, N, 'i32');
    const t = (this.view(targets) as Int32Array).subarray(0, N);
    for (let i = 0; i < N; i++) {
      if (t[i] !== ignoreIndex && (t[i] < 0 || t[i] >= V)) throw new RangeError(`${f}: target ${t[i]} at row ${i} is outside the vocabulary [0, ${V})`);
    }
  }
}
