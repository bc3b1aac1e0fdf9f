#pragma once

#include "assignment/v1/assignment.pb.h"
#include "server/core/assign.h"

namespace assignd::service {

// The wire enum for an engine decision reason.
inline assignment::v1::Reason ReasonToProto(core::Reason reason) {
  switch (reason) {
    case core::Reason::kAssigned:
      return assignment::v1::REASON_ASSIGNED;
    case core::Reason::kNotInRamp:
      return assignment::v1::REASON_NOT_IN_RAMP;
    case core::Reason::kKillSwitch:
      return assignment::v1::REASON_KILL_SWITCH;
    case core::Reason::kForcedOverride:
      return assignment::v1::REASON_FORCED_OVERRIDE;
  }
  return assignment::v1::REASON_UNSPECIFIED;
}

}  // namespace assignd::service
