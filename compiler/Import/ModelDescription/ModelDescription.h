//===- ModelDescription.h - .seq model descriptions into seq ---*- C++ -*-===//
//
// The model description front end: a `.seq` file (docs/ModelDescription.md)
// plus a safetensors file holding a PyTorch state_dict become a func.func of
// seq and upstream ops whose weights are arith.constant tensors.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_IMPORT_MODELDESCRIPTION_MODELDESCRIPTION_H
#define SEQC_COMPILER_IMPORT_MODELDESCRIPTION_MODELDESCRIPTION_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include "llvm/Support/SourceMgr.h"

namespace seqc {

/// Imports the description at `path`. `weightsPath`, when not empty,
/// replaces the weights file the description names. The description is
/// added to `sourceMgr` so diagnostics show the line and a caret. When
/// `weightsFileRead` is not null it receives the path of the weights file
/// opened (empty if none).
mlir::OwningOpRef<mlir::ModuleOp>
importModelDescription(llvm::StringRef path, llvm::SourceMgr &sourceMgr,
                       mlir::MLIRContext *context, llvm::StringRef weightsPath,
                       std::string *weightsFileRead = nullptr);

} // namespace seqc

#endif // SEQC_COMPILER_IMPORT_MODELDESCRIPTION_MODELDESCRIPTION_H
