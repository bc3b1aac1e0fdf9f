#pragma once

#include <utility>
#include <vector>

#include "prometheus/client_metric.h"
#include "prometheus/metric_family.h"
#include "prometheus/metric_type.h"

// For collectors that build their samples at scrape time (route counters, config gauges, SRM).
namespace assignd::metrics {

inline prometheus::MetricFamily ScrapeFamily(const char* name, const char* help,
                                             prometheus::MetricType type) {
  return prometheus::MetricFamily{name, help, type, {}};
}

// Appends a sample with `labels`, as a counter or gauge value by the family's type.
inline void AddSample(prometheus::MetricFamily& family,
                      std::vector<prometheus::ClientMetric::Label> labels, double value) {
  prometheus::ClientMetric sample;
  sample.label = std::move(labels);
  if (family.type == prometheus::MetricType::Counter) {
    sample.counter.value = value;
  } else {
    sample.gauge.value = value;
  }
  family.metric.push_back(std::move(sample));
}

}  // namespace assignd::metrics
