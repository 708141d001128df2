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

# Parsing MLIR's headers is most of the time of compiling a pass here
# (InsertShapeChecks.cpp with clang-22: 12.8 s, 3.7 s with the precompiled
# header). One precompiled header of the upstream headers that the
# compiler-side code shares, built once (about 20 s; GCC 12's is 1 GB and
# takes a minute) and reused by every compiler-side target through
# seqc_use_mlir_pch(), makes each such compile 2-4x faster. Only upstream
# headers go in: seqc's own headers are included after GEN_PASS_DEF_* and
# similar macros that a precompiled copy would not see. Configure with
# -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON to compile without it.
set(SEQC_MLIR_PCH_HEADERS
  <mlir/IR/Builders.h> <mlir/IR/BuiltinOps.h> <mlir/IR/BuiltinTypes.h>
  <mlir/IR/Diagnostics.h> <mlir/IR/IRMapping.h> <mlir/IR/Matchers.h>
  <mlir/IR/OpImplementation.h> <mlir/IR/PatternMatch.h> <mlir/Pass/Pass.h>
  <mlir/Dialect/Affine/IR/AffineOps.h> <mlir/Dialect/Arith/IR/Arith.h>
  <mlir/Dialect/Arith/Utils/Utils.h>
  <mlir/Dialect/Bufferization/IR/Bufferization.h>
  <mlir/Dialect/Func/IR/FuncOps.h> <mlir/Dialect/Linalg/IR/Linalg.h>
  <mlir/Dialect/LLVMIR/LLVMDialect.h> <mlir/Dialect/Math/IR/Math.h>
  <mlir/Dialect/MemRef/IR/MemRef.h> <mlir/Dialect/SCF/IR/SCF.h>
  <mlir/Dialect/Tensor/IR/Tensor.h> <mlir/Dialect/Utils/StaticValueUtils.h>
  <mlir/Dialect/Vector/IR/VectorOps.h>
  <mlir/Transforms/DialectConversion.h>
  <mlir/Transforms/GreedyPatternRewriteDriver.h>)
file(WRITE ${PROJECT_BINARY_DIR}/seqc_mlir_pch.cpp
  "// The translation unit that owns seqc's precompiled MLIR headers.\n")
add_library(seqc_mlir_pch OBJECT ${PROJECT_BINARY_DIR}/seqc_mlir_pch.cpp)
target_precompile_headers(seqc_mlir_pch PRIVATE ${SEQC_MLIR_PCH_HEADERS})

# Gives TARGETs (compiler-side, so compiled with the flags above) the shared
# precompiled MLIR headers.
function(seqc_use_mlir_pch)
  foreach(target ${ARGN})
    target_precompile_headers(${target} REUSE_FROM seqc_mlir_pch)
  endforeach()
endfunction()
