# Compile settings for the MLIR-facing code (dialects/, compiler/, tools/).
# The runtime does not include this file.

include_directories(SYSTEM ${LLVM_INCLUDE_DIRS} ${MLIR_INCLUDE_DIRS})
# Headers sit next to their sources and are included from the repository root;
# generated .inc files land at the same relative path under the build tree.
include_directories(${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR})
separate_arguments(SEQC_LLVM_DEFINITIONS NATIVE_COMMAND "${LLVM_DEFINITIONS}")
add_definitions(${SEQC_LLVM_DEFINITIONS})

if(NOT LLVM_ENABLE_RTTI)
  add_compile_options($<$<COMPILE_LANGUAGE:CXX>:-fno-rtti>)
endif()
add_compile_options(
  $<$<COMPILE_LANGUAGE:CXX>:-Wall>
  $<$<COMPILE_LANGUAGE:CXX>:-Wno-unused-parameter>
  $<$<COMPILE_LANGUAGE:CXX>:-Werror=deprecated-declarations>)

# add_mlir_doc writes under MLIR_BINARY_DIR/docs; keep that inside our tree.
set(MLIR_BINARY_DIR ${PROJECT_BINARY_DIR})
if(NOT TARGET mlir-doc)
  add_custom_target(mlir-doc)
endif()

# Every compiler-side library and tool links the one MLIR and LLVM dylib.
set(SEQC_MLIR_LIBS MLIR LLVM)
