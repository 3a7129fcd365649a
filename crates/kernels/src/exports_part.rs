// The C-ABI boundary of split.rs: each `<kernel>_part` export takes the kernel's arguments
// (exports.rs's order) plus `part, parts`, and computes that part's outputs only. The threads
// build's workers call these (ts/backend/wasm/threads.ts); the single-thread builds carry them
// too, unused, so one crate serves every build. Like exports.rs this is an unsafe boundary:
// pointers become slices here. Parts run at the same time over the same buffers, so no part
// makes a slice of another part's outputs except as split.rs's column cuts describe.
#![allow(clippy::missing_safety_doc, clippy::too_many_arguments)]

use crate::split;

use crate::ffi::*;

#[no_mangle] pub unsafe extern "C" fn matmul_part(out: PM, a: P, b: P, bias: P, batch: i32, m: i32, k: i32, n: i32, trans_a: i32,
                                                  trans_b: i32, accumulate: i32, part: i32, parts: i32) {
    let (bt, m, k, n) = (u(batch), u(m), u(k), u(n));
    split::matmul_part(w(out, bt * m * n), r(a, bt * m * k), r(b, bt * k * n), opt(bias, n), bt, m, k, n, trans_a != 0,
                       trans_b != 0, accumulate != 0, u(part), u(parts))
}
#[no_mangle] pub unsafe extern "C" fn attention_forward_part(out: PM, att: PM, qkv: P, b: i32, t: i32, c: i32, h: i32, part: i32, parts: i32) {
    let (b, t, c, h) = (u(b), u(t), u(c), u(h));
    split::attention_forward_part(w(out, b * t * c), w(att, b * h * t * t), r(qkv, b * t * 3 * c), b, t, c, h, u(part), u(parts))
}
#[no_mangle] pub unsafe extern "C" fn attention_backward_part(dqkv: PM, dout: P, qkv: P, att: P, b: i32, t: i32, c: i32, h: i32,
                                                              accumulate: i32, part: i32, parts: i32) {
    let (b, t, c, h) = (u(b), u(t), u(c), u(h));
    split::attention_backward_part(w(dqkv, b * t * 3 * c), r(dout, b * t * c), r(qkv, b * t * 3 * c), r(att, b * h * t * t),
                                   b, t, c, h, accumulate != 0, u(part), u(parts))
}
#[no_mangle] pub unsafe extern "C" fn attention_decode_part(out: PM, att: PM, qkv: P, kc: P, vc: P, b: i32, c: i32, h: i32, l: i32,
                                                            max_t: i32, part: i32, parts: i32) {
    let (b, c, h, l, mt) = (u(b), u(c), u(h), u(l), u(max_t));
    split::attention_decode_part(w(out, b * c), w(att, b * h * l), r(qkv, b * 3 * c), r(kc, b * mt * c), r(vc, b * mt * c),
                                 b, c, h, l, mt, u(part), u(parts))
}
#[no_mangle] pub unsafe extern "C" fn layernorm_forward_part(out: PM, mean: PM, rstd: PM, inp: P, weight: P, bias: P, n: i32, c: i32,
                                                             part: i32, parts: i32) {
    let (n, c) = (u(n), u(c));
    split::layernorm_forward_part(w(out, n * c), w(mean, n), w(rstd, n), r(inp, n * c), r(weight, c), opt(bias, c), n, c,
                                  u(part), u(parts))
}
#[no_mangle] pub unsafe extern "C" fn layernorm_backward_part(dinp: PM, dweight: PM, dbias: PM, dout: P, inp: P, weight: P, mean: P,
                                                              rstd: P, n: i32, c: i32, part: i32, parts: i32) {
    let (n, c) = (u(n), u(c));
    let db = if dbias.is_null() { None } else { Some(w(dbias, c)) };
    split::layernorm_backward_part(w(dinp, n * c), w(dweight, c), db, r(dout, n * c), r(inp, n * c), r(weight, c), r(mean, n),
                                   r(rstd, n), n, c, u(part), u(parts))
}
#[no_mangle] pub unsafe extern "C" fn gelu_forward_part(out: PM, inp: P, n: i32, part: i32, parts: i32) {
    let n = u(n);
    let x = if out as P == inp { None } else { Some(r(inp, n)) }; // in place: no & beside the &mut
    split::gelu_forward_part(w(out, n), x, n, u(part), u(parts))
}
#[no_mangle] pub unsafe extern "C" fn gelu_backward_part(dinp: PM, inp: P, out: P, dout: P, n: i32, accumulate: i32, part: i32, parts: i32) {
    let n = u(n);
    split::gelu_backward_part(w(dinp, n), r(inp, n), r(out, n), r(dout, n), n, accumulate != 0, u(part), u(parts))
}
#[no_mangle] pub unsafe extern "C" fn softmax_forward_part(out: PM, inp: P, rows: i32, n: i32, part: i32, parts: i32) {
    let (rows, n) = (u(rows), u(n));
    let x = if out as P == inp { None } else { Some(r(inp, rows * n)) };
    split::softmax_forward_part(w(out, rows * n), x, rows, n, u(part), u(parts))
}
#[no_mangle] pub unsafe extern "C" fn cross_entropy_forward_part(losses: PM, logits: P, targets: *const i32, n: i32, v: i32, ignore: i32,
                                                                 part: i32, parts: i32) {
    let (n, v) = (u(n), u(v));
    split::cross_entropy_forward_part(w(losses, n), r(logits, n * v), ri(targets, n), n, v, ignore, u(part), u(parts))
}
#[no_mangle] pub unsafe extern "C" fn cross_entropy_backward_part(dlogits: PM, logits: P, targets: *const i32, dlosses: P, n: i32, v: i32,
                                                                  ignore: i32, part: i32, parts: i32) {
    let (n, v) = (u(n), u(v));
    split::cross_entropy_backward_part(w(dlogits, n * v), r(logits, n * v), ri(targets, n), r(dlosses, n), n, v, ignore,
                                       u(part), u(parts))
}
#[no_mangle] pub unsafe extern "C" fn adamw_part(param: PM, grad: P, m: PM, v: PM, n: i32, lr: f32, beta1: f32, beta2: f32, eps: f32,
                                                 weight_decay: f32, t: i32, grad_scale: f32, part: i32, parts: i32) {
    let n = u(n);
    split::adamw_part(w(param, n), r(grad, n), w(m, n), w(v, n), n, lr, beta1, beta2, eps, weight_decay, t, grad_scale,
                      u(part), u(parts))
}
