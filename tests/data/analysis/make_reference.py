#!/usr/bin/python3
"""Writes reference.tsv: expected values for the assignd_stats unit tests, computed independently
with SciPy (Debian's python3-scipy) and plain formulas on the same inputs.

Each line: kind <TAB> case <TAB> inputs <TAB> outputs, where inputs and outputs are `key=value`
pairs separated by `;` and list values are separated by `,`. Floats are written with repr(), which
reads back as the same double. Regenerate (and commit the result) with:

    /usr/bin/python3 tests/data/analysis/make_reference.py

What is independent of the C++ code:
- distributions: scipy.stats.norm / t / chi2 (Cephes), not Boost.Math (t quantiles polished
  with Newton steps on t.sf, see t_isf);
- z-test: z^2 is cross-checked here against scipy.stats.chi2_contingency (2x2, no Yates);
- Welch: scipy.stats.ttest_ind(equal_var=False) on raw observations (the C++ side only sees
  their sums and sums of squares); ttest_ind_from_stats for the large sample;
- SRM: scipy.stats.chisquare;
- Holm: a separate implementation (cumulative maximum over sorted p-values);
- sequential boundaries: one look exact; two looks by scipy's bivariate normal CDF
  (multivariate_normal.cdf) and brentq; three looks by nested scipy.integrate.quad;
- the sample analysis: daily_sample.csv re-read with the csv module and analysed here.
"""
import csv
import math
import os

import numpy as np
from scipy import integrate, optimize, stats

HERE = os.path.dirname(os.path.abspath(__file__))
LINES = []


def t_isf(q, df):
    """scipy.stats.t.isf polished by Newton steps on t.sf.

    SciPy 1.10's t.isf (Cephes stdtrit) is accurate only to ~1e-9 relative (e.g. q = 1e-6, df = 40
    is off by 2e-9 against a 40-digit mpmath inversion), while t.sf (incomplete beta) is accurate to
    machine precision; two Newton steps bring the quantile to the same precision.
    """
    x = stats.t.isf(q, df)
    for _ in range(2):
        x += (stats.t.sf(x, df) - q) / stats.t.pdf(x, df)
    return x


def fmt(v):
    if isinstance(v, (list, tuple, np.ndarray)):
        return ",".join(fmt(x) for x in v)
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return repr(float(v))


def emit(kind, case, inputs, outputs):
    enc = lambda d: ";".join(f"{k}={fmt(v)}" for k, v in d.items())
    LINES.append("\t".join([kind, case, enc(inputs), enc(outputs)]))


# ---------------------------------------------------------------- distributions ------------
for x in [-8.5, -3.0, -1.959963984540054, -0.5, 0.0, 0.3, 1.0, 2.5, 6.0, 12.0]:
    emit("normal", f"x{x}", dict(x=x), dict(cdf=stats.norm.cdf(x), sf=stats.norm.sf(x)))
for q in [1e-15, 1e-9, 0.0005, 0.025, 0.1, 0.5, 0.8, 0.975, 0.999999]:
    emit("normal_quantile", f"q{q}", dict(q=q),
         dict(quantile=stats.norm.ppf(q), upper=stats.norm.isf(q)))
for x, df in [(0.5, 1.0), (2.0, 3.0), (-1.2, 7.5), (3.7, 333.51), (0.36, 697009.5), (6.0, 12.0),
              (1e-3, 2.0)]:
    emit("student_t", f"x{x}_df{df}", dict(x=x, df=df), dict(sf=stats.t.sf(x, df)))
for q, df in [(0.025, 1.0), (0.025, 3.0), (0.005, 7.5), (0.025, 333.51), (0.025, 697009.5),
              (0.1, 12.0), (1e-6, 40.0)]:
    emit("student_t_quantile", f"q{q}_df{df}", dict(q=q, df=df), dict(upper=t_isf(q, df)))
for x, df in [(0.89, 1.0), (3.84, 1.0), (10.83, 1.0), (0.01, 2.0), (5.99, 2.0), (25.0, 6.0),
              (100.0, 1.0)]:
    emit("chi_squared", f"x{x}_df{df}", dict(x=x, df=df), dict(sf=stats.chi2.sf(x, df)))


