//===- CodeVersions.h - one lowered module per CPU of the object -*- C++
//-*-===//

#ifndef SEQC_COMPILER_DRIVER_CODEVERSIONS_H
#define SEQC_COMPILER_DRIVER_CODEVERSIONS_H

#include "compiler/Driver/TargetSelection.h"
#include "compiler/Target/ObjectEmission.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/Timing.h"

#include <vector>

namespace seqc {

/// The code versions of one object, one per CPU of the target selection,
/// and the module copies they live in (the last version is the module
/// itself).
struct CodeVersions {
  std::vector<mlir::OwningOpRef<mlir::ModuleOp>> copies;
  std::vector<CodeVersion> versions;
};

/// Lowers `module` (after the model ABI phase) with the CPU pipeline
/// (compiler/Pipelines): its shared half once, then the rest once per CPU
/// of `target`, each from its own copy taken before any is lowered further,
/// several at once on the context's threads; diagnostics come in version
/// order. Each pipeline's passes are timed under `timing` (seqc
/// --mlir-timing). Fails when a pipeline does.
mlir::LogicalResult lowerCodeVersions(mlir::ModuleOp module,
                                      const TargetSelection &target,
                                      const DriverOptions &options,
                                      CodeVersions &out,
                                      mlir::TimingScope &timing);

} // namespace seqc

#endif // SEQC_COMPILER_DRIVER_CODEVERSIONS_H
