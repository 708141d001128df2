# Installs seqc as a CMake package, so that an application outside the tree
# can do
#
#   find_package(seqc 0.1 REQUIRED)
#   seqc_add_model(my_model model.mlir)
#   target_link_libraries(my_app PRIVATE my_model)
#
# Installed: the runtime (seqc::runtime static, seqc::runtime_shared), the
# microkernels (seqc::ukernels, the only target that needs Highway) and their
# headers (runtime/CMakeLists.txt), the seqc, seq-opt and seq-run executables,
# and lib/cmake/seqc/{seqcConfig,seqcConfigVersion,seqcTargets,
# SeqcAddModel}.cmake. Included by the top-level CMakeLists.txt after the
# runtime and tools are defined.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(SEQC_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/seqc")

if(TARGET seqc)
  install(TARGETS seqc seq-opt RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  # They link Debian's libMLIR/libLLVM from /usr/lib/llvm-22/lib, which is
  # not on the loader's path: keep that directory in the installed RUNPATH.
  set_target_properties(seqc seq-opt PROPERTIES
    INSTALL_RPATH_USE_LINK_PATH ON)
endif()
# seq-run installs itself (tools/seq-run/CMakeLists.txt).

install(EXPORT seqcTargets
  NAMESPACE seqc::
  FILE seqcTargets.cmake
  DESTINATION ${SEQC_INSTALL_CMAKEDIR})

set(SEQC_INSTALL_BINDIR "${CMAKE_INSTALL_BINDIR}")
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/seqcConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/seqcConfig.cmake
  INSTALL_DESTINATION ${SEQC_INSTALL_CMAKEDIR}
  PATH_VARS SEQC_INSTALL_BINDIR)
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/seqcConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  # 0.x: a minor release may change the API.
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/cmake/seqcConfig.cmake
  ${PROJECT_BINARY_DIR}/cmake/seqcConfigVersion.cmake
  ${CMAKE_CURRENT_LIST_DIR}/SeqcAddModel.cmake
  DESTINATION ${SEQC_INSTALL_CMAKEDIR})