# ---------------------------------------------------------------- power (two proportions) ----
def power_n(p1, lift, alpha, power):
    p2 = p1 * (1 + lift)
    pbar = (p1 + p2) / 2
    za = stats.norm.isf(alpha / 2)
    zb = stats.norm.ppf(power)
    root = za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return root ** 2 / (p2 - p1) ** 2


def power_at(p1, lift, alpha, n):
    p2 = p1 * (1 + lift)
    pbar = (p1 + p2) / 2
    za = stats.norm.isf(alpha / 2)
    num = abs(p2 - p1) * math.sqrt(n) - za * math.sqrt(2 * pbar * (1 - pbar))
    return stats.norm.cdf(num / math.sqrt(p1 * (1 - p1) + p2 * (1 - p2)))


for i, (p1, lift, alpha, power) in enumerate([
        (0.05, 0.03, 0.05, 0.8), (0.05, 0.03, 0.05, 0.9), (0.05, 0.03, 0.01, 0.9),
        (0.01, 0.05, 0.05, 0.8), (0.2, -0.1, 0.05, 0.8), (0.5, 0.02, 0.1, 0.95),
        (0.001, 0.2, 0.05, 0.8), (0.62, 0.01, 0.05, 0.8)]):
    n = power_n(p1, lift, alpha, power)
    emit("power_n", f"case{i}", dict(p1=p1, lift=lift, alpha=alpha, power=power), dict(n=n))
    # The power function is the inverse of the sample size formula.
    assert abs(power_at(p1, lift, alpha, n) - power) < 1e-12

for i, (p1, lift, alpha, n) in enumerate([
        (0.05, 0.03, 0.05, 336000), (0.05, 0.03, 0.05, 100000), (0.05, 0.05, 0.01, 1e6),
        (0.3, -0.02, 0.05, 50000), (0.02, 0.1, 0.1, 20000)]):
    emit("power_at", f"case{i}", dict(p1=p1, lift=lift, alpha=alpha, n=n),
         dict(power=power_at(p1, lift, alpha, n)))

for i, (p1, n, alpha, power) in enumerate([
        (0.05, 336000, 0.05, 0.8), (0.05, 1e6, 0.05, 0.8), (0.01, 50000, 0.05, 0.9),
        (0.3, 10000, 0.01, 0.8), (0.05, 348570, 0.05, 0.8)]):
    lift = optimize.brentq(lambda x: power_at(p1, x, alpha, n) - power, 1e-9, (1 - p1) / p1 - 1e-9,
                           xtol=1e-16, rtol=4 * np.finfo(float).eps, maxiter=500)
    emit("detectable", f"case{i}", dict(p1=p1, n=n, alpha=alpha, power=power), dict(lift=lift))


# ---------------------------------------------------------------- two-proportion z-test ------
def ztest(x1, n1, x2, n2, conf):
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = (p2 - p1) / se0 if se0 > 0 else 0.0
    p = 2 * stats.norm.sf(abs(z)) if se0 > 0 else 1.0
    crit = stats.norm.isf((1 - conf) / 2)
    v1, v2 = p1 * (1 - p1) / n1, p2 * (1 - p2) / n2
    se = math.sqrt(v1 + v2)
    rel = p2 / p1 - 1
    rel_se = math.sqrt(v2 / p1 ** 2 + p2 ** 2 * v1 / p1 ** 4)
    if se0 > 0 and 0 < x1 + x2:
        table = np.array([[x1, n1 - x1], [x2, n2 - x2]])
        chi2 = stats.chi2_contingency(table, correction=False)[0]
        assert abs(chi2 - z * z) <= 1e-9 * max(1.0, chi2), (chi2, z * z)
    return dict(control=p1, treatment=p2, z=z, p=p, abs_low=(p2 - p1) - crit * se,
                abs_high=(p2 - p1) + crit * se, rel=rel, rel_low=rel - crit * rel_se,
                rel_high=rel + crit * rel_se)


