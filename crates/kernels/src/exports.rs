// The C-ABI boundary the wasm loader binds (ts/backend/wasm), and the only unsafe code besides
// simd.rs's loads: byte addresses in linear memory become slices here, then the safe kernels
// run. Names and argument order are the Kernels table's (ts/backend/kernels.ts) in snake_case.
// The TypeScript side has checked every argument; a pointer equal to `out` (in-place use of an
// elementwise kernel) is routed to an in-place variant so no &mut aliases a &.
#![allow(clippy::missing_safety_doc, clippy::too_many_arguments)]

use crate::*;
use std::alloc::{alloc_zeroed, dealloc as free, Layout};

use crate::ffi::*;

// A size no Layout can hold (over isize::MAX, i.e. 2 GiB on wasm32) returns null like a full
// heap, instead of a panic that surfaces as a bare "unreachable"; the caller names the size.
#[no_mangle] pub extern "C" fn alloc(bytes: usize) -> *mut u8 {
    if bytes == 0 { return 16 as *mut u8; } // a non-null aligned address that is never touched
    match Layout::from_size_align(bytes, 16) { Ok(l) => unsafe { alloc_zeroed(l) }, Err(_) => std::ptr::null_mut() }
}
#[no_mangle] pub unsafe extern "C" fn dealloc(ptr: *mut u8, bytes: usize) {
    if let (false, false, Ok(l)) = (bytes == 0, ptr.is_null(), Layout::from_size_align(bytes, 16)) { free(ptr, l) }
}

