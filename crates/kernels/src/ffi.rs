// Pointer → slice conversions shared by the two C-ABI boundaries (exports.rs, exports_part.rs):
// the only places raw pointers from the TypeScript side become Rust slices.

pub(crate) type P = *const f32;
pub(crate) type PM = *mut f32;

pub(crate) unsafe fn r<'a>(p: P, n: usize) -> &'a [f32] { if n == 0 { &[] } else { std::slice::from_raw_parts(p, n) } }
pub(crate) unsafe fn w<'a>(p: PM, n: usize) -> &'a mut [f32] { if n == 0 { &mut [] } else { std::slice::from_raw_parts_mut(p, n) } }
pub(crate) unsafe fn ri<'a>(p: *const i32, n: usize) -> &'a [i32] { if n == 0 { &[] } else { std::slice::from_raw_parts(p, n) } }
pub(crate) unsafe fn opt<'a>(p: P, n: usize) -> Option<&'a [f32]> { if p.is_null() { None } else { Some(r(p, n)) } }
pub(crate) fn u(x: i32) -> usize { x.max(0) as usize }
