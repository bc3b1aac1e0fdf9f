#include "server/exposure_log/json_line.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace assignd::exposure_log {
namespace {

void AppendField(std::string_view name, std::string_view value, std::string& out) {
  out.append(",\"");
  out.append(name);
  out.append("\":\"");
  AppendJsonEscaped(value, out);
  out.push_back('"');
}

}  // namespace

void AppendJsonEscaped(std::string_view text, std::string& out) {
  for (const char c : text) {
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned>(c));
          out.append(escaped);
        } else {
          out.push_back(c);
        }
    }
  }
}

void AppendJsonLine(const ExposureFields& fields, std::string& out) {
  out.append("{\"ts\":\"");
  out.append(absl::FormatTime("%Y-%m-%dT%H:%M:%E9SZ", absl::FromUnixNanos(fields.unix_nanos),
                              absl::UTCTimeZone()));
  out.push_back('"');
  AppendField("namespace", fields.ns, out);
  AppendField("experiment", fields.experiment, out);
  AppendField("variant", fields.variant, out);
  AppendField("reason", fields.reason, out);
  out.append(fields.in_experiment ? ",\"in_experiment\":true" : ",\"in_experiment\":false");
  AppendField("config_version", fields.config_version, out);
  AppendField(fields.user_field, fields.user_value, out);
  out.append("}\n");
}

}  // namespace assignd::exposure_log
