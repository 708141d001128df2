//===- OutputFiles.h - where seqc writes what it emits ----------*- C++ -*-===//

#ifndef SEQC_COMPILER_DRIVER_OUTPUTFILES_H
#define SEQC_COMPILER_DRIVER_OUTPUTFILES_H

#include "compiler/Driver/Driver.h"
#include "compiler/Target/ObjectEmission.h"

#include "mlir/IR/BuiltinOps.h"

#include "llvm/Support/ToolOutputFile.h"

#include <string>
#include <vector>

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

  /// The files the compilation writes for `--emit` (stdout is none): what
  /// writeRequested writes and, with --external-weights, BASE.safetensors.
  std::vector<std::string> plannedPaths() const;

  /// Fails, naming both, when a file the compilation writes is one of
  /// `inputs` (`seqc m.seq -o m --external-weights` next to m.safetensors,
  /// `seqc m.mlir --emit=mlir -o m`): the input would be lost.
  mlir::LogicalResult
  refuseOverwritingInputs(llvm::ArrayRef<std::string> inputs);

  /// Writes `text` to BASE + `extension` (stdout when no -o was given and
  /// `toStdoutByDefault`).
  mlir::LogicalResult writeText(llvm::StringRef extension,
                                llvm::StringRef text, bool toStdoutByDefault);

  /// Prints `module` as text to BASE + `extension` (stdout by default).
  mlir::LogicalResult writeModule(llvm::StringRef extension,
                                  mlir::ModuleOp module);

  /// Emits the lowered code `versions` as `kind` to `path` ("-": stdout),
  /// its steps timed under `timing`.
  mlir::LogicalResult writeCode(llvm::ArrayRef<CodeVersion> versions,
                                CodeKind kind, const std::string &path,
                                bool exportDefaultEntry,
                                mlir::TimingScope &timing);

  /// BASE.so: the object linked by the system C compiler driver (`cc`).
  mlir::LogicalResult writeShared(llvm::ArrayRef<CodeVersion> versions,
                                  llvm::StringRef modelName,
                                  mlir::TimingScope &timing);

  /// Writes what `--emit` asks for: the header of `module` (after the model
  /// ABI phase), its kernels' PTX, the lowered MLIR of `versions`, or their
  /// code as LLVM IR, assembly, an object (with the header by default) or
  /// a shared library. Code generation and linking are timed under
  /// `timing` (seqc --mlir-timing).
  mlir::LogicalResult writeRequested(mlir::ModuleOp module,
                                     llvm::ArrayRef<CodeVersion> versions,
                                     llvm::StringRef modelName,
                                     mlir::TimingScope &timing);

  /// With --depfile, writes `first: inputs...` (Makefile syntax, spaces
  /// and `$` escaped) where `first` is plannedPaths()'s first file (there
  /// must be one: runDriver checks). Fails when it cannot be written.
  mlir::LogicalResult writeDepfile(llvm::ArrayRef<std::string> inputs);
  int fail(const llvm::Twine &message);

private:
  /// Keeps `output` when everything written reached `target`; else says
  /// which file could not be written (and the partial file goes).
  mlir::LogicalResult keepWritten(llvm::ToolOutputFile &output,
                                  llvm::StringRef target);
  /// Where writeText writes BASE + `extension`: "-" for stdout.
  std::string textTarget(llvm::StringRef extension,
                         bool toStdoutByDefault) const;
  /// Where --emit=llvm/asm writes: BASE.ll / BASE.s, or "-" without -o.
  std::string codeTarget() const;

  const DriverOptions &options;
  llvm::raw_ostream &errs;
};

} // namespace seqc

#endif // SEQC_COMPILER_DRIVER_OUTPUTFILES_H
