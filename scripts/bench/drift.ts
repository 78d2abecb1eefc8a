/**
 * `npm run bench:drift` — embedding drift statistics in TypeScript next to the
 * same computations in numpy/scipy (spawned as /usr/bin/python3), on
 * 1,000 and 5,000 rows × 384 dimensions per side. Prints a markdown table
 * (paste it into BENCHMARKS.md).
 *
 * MMD² (at σ, σ/2 and σ/4, with the kernel-witness AUC) runs with 200 permutations on min(n, 1,000) rows per side — the
 * subsample compareEmbeddings uses (MMD_MAX_ROWS); both sides get the same
 * number of rows.
 *
 *   --quick        500 and 1,000 rows per side instead of 1,000 and 5,000
 *   --json <file>  also write the results for `npm run bench` (scripts/bench/results.ts)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { centroidDistance } from "../../lib/drift/centroid";
import { classifierTest } from "../../lib/drift/classifier";
import { compareEmbeddings, MMD_MAX_ROWS } from "../../lib/drift/compare-embeddings";
import type { Matrix } from "../../lib/drift/matrix";
import { selectRows } from "../../lib/drift/matrix";
import { kernelWitnessAuc } from "../../lib/drift/kernel-auc";
import { gaussianKernelPower, pooledGaussianKernel } from "../../lib/drift/mmd";
import { kernelPower, mmdMultiscaleTest } from "../../lib/drift/mmd-multiscale";
import { perDimensionKs } from "../../lib/drift/per-dimension-ks";
import { createRng } from "../../lib/drift/random";
import { benchRow, isQuick, writeBenchSection, type BenchRow } from "./results";

const DIM = 384;
const PERMUTATIONS = 200;
const SIZES = isQuick() ? [500, 1000] : [1000, 5000];
/** The targets hold for this size: a full comparison under 5 s on 2 cores, within 2× of numpy. */
const TARGET_ROWS = 5000;
const PYTHON = process.env.DRIFTLINE_PYTHON ?? "/usr/bin/python3";

/** Embedding-like data: correlated coordinates (a few latent factors) plus noise; the current window shifts two factors. */
function makeData(n: number, seed: number, shift: number): Matrix {
  const rng = createRng(seed);
  const factors = 16;
  const loadRng = createRng(12345); // same loadings for both windows
  const loadings = new Float64Array(factors * DIM);
  for (let i = 0; i < loadings.length; i++) loadings[i] = loadRng.nextNormal() / Math.sqrt(factors);
  const data = new Float64Array(n * DIM);
  const f = new Float64Array(factors);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < factors; k++) f[k] = rng.nextNormal() * (1 + k / 4) + (k < 2 ? shift : 0);
    for (let j = 0; j < DIM; j++) {
      let s = 0.3 * rng.nextNormal();
      for (let k = 0; k < factors; k++) s += f[k]! * loadings[k * DIM + j]!;
      data[i * DIM + j] = s;
    }
  }
  return { rows: n, cols: DIM, data };
}

/** Each computation is timed this many times on both sides; the figure is the median (one run can be off by ±30 % here). */
const REPEATS = Number(process.env.BENCH_REPEATS ?? (isQuick() ? 1 : 5));

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function time<T>(fn: () => T): [T, number] {
  const times: number[] = [];
  let out!: T;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    out = fn();
    times.push(performance.now() - t0);
  }
  return [out, median(times)];
}

const head = (m: Matrix, rows: number) => selectRows(m, Int32Array.from({ length: Math.min(rows, m.rows) }, (_, i) => i));

/** numpy and scipy versions of the baseline's interpreter, for the notes. */
function pythonVersions(): string {
  const py = spawnSync(PYTHON, ["-c", "import sys, numpy, scipy; print(sys.version.split()[0], numpy.__version__, scipy.__version__)"], { encoding: "utf8" });
  const [python, numpy, scipy] = py.stdout.trim().split(" ");
  return py.status === 0 ? `Python ${python}, numpy ${numpy}, scipy ${scipy}` : "Python versions unavailable";
}

