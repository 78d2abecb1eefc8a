/** A dense row-major matrix of doubles: row i is data[i·cols … i·cols + cols). */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function matrixFromRows(rows: readonly (ArrayLike<number>)[]): Matrix {
  const n = rows.length;
  const d = n > 0 ? rows[0]!.length : 0;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    if (r.length !== d) throw new RangeError(`row ${i} has ${r.length} values, expected ${d}`);
    for (let j = 0; j < d; j++) data[i * d + j] = r[j]!;
  }
  return { rows: n, cols: d, data };
}

export function asMatrix(x: Matrix | readonly (ArrayLike<number>)[]): Matrix {
  return "data" in x && x.data instanceof Float64Array ? (x as Matrix) : matrixFromRows(x as readonly ArrayLike<number>[]);
}

/** Rows `indices` of m, in that order. */
export function selectRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = new Float64Array(indices.length * m.cols);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i]! * m.cols;
    out.set(m.data.subarray(src, src + m.cols), i * m.cols);
  }
  return { rows: indices.length, cols: m.cols, data: out };
}

/** Column means. */
export function columnMeans(m: Matrix): Float64Array {
  const mu = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) {
    const o = i * m.cols;
    for (let j = 0; j < m.cols; j++) mu[j]! += m.data[o + j]!;
  }
  for (let j = 0; j < m.cols; j++) mu[j]! /= m.rows;
  return mu;
}

/** Column j as a new array. */
export function column(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j]!;
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>, aOff = 0, bOff = 0, len = a.length): number {
  let s = 0;
  for (let k = 0; k < len; k++) s += a[aOff + k]! * b[bOff + k]!;
  return s;
}

/** Dot product of two length-`len` row slices, four accumulators. */
export function dotRows(a: Float64Array, ao: number, b: Float64Array, bo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += a[ao + k]! * b[bo + k]!;
    s1 += a[ao + k + 1]! * b[bo + k + 1]!;
    s2 += a[ao + k + 2]! * b[bo + k + 2]!;
    s3 += a[ao + k + 3]! * b[bo + k + 3]!;
  }
  for (; k < len; k++) s0 += a[ao + k]! * b[bo + k]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * Upper triangle (j ≥ i, diagonal included) of the Gram matrix G = Z Zᵀ of
 * the `rows` rows of Z (each `len` long) into out[i·rows + j]. Cache-blocked
 * with a 2×4 register tile: each loaded element feeds several products,
 * which is what makes the O(rows²·len) loop tolerable in JavaScript.
 */
export function gramUpper(Z: Float64Array, rows: number, len: number, out: Float64Array): void {
  const B = 64;
  for (let ib = 0; ib < rows; ib += B) {
    const iEnd = Math.min(rows, ib + B);
    for (let jb = ib; jb < rows; jb += B) {
      const jEnd = Math.min(rows, jb + B);
      let i = ib;
      for (; i + 1 < iEnd; i += 2) {
        const oi = i * len;
        const oi2 = oi + len;
        let j = Math.max(jb, i);
        // Entries a 2-row tile cannot cover (j ≤ i + 1) are done one by one.
        for (; j < Math.min(jEnd, i + 2); j++) {
          out[i * rows + j] = dotRows(Z, oi, Z, j * len, len);
          if (j >= i + 1) out[(i + 1) * rows + j] = dotRows(Z, oi2, Z, j * len, len);
        }
        for (; j + 3 < jEnd; j += 4) {
          const o0 = j * len;
          const o1 = o0 + len;
          const o2 = o1 + len;
          const o3 = o2 + len;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          let t0 = 0;
          let t1 = 0;
          let t2 = 0;
          let t3 = 0;
          for (let k = 0; k < len; k++) {
            const a = Z[oi + k]!;
            const b = Z[oi2 + k]!;
            const z0 = Z[o0 + k]!;
            const z1 = Z[o1 + k]!;
            const z2 = Z[o2 + k]!;
            const z3 = Z[o3 + k]!;
            s0 += a * z0;
            s1 += a * z1;
            s2 += a * z2;
            s3 += a * z3;
            t0 += b * z0;
            t1 += b * z1;
            t2 += b * z2;
            t3 += b * z3;
          }
          const r0 = i * rows + j;
          const r1 = r0 + rows;
          out[r0] = s0;
          out[r0 + 1] = s1;
          out[r0 + 2] = s2;
          out[r0 + 3] = s3;
          out[r1] = t0;
          out[r1 + 1] = t1;
          out[r1 + 2] = t2;
          out[r1 + 3] = t3;
        }
        for (; j < jEnd; j++) {
          out[i * rows + j] = dotRows(Z, oi, Z, j * len, len);
          out[(i + 1) * rows + j] = dotRows(Z, oi2, Z, j * len, len);
        }
      }
      for (; i < iEnd; i++) for (let j = Math.max(jb, i); j < jEnd; j++) out[i * rows + j] = dotRows(Z, i * len, Z, j * len, len);
    }
  }
}
