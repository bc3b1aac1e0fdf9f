#pragma once

#include <cstdint>

// Draws ranks 1..n with P(k) proportional to 1/k^s (Zipf), in O(1) time and memory per draw by
// rejection-inversion (W. Hörmann, G. Derflinger, "Rejection-inversion to generate variates from
// monotone discrete distributions", 1996; the same method as Apache Commons RNG). No table of n
// entries, so a million distinct users costs nothing to set up.
namespace assignd::client {

class ZipfSampler {
 public:
  // n >= 1, s > 0.
  ZipfSampler(uint64_t n, double s);

  // A rank in [1, n] for `uniform01`, a uniform draw in [0, 1). May ask for more draws: `next`
  // is called again when a candidate is rejected (rarely: at most a few percent of draws).
  template <typename NextUniform>
  uint64_t Sample(NextUniform&& next) const {
    while (true) {
      const double u = h_integral_n_ + next() * (h_integral_x1_ - h_integral_n_);
      const double x = HIntegralInverse(u);
      double k = static_cast<double>(static_cast<int64_t>(x + 0.5));
      if (k < 1) k = 1;
      if (k > n_) k = n_;
      if (k - x <= s_bound_ || u >= HIntegral(k + 0.5) - H(k)) return static_cast<uint64_t>(k);
    }
  }

 private:
  double H(double x) const;
  double HIntegral(double x) const;
  double HIntegralInverse(double x) const;

  double n_;
  double exponent_;
  double h_integral_x1_;
  double h_integral_n_;
  double s_bound_;
};

}  // namespace assignd::client
