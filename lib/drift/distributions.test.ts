import { describe, expect, it } from "vitest";
import { chi2Sf, ks2SampleExactSf, kolmogorovSf, normalPpf, normalSf, studentTPpf, studentTSf } from "./distributions";
import { expectClose, loadReference } from "./__fixtures__/load-reference";

const ref = loadReference();

describe("special functions against scipy", () => {
  it("normal tail and quantile", () => {
    for (const c of ref.distributions.normalSf) expectClose(normalSf(c.x), c.v, 1e-12);
    for (const c of ref.distributions.normalPpf) expectClose(normalPpf(c.p), c.v, 1e-12, 1e-15);
  });
  it("chi-square survival", () => {
    for (const c of ref.distributions.chi2Sf) expectClose(chi2Sf(c.x, c.k), c.v, 1e-11, 1e-300);
  });
  it("Student t tail and quantile", () => {
    for (const c of ref.distributions.tSf) expectClose(studentTSf(c.x, c.df), c.v, 1e-11);
    for (const c of ref.distributions.tPpf) expectClose(studentTPpf(c.p, c.df), c.v, 1e-9);
  });
});

describe("Kolmogorov–Smirnov null distributions", () => {
  it("exact two-sample p matches scipy _attempt_exact_2kssamp", () => {
    for (const c of ref.ksExact) {
      const r = ks2SampleExactSf(c.n1, c.n2, c.d);
      expect(r).not.toBeNull();
      expectClose(r!.d, c.snapped, 1e-15);
      expectClose(r!.p, c.p, 1e-10);
    }
  });
  it("one-sample Kolmogorov sf matches scipy kstwo.sf on every branch", () => {
    for (const c of ref.kstwo) {
      if (c.sf >= 1e-10) expectClose(kolmogorovSf(c.n, c.x), c.sf, 1e-6);
      else expect(kolmogorovSf(c.n, c.x)).toBeLessThan(1e-9);
    }
  });
});
