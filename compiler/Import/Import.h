//===- Import.h - model files into the seq dialect --------------*- C++ -*-===//
//
// The front ends: a model file becomes a verified module of seq and upstream
// ops whose public function is the model. The file kind comes from the
// extension: .mlir (seq dialect, parsed), .seq (model description +
// safetensors weights), .onnx.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_IMPORT_IMPORT_H
#define SEQC_COMPILER_IMPORT_IMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include "llvm/Support/SourceMgr.h"

#include <string>
#include <vector>

namespace seqc {

struct ImportOptions {
  /// Weights file for a model description (overrides the one it names).
  std::string weightsPath;
  /// When not null, receives the path of every file the import reads: the
  /// model file and a model description's weights file (the driver refuses
  /// to write an output over one of them).
  std::vector<std::string> *filesRead = nullptr;
};

/// Imports the model at `path` (.seq, .onnx, else seq-dialect MLIR), then
/// raises what it spells out with plain ops to seq ops
/// (`seq-raise-attention`, `seq-raise-gelu`, `seq-raise-norms`,
/// `seq-raise-linear-bias`, `seq-raise-conv-padding`). Errors are reported
/// through `context`'s diagnostic handler (whose source manager is
/// `sourceMgr`, so text front ends report `file:line:col: error:`); returns
/// null on failure.
mlir::OwningOpRef<mlir::ModuleOp> importModel(llvm::StringRef path,
                                              llvm::SourceMgr &sourceMgr,
                                              mlir::MLIRContext *context,
                                              const ImportOptions &options);

} // namespace seqc

#endif // SEQC_COMPILER_IMPORT_IMPORT_H
