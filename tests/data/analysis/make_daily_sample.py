#!/usr/bin/python3
"""Writes daily_sample.csv: 14 days of simulated daily aggregates for blend_weights_v2.

The shape of the plan's experiments.blend_weights_daily table: one row per date, variant and
segment (user_type x device_type x surface). The numbers are simulated, not real traffic: a 50/50
split of ~26k impressions per arm per day, baseline CTR ~5% and a challenger that is better on CTR
(+5%), add-to-cart, personalised share, out-of-stock and coverage, with a revenue effect too small
for the planned sample to detect. Deterministic (fixed seed); rerun to regenerate:

    /usr/bin/python3 tests/data/analysis/make_daily_sample.py
"""
import datetime
import math
import os

import numpy as np

SEED = 20240603
DAYS = 14
START = datetime.date(2024, 6, 3)
DAILY_IMPRESSIONS = 52_000  # both arms together

USER_TYPES = {"new": 0.3, "returning": 0.7}
DEVICES = {"mobile": 0.65, "desktop": 0.35}
SURFACES = {"home": 0.5, "pdp": 0.35, "cart": 0.15}
CTR_FACTOR = {"new": 0.92, "returning": 1.035, "mobile": 0.96, "desktop": 1.075,
              "home": 0.92, "pdp": 1.08, "cart": 1.05}

# Per variant: CTR multiplier, add-per-click, personalised share, out-of-stock rate, coverage per 1k.
VARIANTS = {
    "baseline": dict(ctr=1.0, add_per_click=0.20, personalised=0.620, oos=0.0200, coverage=180.0),
    "challenger_a": dict(ctr=1.05, add_per_click=0.199, personalised=0.635, oos=0.0190,
                         coverage=184.0),
}
PURCHASE_PER_ADD = 0.30
ORDER_VALUE_MEAN = 40.0  # lognormal, sigma 0.7
ORDER_VALUE_SIGMA = 0.7
CHALLENGER_ORDER_VALUE_LIFT = 1.01


def main():
    rng = np.random.default_rng(SEED)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "daily_sample.csv")
    header = ["date", "variant", "user_type", "device_type", "surface", "impressions", "clicks",
              "adds", "purchases", "revenue_sum", "revenue_sumsq", "personalised_recs",
              "out_of_stock_recs", "unique_candidates"]
    lines = [",".join(header)]
    mu = math.log(ORDER_VALUE_MEAN) - ORDER_VALUE_SIGMA ** 2 / 2
    for d in range(DAYS):
        day = START + datetime.timedelta(days=d)
        weekend = 0.85 if day.weekday() >= 5 else 1.0
        for user, pu in USER_TYPES.items():
            for device, pd in DEVICES.items():
                for surface, ps in SURFACES.items():
                    cell = int(rng.poisson(DAILY_IMPRESSIONS * weekend * pu * pd * ps))
                    control_n = int(rng.binomial(cell, 0.5))
                    for variant, n in (("baseline", control_n),
                                       ("challenger_a", cell - control_n)):
                        v = VARIANTS[variant]
                        ctr = 0.05 * CTR_FACTOR[user] * CTR_FACTOR[device] * CTR_FACTOR[surface]
                        clicks = int(rng.binomial(n, ctr * v["ctr"]))
                        adds = int(rng.binomial(clicks, v["add_per_click"]))
                        purchases = int(rng.binomial(adds, PURCHASE_PER_ADD))
                        lift = CHALLENGER_ORDER_VALUE_LIFT if variant != "baseline" else 1.0
                        values = np.round(
                            rng.lognormal(mu, ORDER_VALUE_SIGMA, purchases) * lift, 2)
                        personalised = int(rng.binomial(n, v["personalised"]))
                        oos = int(rng.binomial(n, v["oos"]))
                        unique = int(round(n / 1000 * rng.normal(v["coverage"], 8.0)))
                        lines.append(",".join([
                            day.isoformat(), variant, user, device, surface, str(n), str(clicks),
                            str(adds), str(purchases), f"{values.sum():.2f}",
                            f"{(values ** 2).sum():.4f}", str(personalised), str(oos),
                            str(unique)]))
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {out}: {len(lines) - 1} rows")


if __name__ == "__main__":
    main()
