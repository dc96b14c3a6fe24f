# Included by CTest after the tests of helm_template_kube_test are discovered
# (see CMakeLists.txt): they need the real kube-apiserver, hence label `kube`.
foreach(test IN LISTS helm_template_kube_test_TESTS)
  set_tests_properties("${test}" PROPERTIES LABELS "integration;kube")
endforeach()
