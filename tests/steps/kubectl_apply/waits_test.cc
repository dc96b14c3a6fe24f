// Reading CRD status as `kubectl get customresourcedefinitions A B -o json`
// prints it (conditions copied from the test kube-apiserver v1.20.2).

#include "steps/kubectl_apply/waits.h"

#include <catch2/catch.hpp>

using namespace wf::steps::kubectl_apply;

namespace {

std::string crd(const std::string& name, const std::string& conditions) {
  return R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":")" + name +
         R"("},"status":{"conditions":[)" + conditions + "]}}";
}

const std::string kReady =
    R"({"lastTransitionTime":"2026-11-22T22:02:57Z","message":"no conflicts found","reason":"NoConflicts","status":"True","type":"NamesAccepted"},)"
    R"({"lastTransitionTime":"2026-11-22T22:02:57Z","message":"the initial names have been accepted","reason":"InitialNamesAccepted","status":"True","type":"Established"})";
const std::string kConflict =
    R"({"lastTransitionTime":"2026-11-22T22:03:29Z","message":"\"WidgetList\" is already in use","reason":"ListKindConflict","status":"False","type":"NamesAccepted"},)"
    R"({"lastTransitionTime":"2026-11-22T22:03:29Z","message":"not all names are accepted","reason":"NotAccepted","status":"False","type":"Established"})";

}  // namespace

TEST_CASE("CRD status: Established and NamesAccepted true is ready, a names conflict says why", "[kubectl-apply]") {
  std::string list = R"({"apiVersion":"v1","kind":"List","items":[)" + crd("widgets.a.test", kReady) + "," +
                     crd("widgetz.a.test", kConflict) + "]}";
  auto pending = crds_not_ready(list, {"widgets.a.test", "widgetz.a.test", "gone.a.test"});
  CHECK(pending == std::map<std::string, std::string>{
                       {"gone.a.test", "not found"},
                       {"widgetz.a.test", "NamesAccepted=False (ListKindConflict: \"WidgetList\" is already in use)"}});
}

TEST_CASE("CRD status: a single object (one name), no conditions yet, nothing found", "[kubectl-apply]") {
  CHECK(crds_not_ready(crd("widgets.a.test", kReady), {"widgets.a.test"}).empty());
  CHECK(crds_not_ready(crd("widgets.a.test", ""), {"widgets.a.test"}) ==
        std::map<std::string, std::string>{{"widgets.a.test", "NamesAccepted not reported yet"}});
  CHECK(crds_not_ready("", {"widgets.a.test"}) ==
        std::map<std::string, std::string>{{"widgets.a.test", "not found"}});
}
