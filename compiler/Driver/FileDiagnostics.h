//===- FileDiagnostics.h - messages about whole files -----------*- C++ -*-===//
//
// seqc prints diagnostics as llvm::SourceMgr does ("m.seq:3:5: error: ..."
// and the source line), except that a location naming only a file (line 0:
// a weights file, an input that cannot be read) prints as "w.safetensors:
// note: ..." instead of "w.safetensors:0:0: note: ...", naming the ONNX
// node when the location is one ("m.onnx: error: node 'Loop_3': ..."), and
// a diagnostic repeated at the same location (one per CPU code version)
// prints once.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_DRIVER_FILEDIAGNOSTICS_H
#define SEQC_COMPILER_DRIVER_FILEDIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/SourceMgr.h"

namespace seqc {

class FileDiagnosticHandler : public mlir::SourceMgrDiagnosticHandler {
public:
  FileDiagnosticHandler(llvm::SourceMgr &sourceMgr, mlir::MLIRContext *context,
                        llvm::raw_ostream &os);

private:
  void emit(mlir::Location loc, const llvm::Twine &message,
            mlir::DiagnosticSeverity severity);
  llvm::raw_ostream &os;
  /// Location and text of each diagnostic printed so far.
  llvm::StringSet<> printed;
};

} // namespace seqc

#endif // SEQC_COMPILER_DRIVER_FILEDIAGNOSTICS_H