#[no_mangle] pub unsafe extern "C" fn matmul(out: PM, a: P, b: P, bias: P, batch: i32, m: i32, k: i32, n: i32, trans_a: i32, trans_b: i32, accumulate: i32) {
    let (bt, m, k, n) = (u(batch), u(m), u(k), u(n));
    matmul::matmul(w(out, bt * m * n), r(a, bt * m * k), r(b, bt * k * n), opt(bias, n), bt, m, k, n, trans_a != 0, trans_b != 0, accumulate != 0)
}
#[no_mangle] pub extern "C" fn matmul_packed_len(k: i32, n: i32) -> i32 { matmul::packed_len(u(k), u(n)) as i32 }
#[no_mangle] pub unsafe extern "C" fn pack_matrix(dst: PM, b: P, k: i32, n: i32, trans_b: i32) {
    let (k, n) = (u(k), u(n));
    matmul::pack_matrix(w(dst, matmul::packed_len(k, n)), r(b, k * n), k, n, trans_b != 0)
}
#[no_mangle] pub unsafe extern "C" fn matmul_packed(out: PM, a: P, packed: P, bias: P, m: i32, k: i32, n: i32, trans_a: i32, accumulate: i32) {
    let (m, k, n) = (u(m), u(k), u(n));
    matmul::matmul_packed(w(out, m * n), r(a, m * k), r(packed, matmul::packed_len(k, n)), opt(bias, n), m, k, n, trans_a != 0, accumulate != 0)
}
#[no_mangle] pub unsafe extern "C" fn to_bf16(dst: *mut u16, src: P, n: i32) {
    let n = u(n);
    bf16::to_bf16(if n == 0 { &mut [] } else { std::slice::from_raw_parts_mut(dst, n) }, r(src, n), n)
}
#[no_mangle] pub unsafe extern "C" fn matvec_bf16(out: PM, a: P, b: *const u16, bias: P, m: i32, k: i32, n: i32, trans_b: i32, accumulate: i32) {
    let (m, k, n) = (u(m), u(k), u(n));
    let b = if k * n == 0 { &[] } else { std::slice::from_raw_parts(b, k * n) };
    bf16::matvec_bf16(w(out, m * n), r(a, m * k), b, opt(bias, n), m, k, n, trans_b != 0, accumulate != 0)
}
#[no_mangle] pub unsafe extern "C" fn sum_rows(out: PM, inp: P, m: i32, n: i32, accumulate: i32) {
    let (m, n) = (u(m), u(n));
    matmul::sum_rows(w(out, n), r(inp, m * n), m, n, accumulate != 0)
}
#[no_mangle] pub unsafe extern "C" fn attention_forward(out: PM, att: PM, qkv: P, b: i32, t: i32, c: i32, h: i32) {
    let (b, t, c, h) = (u(b), u(t), u(c), u(h));
    attention::attention_forward(w(out, b * t * c), w(att, b * h * t * t), r(qkv, b * t * 3 * c), b, t, c, h)
}
#[no_mangle] pub unsafe extern "C" fn attention_backward(dqkv: PM, dout: P, qkv: P, att: P, b: i32, t: i32, c: i32, h: i32, accumulate: i32) {
    let (b, t, c, h) = (u(b), u(t), u(c), u(h));
    attention::attention_backward(w(dqkv, b * t * 3 * c), r(dout, b * t * c), r(qkv, b * t * 3 * c), r(att, b * h * t * t), b, t, c, h, accumulate != 0)
}
#[no_mangle] pub unsafe extern "C" fn kv_cache_write(kc: PM, vc: PM, qkv: P, b: i32, t: i32, c: i32, h: i32, pos: i32, max_t: i32) {
    let (b, t, c, h, mt) = (u(b), u(t), u(c), u(h), u(max_t));
    attention::kv_cache_write(w(kc, b * mt * c), w(vc, b * mt * c), r(qkv, b * t * 3 * c), b, t, c, h, u(pos), mt)
}
#[no_mangle] pub unsafe extern "C" fn attention_decode(out: PM, att: PM, qkv: P, kc: P, vc: P, b: i32, c: i32, h: i32, l: i32, max_t: i32) {
    let (b, c, h, l, mt) = (u(b), u(c), u(h), u(l), u(max_t));
    attention::attention_decode(w(out, b * c), w(att, b * h * l), r(qkv, b * 3 * c), r(kc, b * mt * c), r(vc, b * mt * c), b, c, h, l, mt)
}
#[no_mangle] pub unsafe extern "C" fn layernorm_forward(out: PM, mean: PM, rstd: PM, inp: P, weight: P, bias: P, n: i32, c: i32) {
    let (n, c) = (u(n), u(c));
    norm::layernorm_forward(w(out, n * c), w(mean, n), w(rstd, n), r(inp, n * c), r(weight, c), opt(bias, c), n, c)
}
#[no_mangle] pub unsafe extern "C" fn layernorm_backward(dinp: PM, dweight: PM, dbias: PM, dout: P, inp: P, weight: P, mean: P, rstd: P, n: i32, c: i32) {
    let (n, c) = (u(n), u(c));
    let db = if dbias.is_null() { None } else { Some(w(dbias, c)) };
    norm::layernorm_backward(w(dinp, n * c), w(dweight, c), db, r(dout, n * c), r(inp, n * c), r(weight, c), r(mean, n), r(rstd, n), n, c)
}
#[no_mangle] pub unsafe extern "C" fn gelu_forward(out: PM, inp: P, n: i32) {
    let n = u(n);
    if out as P == inp { activation::gelu_in_place(w(out, n)) } else { activation::gelu_forward(w(out, n), r(inp, n), n) }
}
#[no_mangle] pub unsafe extern "C" fn gelu_backward(dinp: PM, inp: P, out: P, dout: P, n: i32, accumulate: i32) {
    let n = u(n);
    activation::gelu_backward(w(dinp, n), r(inp, n), r(out, n), r(dout, n), n, accumulate != 0)
}
#[no_mangle] pub unsafe extern "C" fn softmax_forward(out: PM, inp: P, rows: i32, n: i32) {
    let (rows, n) = (u(rows), u(n));
    if out as P == inp { activation::softmax_in_place(w(out, rows * n), rows, n) } else { activation::softmax_forward(w(out, rows * n), r(inp, rows * n), rows, n) }
}
#[no_mangle] pub unsafe extern "C" fn log_softmax_forward(out: PM, inp: P, rows: i32, n: i32) {
    let (rows, n) = (u(rows), u(n));
    if out as P == inp { activation::log_softmax_in_place(w(out, rows * n), rows, n) } else { activation::log_softmax_forward(w(out, rows * n), r(inp, rows * n), rows, n) }
}
#[no_mangle] pub unsafe extern "C" fn cross_entropy_forward(losses: PM, logits: P, targets: *const i32, n: i32, v: i32, ignore: i32) {
    let (n, v) = (u(n), u(v));
    loss::cross_entropy_forward(w(losses, n), r(logits, n * v), ri(targets, n), n, v, ignore)
}
#[no_mangle] pub unsafe extern "C" fn cross_entropy_backward(dlogits: PM, logits: P, targets: *const i32, dlosses: P, n: i32, v: i32, ignore: i32) {
    let (n, v) = (u(n), u(v));
    loss::cross_entropy_backward(w(dlogits, n * v), r(logits, n * v), ri(targets, n), r(dlosses, n), n, v, ignore)
}
#[no_mangle] pub unsafe extern "C" fn embedding_forward(out: PM, table: P, ids: *const i32, n: i32, c: i32) {
    let (n, c) = (u(n), u(c));
    let ids = ri(ids, n);
    let v = ids.iter().map(|&i| i as usize + 1).max().unwrap_or(0); // rows the ids reach (checked by the caller)
    embedding::embedding_forward(w(out, n * c), r(table, v * c), ids, n, c)
}
#[no_mangle] pub unsafe extern "C" fn embedding_backward(dtable: PM, dout: P, ids: *const i32, n: i32, c: i32) {
    let (n, c) = (u(n), u(c));
    let ids = ri(ids, n);
    let v = ids.iter().map(|&i| i as usize + 1).max().unwrap_or(0);
    embedding::embedding_backward(w(dtable, v * c), r(dout, n * c), ids, n, c)
}
#[no_mangle] pub unsafe extern "C" fn adamw(param: PM, grad: P, m: PM, v: PM, n: i32, lr: f32, beta1: f32, beta2: f32, eps: f32, weight_decay: f32, t: i32, grad_scale: f32) {
    let n = u(n);
    optim::adamw(w(param, n), r(grad, n), w(m, n), w(v, n), n, lr, beta1, beta2, eps, weight_decay, t, grad_scale)
}
#[no_mangle] pub unsafe extern "C" fn add(out: PM, a: P, b: P, n: i32) {
    let n = u(n);
    let o = out as P;
    if o == a && o == b { elementwise::scale_in_place(w(out, n), 2.0) }
    else if o == a { elementwise::add_assign(w(out, n), r(b, n)) }
    else if o == b { elementwise::add_assign(w(out, n), r(a, n)) }
    else { elementwise::add(w(out, n), r(a, n), r(b, n), n) }
}
#[no_mangle] pub unsafe extern "C" fn axpy(y: PM, x: P, alpha: f32, n: i32) {
    let n = u(n);
    if y as P == x { elementwise::scale_in_place(w(y, n), 1.0 + alpha) } else { elementwise::axpy(w(y, n), r(x, n), alpha, n) }
}
#[no_mangle] pub unsafe extern "C" fn mul(out: PM, a: P, b: P, n: i32) {
    let n = u(n);
    let o = out as P;
    if o == a && o == b { elementwise::square_in_place(w(out, n)) }
    else if o == a { elementwise::mul_assign(w(out, n), r(b, n)) }
    else if o == b { elementwise::mul_assign(w(out, n), r(a, n)) }
    else { elementwise::mul(w(out, n), r(a, n), r(b, n), n) }
}
#[no_mangle] pub unsafe extern "C" fn mul_accumulate(out: PM, a: P, b: P, n: i32) {
    let n = u(n);
    let o = out as P;
    if o == a && o == b { elementwise::fma_self(w(out, n), None) }
    else if o == a { elementwise::fma_self(w(out, n), Some(r(b, n))) }
    else if o == b { elementwise::fma_self(w(out, n), Some(r(a, n))) }
    else { elementwise::mul_accumulate(w(out, n), r(a, n), r(b, n), n) }
}
#[no_mangle] pub unsafe extern "C" fn scale(out: PM, a: P, alpha: f32, n: i32) {
    let n = u(n);
    if out as P == a { elementwise::scale_in_place(w(out, n), alpha) } else { elementwise::scale(w(out, n), r(a, n), alpha, n) }
}
// memmove: the ranges may overlap (a KV cache compacting its rows in place)
#[no_mangle] pub unsafe extern "C" fn copy(out: PM, a: P, n: i32) { std::ptr::copy(a, out, u(n)) }
#[no_mangle] pub unsafe extern "C" fn fill(out: PM, value: f32, n: i32) { let n = u(n); elementwise::fill(w(out, n), value, n) }
#[no_mangle] pub unsafe extern "C" fn dropout_forward(out: PM, mask: PM, inp: P, n: i32, p: f32, seed: u32) {
    let n = u(n);
    if out as P == inp { elementwise::dropout_in_place(w(out, n), w(mask, n), n, p, seed) }
    else { elementwise::dropout_forward(w(out, n), w(mask, n), r(inp, n), n, p, seed) }
}
#[no_mangle] pub unsafe extern "C" fn sum_squares(x: P, n: i32) -> f64 { let n = u(n); elementwise::sum_squares(r(x, n), n) }
#[no_mangle] pub extern "C" fn peak_probe(iters: u32, seed: f32) -> f32 { peak::peak_probe(iters, seed) }
#[no_mangle] pub extern "C" fn tile_probe(iters: u32, seed: f32) -> f32 { peak::tile_probe(iters, seed) }
#[no_mangle] pub unsafe extern "C" fn matmul_tune(out: PM, a: P, b: P, m: i32, k: i32, n: i32, rows: i32, kc: i32, mc: i32, nc: i32) {
    let (m, k, n) = (u(m), u(k), u(n));
    matmul::matmul_tune(w(out, m * n), r(a, m * k), r(b, k * n), m, k, n, u(rows), matmul::Blocks { kc: u(kc), mc: u(mc), nc: u(nc) })
}
/// `alloc` without the zero-fill, for outputs a kernel overwrites completely (the TypeScript
/// side decides which: BaseBackend.allocUninit). Same layout, freed by `dealloc`.
#[no_mangle] pub extern "C" fn alloc_uninit(bytes: usize) -> *mut u8 {
    if bytes == 0 { return 16 as *mut u8; }
    match Layout::from_size_align(bytes, 16) { Ok(l) => unsafe { std::alloc::alloc(l) }, Err(_) => std::ptr::null_mut() }
}
