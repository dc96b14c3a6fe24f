# Included by CTest after the tests of argo_kube_test are discovered: they need
# the real kube-apiserver, hence label `kube` (see tests/steps/kubectl_apply).
foreach(test IN LISTS argo_kube_test_TESTS)
  set_tests_properties("${test}" PROPERTIES LABELS "integration;kube")
endforeach()
