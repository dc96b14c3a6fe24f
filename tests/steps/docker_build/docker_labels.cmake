# Included by CTest after the tests of docker_build_docker_test are discovered
# (see CMakeLists.txt): they need a real Docker engine, hence label `docker`.
foreach(test IN LISTS docker_build_docker_test_TESTS)
  set_tests_properties("${test}" PROPERTIES LABELS "integration;docker")
endforeach()