for i, (x1, n1, x2, n2, conf) in enumerate([
        (16700, 335889, 17487, 334953, 0.95), (12, 100, 20, 110, 0.95), (3, 50, 0, 60, 0.9),
        (500, 1000, 520, 1000, 0.99), (1234567, 24690000, 1250000, 24700000, 0.95),
        (5, 100, 5, 100, 0.95), (620, 1000, 580, 1000, 0.95)]):
    emit("ztest", f"case{i}", dict(x1=x1, n1=n1, x2=x2, n2=n2, conf=conf),
         ztest(x1, n1, x2, n2, conf))


# ---------------------------------------------------------------- Welch t-test ---------------
def welch_expected(t, p, m1, v1, n1, m2, v2, n2, conf):
    s1, s2 = v1 / n1, v2 / n2
    df = (s1 + s2) ** 2 / (s1 ** 2 / (n1 - 1) + s2 ** 2 / (n2 - 1))
    se = math.sqrt(s1 + s2)
    crit = t_isf((1 - conf) / 2, df)
    rel = m2 / m1 - 1
    rel_se = math.sqrt(s2 / m1 ** 2 + m2 ** 2 * s1 / m1 ** 4)
    d = m2 - m1
    return dict(control=m1, treatment=m2, t=t, df=df, p=p, abs_low=d - crit * se,
                abs_high=d + crit * se, rel=rel, rel_low=rel - crit * rel_se,
                rel_high=rel + crit * rel_se)


rng = np.random.default_rng(7)
for i, (n1, n2, mu1, mu2, sd1, sd2, conf) in enumerate([
        (30, 40, 10.0, 11.0, 2.0, 3.5, 0.95), (5, 7, 1.0, 1.5, 0.5, 0.2, 0.95),
        (200, 150, 180.0, 184.0, 8.0, 9.0, 0.99), (1000, 1200, 0.12, 0.13, 0.9, 1.1, 0.9),
        (2, 3, 4.0, 4.2, 1.0, 1.0, 0.95)]):
    a = np.round(rng.normal(mu1, sd1, n1), 3)
    b = np.round(rng.normal(mu2, sd2, n2), 3)
    res = stats.ttest_ind(a, b, equal_var=False)  # a - b; the C++ test reports b - a
    exp = welch_expected(-res.statistic, res.pvalue, a.mean(), a.var(ddof=1), n1, b.mean(),
                         b.var(ddof=1), n2, conf)
    emit("welch", f"raw{i}",
         dict(n1=n1, sum1=math.fsum(a), sumsq1=math.fsum(a * a), n2=n2, sum2=math.fsum(b),
              sumsq2=math.fsum(b * b), conf=conf), exp)


# ---------------------------------------------------------------- SRM ------------------------
for i, (counts, shares) in enumerate([
        ([348176, 348964], [0.5, 0.5]), ([1000, 1100], [0.5, 0.5]), ([600, 400], [0.6, 0.4]),
        ([100, 130], [0.5, 0.5]), ([100, 120, 90], [0.3, 0.4, 0.3]),
        ([500000, 503500], [0.5, 0.5])]):
    total = sum(counts)
    res = stats.chisquare(counts, f_exp=[s * total for s in shares])
    emit("srm", f"case{i}", dict(counts=counts, shares=shares),
         dict(chi2=res.statistic, df=len(counts) - 1, p=res.pvalue))


# ---------------------------------------------------------------- Holm -----------------------
def holm(ps):
    ps = np.asarray(ps, dtype=float)
    ok = ~np.isnan(ps)
    vals = ps[ok]
    m = len(vals)
    order = np.argsort(vals, kind="stable")
    scaled = np.minimum(1.0, (m - np.arange(m)) * vals[order])
    adj_sorted = np.maximum.accumulate(scaled)
    adj = np.empty(m)
    adj[order] = adj_sorted
    out = np.full(len(ps), np.nan)
    out[ok] = adj
    return out


for i, ps in enumerate([[0.01, 0.04, 0.03, 0.005], [0.5, 0.2, 0.9], [0.01, 0.01, 0.02],
                        [0.3, 0.001, 0.04, 0.04, 0.2, 0.0125, 0.5],
                        [0.02, float("nan"), 0.01], [1e-12, 0.7]]):
    emit("holm", f"case{i}", dict(p=ps), dict(adjusted=holm(ps)))


