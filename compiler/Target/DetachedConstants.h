//===- DetachedConstants.h - weights kept out of LLVM IR --------*- C++ -*-===//
//
// A model's weights are most of its object (50 MB for a 16-layer d256
// encoder, once per CPU level), and LLVM handles constant data slowly: it
// hashes and copies it on translation, writes and reads it again as bitcode
// when code versions are optimized on several threads, and its assembly
// printer emits float arrays one element at a time. None of that serves the
// code, which only loads from the arrays. So the large constants of a
// lowered module go through translation and optimization as external
// declarations, and are defined, as byte arrays, in the module that code
// generation receives.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_TARGET_DETACHEDCONSTANTS_H
#define SEQC_COMPILER_TARGET_DETACHEDCONSTANTS_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include "llvm/IR/Module.h"

#include <string>

namespace seqc {

/// A constant global of a lowered module, declared without its data.
struct DetachedConstant {
  /// The global's symbol in the lowered module.
  std::string symbol;
  /// Its data as the target stores it (little-endian elements in row-major
  /// order); owned by the module's MLIRContext.
  llvm::ArrayRef<char> bytes;
  /// Its alignment in bytes (at least 64: a cache line).
  uint64_t alignment = 64;
};

/// Constants below this many bytes stay with the code: LLVM may fold loads
/// from small tables.
constexpr size_t kMinDetachedConstantBytes = 4096;

/// A copy of `module` (LLVM dialect) in which every constant global of at
/// least kMinDetachedConstantBytes bytes of dense, non-splat data is an
/// external declaration; their data goes to `detached`. `module` itself is
/// left as it is (it may be emitted again).
mlir::OwningOpRef<mlir::ModuleOp>
detachLargeConstants(mlir::ModuleOp module,
                     llvm::SmallVectorImpl<DetachedConstant> &detached);

/// Defines in `module` every constant of `detached` whose declaration is
/// named its symbol followed by `suffix` (the name the declaration got
/// when its code version was linked into `module`), as a byte array of the
/// same name; a declaration that LLVM dropped as unused is skipped.
void attachConstants(llvm::Module &module,
                     llvm::ArrayRef<DetachedConstant> detached,
                     llvm::StringRef suffix);

} // namespace seqc

#endif // SEQC_COMPILER_TARGET_DETACHEDCONSTANTS_H
