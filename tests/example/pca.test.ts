// The embedding map's PCA (examples/browser/src/pca.ts) against answers computed another way:
// points built on known orthogonal axes with known spreads, and the closed-form eigenvectors of a
// 2×2 covariance; and the same map on every run.
import { describe, expect, it } from 'vitest';
import { pca2 } from '../../examples/browser/src/pca.js';

describe('pca2', () => {
  it('finds axes that the points were built along, with their coordinates', () => {
    // 4-D points a·u + b·v (+ a constant offset), u ⟂ v unit vectors; a spreads 3× wider than b
    const u = [0.5, 0.5, 0.5, 0.5], v = [0.5, -0.5, 0.5, -0.5], offset = [1, 2, 3, 4];
    const a = [-3, -1, 0, 1, 3, 0], b = [0, 0, 1, 0, 0, -1]; // uncorrelated: Σ a·b = 0
    const data = a.flatMap((ai, r) => u.map((uc, c) => ai * uc + b[r] * v[c] + offset[c]));
    const p = pca2(data, a.length, 4);
    const sign1 = Math.sign(p.axes[0][0]) * Math.sign(u[0]), sign2 = Math.sign(p.axes[1][0]) * Math.sign(v[0]);
    p.axes[0].forEach((x, c) => expect(x).toBeCloseTo(sign1 * u[c], 9));
    p.axes[1].forEach((x, c) => expect(x).toBeCloseTo(sign2 * v[c], 9));
    const ma = a.reduce((s, x) => s + x) / a.length, mb = b.reduce((s, x) => s + x) / b.length;
    p.coords.forEach(([x, y], r) => {
      expect(x).toBeCloseTo(sign1 * (a[r] - ma), 9);
      expect(y).toBeCloseTo(sign2 * (b[r] - mb), 9);
    });
    const va = a.reduce((s, x) => s + (x - ma) ** 2, 0), vb = b.reduce((s, x) => s + (x - mb) ** 2, 0);
    expect(p.explained[0]).toBeCloseTo(va / (va + vb), 9);
    expect(p.explained[1]).toBeCloseTo(vb / (va + vb), 9);
  });

  it('matches the closed-form eigenvectors of a 2×2 covariance', () => {
    const pts = [[2, 1], [0, 0.5], [-1, -2], [3, 2.5], [-4, -2]];
    const n = pts.length, mx = pts.reduce((s, p) => s + p[0], 0) / n, my = pts.reduce((s, p) => s + p[1], 0) / n;
    const sxx = pts.reduce((s, p) => s + (p[0] - mx) ** 2, 0) / n, syy = pts.reduce((s, p) => s + (p[1] - my) ** 2, 0) / n;
    const sxy = pts.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / n;
    const theta = 0.5 * Math.atan2(2 * sxy, sxx - syy); // angle of the major axis
    const e1 = [Math.cos(theta), Math.sin(theta)], e2 = [-Math.sin(theta), Math.cos(theta)];
    const p = pca2(pts.flat(), n, 2);
    const s1 = Math.sign(p.axes[0][0] * e1[0] + p.axes[0][1] * e1[1]), s2 = Math.sign(p.axes[1][0] * e2[0] + p.axes[1][1] * e2[1]);
    pts.forEach(([x, y], r) => {
      expect(p.coords[r][0]).toBeCloseTo(s1 * ((x - mx) * e1[0] + (y - my) * e1[1]), 9);
      expect(p.coords[r][1]).toBeCloseTo(s2 * ((x - mx) * e2[0] + (y - my) * e2[1]), 9);
    });
    // each axis points so that its largest entry is positive
    for (const axis of p.axes) expect(axis[Math.abs(axis[0]) >= Math.abs(axis[1]) ? 0 : 1]).toBeGreaterThan(0);
  });

  it('gives the same map every time, whatever the row order', () => {
    let s = 3;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
    const data = Float32Array.from({ length: 40 * 8 }, rnd);
    const once = pca2(data, 40, 8), again = pca2(data, 40, 8);
    expect(again.coords).toEqual(once.coords);
    // reversing the rows reverses the coordinates and nothing else (no dependence on order)
    const rev = new Float32Array(data.length);
    for (let r = 0; r < 40; r++) rev.set(data.subarray(r * 8, r * 8 + 8), (39 - r) * 8);
    const back = pca2(rev, 40, 8).coords.reverse();
    back.forEach(([x, y], r) => { expect(x).toBeCloseTo(once.coords[r][0], 9); expect(y).toBeCloseTo(once.coords[r][1], 9); });
  });

  it('rejects a matrix of the wrong size', () => {
    expect(() => pca2([1, 2, 3], 2, 2)).toThrow(/3 values for \[2, 2\]/);
  });
});
