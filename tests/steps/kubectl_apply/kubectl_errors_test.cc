// Reading kubectl's errors: the messages below are what kubectl 1.32 printed
// against the test kube-apiserver (v1.20.2), copied verbatim.

#include "steps/kubectl_apply/kubectl_errors.h"

#include <catch2/catch.hpp>

using namespace wf::steps::kubectl_apply;

namespace {
const std::string kDir = "/tmp/run/steps/s/1/kubectl-apply/objects-1";
}

TEST_CASE("kubectl errors: several errors split into records, each tied to its object file", "[kubectl-apply]") {
  std::string err =
      "error validating \"" + kDir + "/00004.yaml\": error validating data: ValidationError(Deployment.spec.template.spec.containers[0]): unknown field \"bogus\" in io.k8s.api.core.v1.Container; if you choose to ignore these errors, turn validation off with --validate=false\n"
      "Error from server (Invalid): error when creating \"" + kDir + "/00001.yaml\": Deployment.apps \"web\" is invalid: spec.template.spec.containers: Required value\n"
      "Error from server (NotFound): error when creating \"" + kDir + "/00002.yaml\": namespaces \"nope\" not found\n"
      "resource mapping not found for name: \"f1\" namespace: \"default\" from \"" + kDir + "/00012.yaml\": no matches for kind \"Foo\" in version \"zz.com/v1\"\n"
      "ensure CRDs are installed first\n"
      "Warning: resource configmaps/x is missing the kubectl.kubernetes.io/last-applied-configuration annotation\n";
  auto errors = parse_kubectl_errors(err, kDir);
  REQUIRE(errors.size() == 4);
  CHECK(errors[0].file_index == 4);
  CHECK(errors[0].error_class == ErrorClass::kPermanent);
  CHECK(kubectl_message(errors[0].text).rfind("error validating data: ValidationError(Deployment", 0) == 0);
  CHECK(errors[1].file_index == 1);
  CHECK(kubectl_message(errors[1].text) == "Deployment.apps \"web\" is invalid: spec.template.spec.containers: Required value");
  CHECK(errors[2].file_index == 2);
  CHECK(errors[2].error_class == ErrorClass::kPermanent);
  CHECK(errors[3].file_index == 12);
  CHECK(errors[3].error_class == ErrorClass::kNotReady);
  CHECK(kubectl_message(errors[3].text) ==
        "no matches for kind \"Foo\" in version \"zz.com/v1\" ensure CRDs are installed first");
}

TEST_CASE("kubectl errors: a single error keeps its 'error:' prefix out of the message", "[kubectl-apply]") {
  auto errors = parse_kubectl_errors(
      "error: resource mapping not found for name: \"w1\" namespace: \"default\" from \"" + kDir +
          "/00000.yaml\": no matches for kind \"Widget\" in version \"example.com/v1\"\nensure CRDs are installed first\n",
      kDir);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].file_index == 0);
  CHECK(errors[0].error_class == ErrorClass::kNotReady);
}

TEST_CASE("kubectl errors: not-ready errors are retried, connection problems are transient, the rest permanent",
          "[kubectl-apply]") {
  auto cls = [](const std::string& s) { return classify_kubectl_error(s); };
  CHECK(cls("Error from server (NotFound): error when creating \"x.yaml\": the server could not find the requested "
            "resource (post foos.zz.com)") == ErrorClass::kNotReady);
  CHECK(cls("Error from server (InternalError): error when creating \"x.yaml\": Internal error occurred: failed "
            "calling webhook \"cm.wf.test\": Post \"https://127.0.0.1:40123/validate?timeout=5s\": dial tcp "
            "127.0.0.1:40123: connect: connection refused") == ErrorClass::kNotReady);
  CHECK(cls("Error from server (InternalError): Internal error occurred: failed calling webhook \"v.cert-manager.io\": "
            "Post \"https://cert-manager-webhook.cert-manager.svc:443/validate?timeout=10s\": context deadline exceeded") ==
        ErrorClass::kNotReady);
  CHECK(cls("Error from server (InternalError): Internal error occurred: failed calling webhook \"x\": Post "
            "\"https://svc.ns.svc:443/x\": no endpoints available for service \"svc\"") == ErrorClass::kNotReady);
  CHECK(cls("Error from server (ServiceUnavailable): error when retrieving current configuration of:\nResource: "
            "\"argoproj.io/v1alpha1, Resource=applications\"\nfrom server for: \"x.yaml\": the server is currently "
            "unable to handle the request") == ErrorClass::kNotReady);
  CHECK(cls("Error from server (BadRequest): admission webhook \"x\" denied the request: no") == ErrorClass::kPermanent);
  CHECK(cls("The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?") ==
        ErrorClass::kTransient);
  CHECK(cls("Unable to connect to the server: dial tcp 10.0.0.1:443: i/o timeout") == ErrorClass::kTransient);
  CHECK(cls("Error from server (Invalid): error when creating \"x.yaml\": Deployment.apps \"web\" is invalid") ==
        ErrorClass::kPermanent);
  CHECK(cls("Error from server (Forbidden): error when creating \"x.yaml\": configmaps is forbidden") ==
        ErrorClass::kPermanent);
}

