#include "runner/exec/observer.h"

namespace wf::exec {

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::kSuccess: return "success";
    case Outcome::kFailure: return "failure";
    case Outcome::kSkipped: return "skipped";
    case Outcome::kCancelled: return "cancelled";
  }
  return "failure";
}

}  // namespace wf::exec
