//===- ObjectEmission.h - LLVM dialect module -> object, asm, IR -*- C++ -*-===//
//
// Translates the lowered module to LLVM IR, adds the model ABI glue (the
// packed entry and the seqc_model_api record of runtime/include/seqc/abi.h),
// optimizes it for the chosen CPU and writes IR, assembly or an object.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_TARGET_OBJECTEMISSION_H
#define SEQC_COMPILER_TARGET_OBJECTEMISSION_H

#include "compiler/Target/ModelSignature.h"

#include "mlir/IR/BuiltinOps.h"

#include "llvm/Support/raw_ostream.h"

#include <string>

namespace seqc {

enum class CodeKind { LLVMIR, Assembly, Object };

struct TargetOptions {
  /// LLVM CPU name; "native" means this machine's CPU and features.
  std::string cpu = "x86-64";
  /// Also export `seqc_default_model_api`, which seq-run looks up in a
  /// shared library whose model name it does not know.
  bool exportDefaultEntry = false;
};

/// The name of the lowered entry function that the ABI glue calls.
std::string getEntryFunctionName(const ModelSignature &signature);

/// Emits `module` (LLVM dialect only; its entry is getEntryFunctionName and
/// carries llvm.emit_c_interface) as `kind` to `os`.
mlir::LogicalResult emitCode(mlir::ModuleOp module,
                             const ModelSignature &signature,
                             const TargetOptions &options, CodeKind kind,
                             llvm::raw_pwrite_stream &os);

} // namespace seqc

#endif // SEQC_COMPILER_TARGET_OBJECTEMISSION_H
