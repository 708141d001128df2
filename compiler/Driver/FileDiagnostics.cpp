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
    // The CPU code versions lower copies of one module: an error that does
    // not depend on the CPU comes once from each. Print it once.
    std::string key;
    llvm::raw_string_ostream keyStream(key);
    keyStream << diag.getLocation() << '\n' << diag.str();
    if (!printed.insert(key).second)
      return success();
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
  // An ONNX node's location is its name on the file's: say which node,
  // unless the message already does.
  std::string node;
  if (auto name = loc->findInstanceOf<NameLoc>())
    node = ("node '" + name.getName().getValue() + "'").str();
  std::string text = message.str();
  if (!node.empty() && text.find(node) == std::string::npos)
    text = node + ": " + text;
  os << file.getFilename().getValue() << ": " << kind << ": " << text << "\n";
}

} // namespace seqc
