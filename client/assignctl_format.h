#pragma once

#include <string>

#include "assignment/v1/assignment.pb.h"

// How assignctl prints answers: one aligned line per item for people, or protobuf JSON.
namespace assignd::client {

std::string FormatAssignment(const assignment::v1::AssignResponse& a);
std::string FormatExperiments(const assignment::v1::ListExperimentsResponse& list);
std::string FormatConfigStatus(const assignment::v1::GetConfigStatusResponse& status);
// Protobuf JSON (field names as in the .proto), one object per call.
std::string ToJson(const google::protobuf::Message& message);

}  // namespace assignd::client
