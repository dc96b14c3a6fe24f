# Included by CTest after the tests of kubectl_apply_kube_test are discovered
# (see CMakeLists.txt): they need the real kube-apiserver, hence label `kube`.
foreach(test IN LISTS kubectl_apply_kube_test_TESTS)
  set_tests_properties("${test}" PROPERTIES LABELS "integration;kube")
endforeach()