# ---------------------------------------------------------------- sequential -----------------
def spending(t, alpha):
    # Two-sided total: each side spends the one-sided Lan-DeMets OBF function at alpha / 2.
    return 4 * stats.norm.sf(stats.norm.isf(alpha / 4) / math.sqrt(t))


for t in [0.01, 0.078, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0]:
    for alpha in [0.05, 0.01]:
        emit("spending", f"t{t}_a{alpha}", dict(t=t, alpha=alpha), dict(alpha_t=spending(t, alpha)))


def two_look_boundaries(t1, t2, alpha):
    a1, a2 = spending(t1, alpha), spending(t2, alpha)
    c1 = stats.norm.isf(a1 / 2)
    rho = math.sqrt(t1 / t2)
    mvn = stats.multivariate_normal(mean=[0, 0], cov=[[1, rho], [rho, 1]])

    def continue_prob(c2):  # P(|Z1| < c1, |Z2| < c2)
        return mvn.cdf([c1, c2], lower_limit=[-c1, -c2])

    c2 = optimize.brentq(lambda c: continue_prob(c) - (1 - a2), 0.5, 10, xtol=1e-14)
    return [c1, c2]


def three_look_boundaries(ts, alpha):
    t1, t2, t3 = ts
    c1, c2 = two_look_boundaries(t1, t2, alpha)
    a3 = spending(t3, alpha)
    opts = dict(epsabs=1e-14, epsrel=1e-12, limit=200)

    def f2(z2):  # density of Z2 on |Z1| < c1
        k = lambda z1: stats.norm.pdf(z1) * stats.norm.pdf(
            (z2 * math.sqrt(t2) - z1 * math.sqrt(t1)) / math.sqrt(t2 - t1))
        return integrate.quad(k, -c1, c1, **opts)[0] * math.sqrt(t2) / math.sqrt(t2 - t1)

    def continue_prob(c3):  # P(|Z1| < c1, |Z2| < c2, |Z3| < c3)
        def inner(z2):
            s = math.sqrt(t3 - t2)
            m = z2 * math.sqrt(t2)
            return f2(z2) * (stats.norm.cdf((c3 * math.sqrt(t3) - m) / s) -
                             stats.norm.cdf((-c3 * math.sqrt(t3) - m) / s))
        return integrate.quad(inner, -c2, c2, **opts)[0]

    c3 = optimize.brentq(lambda c: continue_prob(c) - (1 - a3), 1.0, 6.0, xtol=1e-12)
    return [c1, c2, c3]


for i, ts in enumerate([[0.3], [1.0], [0.078]]):
    emit("boundaries", f"one{i}", dict(t=ts, alpha=0.05),
         dict(z=[stats.norm.isf(spending(ts[0], 0.05) / 2)]))
for i, ts in enumerate([[0.5, 1.0], [0.25, 0.6], [0.078, 0.155], [0.9, 1.0]]):
    emit("boundaries", f"two{i}", dict(t=ts, alpha=0.05), dict(z=two_look_boundaries(*ts, 0.05)))
emit("boundaries", "two_a01", dict(t=[0.4, 0.8], alpha=0.01),
     dict(z=two_look_boundaries(0.4, 0.8, 0.01)))
for i, ts in enumerate([[1 / 3, 2 / 3, 1.0], [0.2, 0.5, 1.0]]):
    emit("boundaries", f"three{i}", dict(t=ts, alpha=0.05), dict(z=three_look_boundaries(ts, 0.05)))