async function main(): Promise<void> {
  const results: BenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), "driftline-bench-"));
  const lines: string[] = [];
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  lines.push(`machine: ${cpu}, ${cpus().length} cores, Node ${process.version}`);
  lines.push("");
  lines.push("| computation | rows/side × dim | TypeScript (ms) | numpy (ms) | TS / numpy |");
  lines.push("|---|---|---:|---:|---:|");
  // Warm up the JIT on a small problem so the first timed row is not penalised.
  compareEmbeddings(makeData(200, 1, 0), makeData(200, 2, 0.1), { permutations: 20 });
  try {
    for (const n of SIZES) {
      const X = makeData(n, 1, 0);
      const Y = makeData(n, 2, 0.1);
      const refPath = join(dir, `ref-${n}.bin`);
      const curPath = join(dir, `cur-${n}.bin`);
      writeFileSync(refPath, Buffer.from(X.data.buffer));
      writeFileSync(curPath, Buffer.from(Y.data.buffer));
      const mmdRows = Math.min(n, MMD_MAX_ROWS);

      const [, centroidMs] = time(() => centroidDistance(X, Y));
      // The kernel statistics of compareEmbeddings: MMD² at σ, σ/2, σ/4 with one set of permutations, and the witness AUC.
      const [mmd, mmdMs] = time(() => {
        const { kernel, n: N, sigma } = pooledGaussianKernel(head(X, mmdRows), head(Y, mmdRows));
        const multi = mmdMultiscaleTest(kernel, N, mmdRows, sigma, { permutations: PERMUTATIONS, seed: 1 });
        const witness = kernelWitnessAuc(gaussianKernelPower(kernel, kernelPower(multi.chosen)), N, mmdRows, { seed: 4 });
        return { mmd2: multi.bandwidths[0]!.mmd2, pValue: multi.bandwidths[0]!.pValue, sigma, multiP: multi.pValue, kernelAuc: witness.auc };
      });
      const [clf, classifierMs] = time(() => classifierTest(X, Y, { seed: 1 }));
      const [comp, componentsMs] = time(() => perDimensionKs(X, Y));
      const [full, fullMs] = time(() => compareEmbeddings(X, Y, { seed: 1, permutations: PERMUTATIONS }));

      // The baseline, as many times: each field is the median of its runs.
      const runs = Array.from({ length: REPEATS }, () => {
        const py = spawnSync(PYTHON, [join(import.meta.dirname, "drift_numpy.py"), refPath, curPath, String(n), String(DIM), String(PERMUTATIONS), String(mmdRows)], {
          encoding: "utf8",
          env: { ...process.env, OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? "2" },
        });
        if (py.status !== 0) throw new Error(`numpy side failed (scripts/ci/install-os-deps.sh --with-python installs numpy and scipy): ${py.stderr}`);
        return JSON.parse(py.stdout) as Record<string, number> & { values: Record<string, number> };
      });
      const np = { ...runs[0]!, values: runs[0]!.values } as Record<string, number> & { values: Record<string, number> };
      for (const key of ["centroidMs", "mmdMs", "classifierMs", "componentsMs", "totalMs"]) np[key] = median(runs.map((r) => r[key]!));
      const row = (name: string, size: string, ts: number, numpy: number) => {
        lines.push(`| ${name} | ${size} | ${ts.toFixed(0)} | ${numpy.toFixed(0)} | ${(ts / numpy).toFixed(2)}× |`);
        const full = name.includes("full embedding comparison");
        results.push(
          benchRow({
            figure: `${name.replace(/\*\*/g, "")}, ${size}`,
            value: ts,
            unit: "ms",
            baseline: "numpy/scipy",
            baselineValue: numpy,
            target:
              full && n === TARGET_ROWS
                ? [
                    { on: "value", op: "<", limit: 5000 },
                    { on: "ratio", op: "<=", limit: 2 },
                  ]
                : undefined,
          }),
        );
      };
      row("centroid distances", `${n} × ${DIM}`, centroidMs, np.centroidMs!);
      row(`MMD² at 3 bandwidths + ${PERMUTATIONS} permutations + kernel AUC`, `${mmdRows} × ${DIM}${mmdRows < n ? " (subsample)" : ""}`, mmdMs, np.mmdMs!);
      row("classifier AUC (fit half, score half)", `${n} × ${DIM}`, classifierMs, np.classifierMs!);
      row("per-component KS (PCA-32)", `${n} × ${DIM}`, componentsMs, np.componentsMs!);
      row("**full embedding comparison**", `${n} × ${DIM}`, fullMs, np.totalMs!);
      console.error(
        `n=${n}: TS mmd2=${mmd.mmd2.toExponential(4)} p=${mmd.pValue.toFixed(3)} σ=${mmd.sigma.toFixed(4)} multiP=${mmd.multiP.toFixed(3)} kernelAuc=${mmd.kernelAuc.toFixed(4)} auc=${clf.auc.toFixed(4)} bonfP=${comp.bonferroniP.toExponential(3)} drift=${full.drift}` +
          ` | numpy mmd2=${np.values.mmd2!.toExponential(4)} p=${np.values.mmdP!.toFixed(3)} σ=${np.values.sigma!.toFixed(4)} multiP=${np.values.mmdMultiscaleP!.toFixed(3)} kernelAuc=${np.values.kernelAuc!.toFixed(4)} auc=${np.values.auc!.toFixed(4)} bonfP=${np.values.bonferroniP!.toExponential(3)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(lines.join("\n"));
  await writeBenchSection({
    name: "drift",
    title: "Drift statistics",
    script: "scripts/bench/drift.ts",
    rows: results,
    notes: [`Baseline interpreter: ${pythonVersions()} (\`${PYTHON}\`), \`OMP_NUM_THREADS=${process.env.OMP_NUM_THREADS ?? "2"}\`. Times in ms, the median of ${REPEATS} run${REPEATS === 1 ? "" : "s"} on each side after a warm-up.`],
  });
}

await main();
