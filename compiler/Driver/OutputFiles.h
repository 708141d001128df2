//===- OutputFiles.h - where seqc writes what it emits ----------*- C++ -*-===//

#ifndef SEQC_COMPILER_DRIVER_OUTPUTFILES_H
#define SEQC_COMPILER_DRIVER_OUTPUTFILES_H

#include "compiler/Driver/Driver.h"
#include "compiler/Target/ObjectEmission.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace seqc {

/// The files of one compilation: BASE.o, BASE.h, BASE.so, ... where BASE is
/// `-o` or the input's stem; `-` (or no `-o` for text) is stdout. Failures
/// are reported to `errs` as `seqc: error: ...`.
class OutputFiles {
public:
  OutputFiles(const DriverOptions &options, llvm::raw_ostream &errs)
      : options(options), errs(errs) {}

  /// BASE + `extension`.
  std::string path(llvm::StringRef extension) const;

  /// Writes `text` to BASE + `extension` (stdout when no -o was given and
  /// `toStdoutByDefault`).
  mlir::LogicalResult writeText(llvm::StringRef extension,
                                llvm::StringRef text, bool toStdoutByDefault);

  /// Prints `module` as text to BASE + `extension` (stdout by default).
  mlir::LogicalResult writeModule(llvm::StringRef extension,
                                  mlir::ModuleOp module);

  /// Emits the lowered code `versions` as `kind` to `path` ("-": stdout).
  mlir::LogicalResult writeCode(llvm::ArrayRef<CodeVersion> versions,
                                CodeKind kind, const std::string &path,
                                bool exportDefaultEntry);

  /// BASE.so: the object linked by the system C compiler driver (`cc`).
  mlir::LogicalResult writeShared(llvm::ArrayRef<CodeVersion> versions,
                                  llvm::StringRef modelName);

  /// Writes what `--emit` asks for: the header of `module` (after the model
  /// ABI phase), its kernels' PTX, the lowered MLIR of `versions`, or their
  /// code as LLVM IR, assembly, an object (with the header by default) or
  /// a shared library.
  mlir::LogicalResult writeRequested(mlir::ModuleOp module,
                                     llvm::ArrayRef<CodeVersion> versions,
                                     llvm::StringRef modelName);

  int fail(const llvm::Twine &message);

private:
  const DriverOptions &options;
  llvm::raw_ostream &errs;
};

} // namespace seqc

#endif // SEQC_COMPILER_DRIVER_OUTPUTFILES_H