# ---------------------------------------------------------------- the sample analysis --------
def sample_analysis():
    rows = list(csv.DictReader(open(os.path.join(HERE, "daily_sample.csv"))))
    conf = 0.95

    def arm(rs, variant):
        return [r for r in rs if r["variant"] == variant]

    def metrics(rs, conf):
        c, t = arm(rs, "baseline"), arm(rs, "challenger_a")
        tot = lambda xs, k: sum(int(x[k]) for x in xs)
        out = {}
        for key, col in [("ctr", "clicks"), ("add_to_cart_rate", "adds"),
                         ("personalised_share", "personalised_recs"),
                         ("out_of_stock_rate", "out_of_stock_recs")]:
            e = ztest(tot(c, col), tot(c, "impressions"), tot(t, col), tot(t, "impressions"), conf)
            out[key] = dict(control=e["control"], treatment=e["treatment"], stat=e["z"], p=e["p"],
                            abs_low=e["abs_low"], abs_high=e["abs_high"], rel=e["rel"],
                            rel_low=e["rel_low"], rel_high=e["rel_high"])
        # RPM: Welch on per-impression revenue from the sums, via ttest_ind_from_stats.
        arms = []
        for xs in (c, t):
            n = tot(xs, "impressions")
            s = sum(float(x["revenue_sum"]) for x in xs)
            ss = sum(float(x["revenue_sumsq"]) for x in xs)
            var = (ss - s * s / n) / (n - 1)
            arms.append((s / n, var, n))
        (m1, v1, n1), (m2, v2, n2) = arms
        res = stats.ttest_ind_from_stats(m2, math.sqrt(v2), n2, m1, math.sqrt(v1), n1,
                                         equal_var=False)
        e = welch_expected(res.statistic, res.pvalue, m1, v1, n1, m2, v2, n2, conf)
        out["revenue_per_mille"] = dict(
            control=1000 * m1, treatment=1000 * m2, stat=e["t"], df=e["df"], p=e["p"],
            abs_low=1000 * e["abs_low"], abs_high=1000 * e["abs_high"], rel=e["rel"],
            rel_low=e["rel_low"], rel_high=e["rel_high"])
        # Coverage: Welch on the per-row values, from the raw values.
        a = np.array([1000 * int(x["unique_candidates"]) / int(x["impressions"]) for x in c])
        b = np.array([1000 * int(x["unique_candidates"]) / int(x["impressions"]) for x in t])
        res = stats.ttest_ind(b, a, equal_var=False)
        e = welch_expected(res.statistic, res.pvalue, a.mean(), a.var(ddof=1), len(a), b.mean(),
                           b.var(ddof=1), len(b), conf)
        out["candidate_coverage"] = dict(control=e["control"], treatment=e["treatment"],
                                         stat=e["t"], df=e["df"], p=e["p"], abs_low=e["abs_low"],
                                         abs_high=e["abs_high"], rel=e["rel"],
                                         rel_low=e["rel_low"], rel_high=e["rel_high"])
        return out

    for key, vals in metrics(rows, conf).items():
        emit("sample_metric", key, dict(confidence=conf), vals)

    n_c = sum(int(r["impressions"]) for r in arm(rows, "baseline"))
    n_t = sum(int(r["impressions"]) for r in arm(rows, "challenger_a"))
    res = stats.chisquare([n_c, n_t])
    emit("sample_srm", "all", dict(), dict(control=n_c, treatment=n_t, chi2=res.statistic,
                                           p=res.pvalue))

    segments = [(col, v) for col in ("user_type", "device_type", "surface")
                for v in sorted({r[col] for r in rows})]
    m = len(segments)
    seg_conf = 1 - 0.05 / m
    per_segment = [metrics([r for r in rows if r[col] == v], seg_conf) for col, v in segments]
    for key in per_segment[0]:
        adjusted = holm([s[key]["p"] for s in per_segment])
        for (col, v), s, adj in zip(segments, per_segment, adjusted):
            emit("sample_segment", f"{key}:{col}={v}", dict(confidence=seg_conf),
                 dict(p=s[key]["p"], p_holm=adj, rel_low=s[key]["rel_low"],
                      rel_high=s[key]["rel_high"]))


sample_analysis()

out = os.path.join(HERE, "reference.tsv")
with open(out, "w") as f:
    f.write("# Generated by make_reference.py (scipy %s, numpy %s); do not edit.\n"
            % (__import__("scipy").__version__, np.__version__))
    f.write("\n".join(LINES) + "\n")
print(f"wrote {out}: {len(LINES)} cases")
