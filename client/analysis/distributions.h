#pragma once

// The three reference distributions the analysis needs, from Boost.Math, behind plain functions so
// no other file sees Boost and every call uses the same no-exceptions error policy. Callers
// validate their inputs; a value outside a function's domain yields NaN.
namespace assignd::analysis {

// Standard normal.
double NormalCdf(double z);
// 1 - NormalCdf(z), computed directly so tail probabilities keep full relative precision.
double NormalSf(double z);
// z with NormalCdf(z) = p, p in (0, 1).
double NormalQuantile(double p);
// z with NormalSf(z) = q, q in (0, 1): exact in the far tail, where 1 - q rounds.
double NormalUpperQuantile(double q);

// Student's t with `df` > 0 degrees of freedom (real-valued, as Welch-Satterthwaite gives).
double StudentTSf(double t, double df);
double StudentTUpperQuantile(double q, double df);

// Chi-square upper tail, P(X >= x), `df` > 0.
double ChiSquaredSf(double x, double df);

}  // namespace assignd::analysis
