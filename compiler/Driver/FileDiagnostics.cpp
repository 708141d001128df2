//===- FileDiagnostics.cpp - messages about whole files -------------------===//

#include "compiler/Driver/FileDiagnostics.h"

#include "mlir/IR/MLIRContext.h"

using namespace mlir;

namespace seqc {

FileDiagnosticHandler::FileDiagnosticHandler(llvm::SourceMgr &sourceMgr,
                                             MLIRContext *context,
                                             llvm::raw_ostream &os)
    : SourceMgrDiagnosticHandler(sourceMgr, context, os), os(os) {
  // Registered after the base class's handler, so it runs first.
  setHandler([this](Diagnostic &diag) {
    emit(diag.getLocation(), diag.str(), diag.getSeverity());
    for (Diagnostic &note : diag.getNotes())
      emit(note.getLocation(), note.str(), note.getSeverity());
    return success();
  });
}

void FileDiagnosticHandler::emit(Location loc, const llvm::Twine &message,
                                 DiagnosticSeverity severity) {
  auto file = loc->findInstanceOf<FileLineColLoc>();
  if (!file || file.getLine() != 0) {
    emitDiagnostic(loc, message, severity);
    return;
  }
  const char *kind = severity == DiagnosticSeverity::Error     ? "error"
                     : severity == DiagnosticSeverity::Warning ? "warning"
                     : severity == DiagnosticSeverity::Note    ? "note"
                                                               : "remark";
  os << file.getFilename().getValue() << ": " << kind << ": " << message
     << "\n";
}

} // namespace seqc
