// glassgpt-kernels: the fast twins of ts/backend/js, plain safe functions on slices (llm.c's
// layer kernels, candle's SIMD layer). exports.rs is the C-ABI boundary the wasm loader binds.
// split.rs cuts a kernel call into parts for threads (exports_part.rs binds those).

pub mod simd;
pub mod math;
pub mod matmul;
pub mod matvec;
pub mod bf16;
pub mod attention;
pub mod norm;
pub mod activation;
pub mod loss;
pub mod embedding;
pub mod optim;
pub mod elementwise;
pub mod peak;
mod ffi;
pub mod exports;
pub mod split;
pub mod exports_part;