TEST_CASE("kubectl errors: server-side apply errors name no file", "[kubectl-apply]") {
  auto errors = parse_kubectl_errors(
      "Error from server (Invalid): Deployment.apps \"web\" is invalid: spec.template.spec.containers: Required value\n"
      "Error from server (NotFound): namespaces \"nope\" not found\n"
      "Error from server: failed to create typed patch object: .data.a: expected string, got &value.valueUnstructured{Value:1}\n",
      kDir);
  REQUIRE(errors.size() == 3);
  for (const auto& e : errors) CHECK(e.file_index == -1);
  CHECK(kubectl_message(errors[0].text) == "Deployment.apps \"web\" is invalid: spec.template.spec.containers: Required value");
  CHECK(kubectl_message(errors[2].text) ==
        "failed to create typed patch object: .data.a: expected string, got &value.valueUnstructured{Value:1}");
}

TEST_CASE("kubectl errors: -o name lines are the applied objects", "[kubectl-apply]") {
  CHECK(parse_applied_names("namespace/argocd\ncustomresourcedefinition.apiextensions.k8s.io/apps.argoproj.io\n"
                            "deployment.apps/web\n\n") ==
        std::vector<std::string>{"namespace/argocd", "customresourcedefinition.apiextensions.k8s.io/apps.argoproj.io",
                                 "deployment.apps/web"});
}

TEST_CASE("kubectl kustomize errors: klog's framing is dropped, an unreachable remote base is transient",
          "[kubectl-apply]") {
  std::string err =
      "E1122 22:37:57.928673    8243 run.go:72] \"command failed\" err=<\n"
      "\taccumulating resources: accumulation err='accumulating resources from "
      "'https://raw.githubusercontent.com/argoproj/argo-cd/v2.13.0/manifests/install.yaml': Get "
      "\"https://raw.githubusercontent.com/argoproj/argo-cd/v2.13.0/manifests/install.yaml\": dial tcp: lookup "
      "raw.githubusercontent.com on 10.255.255.53:53: no such host'\n"
      "\t: exit status 128\n"
      " >\n";
  CHECK(kustomize_message(err) ==
        "accumulating resources: accumulation err='accumulating resources from "
        "'https://raw.githubusercontent.com/argoproj/argo-cd/v2.13.0/manifests/install.yaml': Get "
        "\"https://raw.githubusercontent.com/argoproj/argo-cd/v2.13.0/manifests/install.yaml\": dial tcp: lookup "
        "raw.githubusercontent.com on 10.255.255.53:53: no such host' : exit status 128");
  CHECK(classify_kustomize_error(err) == ErrorClass::kTransient);
  std::string missing = "E1122 22:38:20.546169    8381 run.go:72] \"command failed\" err=\"unable to find one of "
                        "'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '/work/argocd'\"\n";
  CHECK(kustomize_message(missing) == "unable to find one of 'kustomization.yaml', 'kustomization.yml' or "
                                      "'Kustomization' in directory '/work/argocd'");
  CHECK(classify_kustomize_error(missing) == ErrorClass::kPermanent);
}
