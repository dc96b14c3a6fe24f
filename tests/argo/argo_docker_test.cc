// The wf image (scripts/build-image.sh) and the Argo emulator on a real
// Docker engine: a hand-written Workflow whose tasks run in the image.
// Label docker: needs scripts/tools/docker.sh (dockerd) and debootstrap.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/argo/wf_image.h"
#include "tests/fixtures/argo/argo_emulator.h"
#include "tests/fixtures/argo/docker_task_runner.h"

using namespace wf::test;
using namespace wf::test::argo;

namespace {

std::string docker_manifest(const std::string& image) {
  std::string y = R"(apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: emu-}
spec:
  entrypoint: main
  arguments: {parameters: [{name: who, value: world}]}
  volumes:
  - {name: files, configMap: {name: emu-files}}
  - {name: state, persistentVolumeClaim: {claimName: emu-state}}
  templates:
  - name: main
    dag:
      tasks:
      - {name: produce, template: produce}
      - name: consume
        dependencies: [produce]
        template: consume
        arguments: {parameters: [{name: value, value: "{{tasks.produce.outputs.parameters.greeting}}"}]}
      - {name: flaky, template: flaky}
      - {name: broken, template: broken, continueOn: {failed: true}}
      - {name: slow, template: slow, continueOn: {failed: true}}
  - name: produce
    container:
      image: IMAGE
      command: [bash, -c]
      args: ['mkdir -p /tmp/out && echo "hello {{workflow.parameters.who}} $(cat /cfg/greeting.txt) $TOKEN" > /tmp/out/greeting']
      env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: emu-secret, key: token}}}]
      volumeMounts: [{name: files, mountPath: /cfg}]
    outputs: {parameters: [{name: greeting, valueFrom: {path: /tmp/out/greeting}}]}
  - name: consume
    inputs: {parameters: [{name: value}]}
    container:
      image: IMAGE
      command: [bash, -c, 'printf "%s" "$1" > /tmp/got', --]
      args: ['{{inputs.parameters.value}}']
    outputs: {parameters: [{name: got, valueFrom: {path: /tmp/got}}]}
  - name: flaky
    retryStrategy: {limit: 2, expression: 'asInt(lastRetry.exitCode) == 75'}
    container:
      image: IMAGE
      command: [bash, -c]
      args: ['if [ ! -e /state/marker ]; then touch /state/marker; exit 75; fi; echo ok > /tmp/r']
      volumeMounts: [{name: state, mountPath: /state}]
    outputs: {parameters: [{name: r, valueFrom: {path: /tmp/r}}]}
  - name: broken
    container: {image: IMAGE, command: [bash, -c, 'exit 3']}
  - name: slow
    activeDeadlineSeconds: 3
    container: {image: IMAGE, command: [sleep, '60']}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: emu-files}
data: {greeting.txt: from-configmap}
)";
  for (size_t at; (at = y.find("IMAGE")) != std::string::npos;) y.replace(at, 5, image);
  return y;
}

}  // namespace

// One case, one dockerd and one image build (a case is a process under CTest,
// and each would start its own dockerd and import the base): its sections.
TEST_CASE("argo docker: the wf image, and the Argo emulator running its tasks on dockerd", "[argo][docker]") {
  SECTION("build-image.sh builds, without pulling, an image where wf runs, and a second run builds nothing") {
    DockerEngine& engine = DockerEngine::shared();
    ImageBuild first = build_wf_image(engine, "argo-test");
    INFO(first.result.err);
    REQUIRE(first.result.exit_code == 0);
    CHECK(first.image == "wf:argo-test");

    CommandResult version = engine.docker({"run", "--rm", "--network", "none", first.image, "wf", "--version"});
    INFO(version.err);
    CHECK(version.exit_code == 0);
    CHECK(version.out.rfind("wf ", 0) == 0);
    // The modules load in the image (from /usr/local/lib/wf): the git context (wf-git.so), wf.log
    // (wf-log.so) and a request (wf-http.so; refused, there is no network).
    CommandResult modules = engine.docker(
        {"run", "--rm", "--network", "none", first.image, "bash", "-c",
         "set -e; printf '%s\\n' 'name: m' 'steps:' '  s:' '    run: echo \"sha=[${{ git.sha }}]\"' > m.yaml; "
         "wf run m.yaml > /dev/null; ls .wf/runs/*/wf.log > /dev/null && echo logged; "
         "printf '%s\\n' 'name: h' 'steps:' '  d:' '    uses: gh-dispatch' '    with:' '      repo: o/r' "
         "'      workflow: w.yaml' '      ref: main' '      token: t' '      api-url: http://127.0.0.1:1' > h.yaml; "
         "wf run h.yaml 2>&1 | grep -o 'network error' | head -1"});
    INFO(modules.err);
    CHECK(modules.out == "logged\nnetwork error\n");
    CommandResult tools = engine.docker({"run", "--rm", "--network", "none", first.image, "bash", "-c",
                                         "test -s /etc/ssl/certs/ca-certificates.crt && echo certs; pwd"});
    CHECK(tools.out == "certs\n/work\n");
    // Nothing was pulled: the only images are the imported base and ours.
    CommandResult images = engine.docker({"images", "--format", "{{.Repository}}"});
    for (const auto& repo : split_lines(images.out)) CHECK((repo == "wf" || repo == "wf-base"));

    ImageBuild second = build_wf_image(engine, "argo-test");
    REQUIRE(second.result.exit_code == 0);
    CHECK(second.result.err.find("wf:argo-test is up to date") != std::string::npos);
    CHECK(second.seconds < 60);
  }
  SECTION("the emulator: outputs, a ConfigMap, a Secret, continueOn, a retry and a deadline") {
    DockerEngine& engine = DockerEngine::shared();
    const std::string& image = shared_wf_image();
    auto wf = parse_manifest(docker_manifest(image));
    REQUIRE(wf.ok());
    TempDir claim;
    EmulatorOptions options;
    options.secrets["emu-secret"]["token"] = "tok";
    options.claims["emu-state"] = claim.path();
    DockerTaskRunner::Options docker;
    docker.docker_host = engine.host();
    DockerTaskRunner runner(docker);
    auto r = emulate(*wf, runner, options);
    REQUIRE(r.ok());
    INFO(result_json(*r));
    CHECK(phase_name(r->phase) == std::string("Succeeded"));
    CHECK(r->tasks.at("produce").outputs.at("greeting") == "hello world from-configmap tok");
    CHECK(r->tasks.at("consume").outputs.at("got") == "hello world from-configmap tok");
    CHECK(phase_name(r->tasks.at("flaky").phase) == std::string("Succeeded"));
    CHECK(r->tasks.at("flaky").attempts.size() == 2);
    CHECK(r->tasks.at("flaky").outputs.at("r") == "ok");
    CHECK(phase_name(r->tasks.at("broken").phase) == std::string("Failed"));
    CHECK(r->tasks.at("broken").exit_code == 3);
    CHECK(phase_name(r->tasks.at("slow").phase) == std::string("Failed"));
    CHECK(r->tasks.at("slow").message == "Pod was active on the node longer than the specified deadline");
    CHECK(r->tasks.at("slow").attempts.at(0).seconds < 40);  // the 60 s sleep was cut at its 3 s deadline
    // Every container was removed.
    CHECK(engine.docker({"ps", "-aq"}).out.empty());
  }
}
