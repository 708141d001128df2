//===- Driver.h - what tools/seqc runs, usable from tests -------*- C++ -*-===//

#ifndef SEQC_COMPILER_DRIVER_DRIVER_H
#define SEQC_COMPILER_DRIVER_DRIVER_H

#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>

namespace seqc {

/// What `seqc` writes.
enum class EmitKind {
  Default, // BASE.o and BASE.h
  MLIR,    // the model after import, verified
  Lowered, // the final MLIR (LLVM dialect)
  LLVMIR,
  Assembly,
  Object,
  Header,
  Shared, // BASE.so, linked with the system C compiler driver
  PTX,    // the kernels' PTX (--target=cuda)
};

/// The phases of a compilation, in order. `--emit` says where to stop
/// (getLastPhase); each phase but Import and Emit is a pass pipeline of
/// compiler/Pipelines that seq-opt can replay.
enum class Phase {
  Import,      // the file -> seq-dialect MLIR (--emit=mlir)
  ModelABI,    // entry, tied dims, weights, seq.model_abi (--emit=header)
  SeqToLoops,  // seq ops -> bufferized linalg/scf (no --emit stops here;
               // seq-opt --seqc-seq-to-loops does)
  Kernels,     // --target=cuda: loops -> GPU kernels as PTX (--emit=ptx)
  LowerToLLVM, // -> the LLVM dialect (--emit=lowered)
  Emit,        // LLVM IR, assembly, object, shared library
};

/// The last phase `kind` needs.
Phase getLastPhase(EmitKind kind);

struct DriverOptions {
  std::string inputPath;
  /// Output path without extension; empty: text goes to stdout and files
  /// use the input's stem.
  std::string outputBase;
  EmitKind emit = EmitKind::Default;
  /// "cpu" or "cuda".
  std::string target = "cpu";
  /// The CPU (LLVM name, "native") or, with target "cuda", the GPU
  /// ("sm_80", "sm_90", ...), or a comma-separated list of x86-64 levels
  /// compiled into one object and picked at run time
  /// (compiler/Target/CpuDispatch.h); empty: kDefaultCpuLevels or sm_80.
  std::string cpu;
  std::string weightsPath;
  /// Keep the weights in BASE.safetensors instead of the object.
  bool externalWeights = false;
  /// The C prefix of the generated API; empty: derived from the output base
  /// (or the input) file name.
  std::string modelName;
  /// The model's entry function; empty: the module's only public function.
  std::string entry;
  /// Time steps per input-projection GEMM of a recurrence (>= 1).
  int64_t recurrenceChunkSteps = 64;
  /// Query rows and keys per attention tile (>= 0; 0: the whole score
  /// matrix at once); unset: the target's default (CpuPipelineOptions',
  /// CudaPipelineOptions').
  std::optional<int64_t> attentionTile;
  /// Where to write a Makefile rule naming every file the compilation read
  /// (the model, its weights, ONNX external data) as prerequisites of the
  /// first file it wrote (for build systems: CMake's DEPFILE); empty: none.
  std::string depfilePath;
};

/// Parses an --emit value; returns false for an unknown one.
bool parseEmitKind(llvm::StringRef text, EmitKind &kind);

/// Compiles per `options`. Diagnostics go to `errs` as `file:line:col:
/// error: ...`. Returns the process exit code (0 on success).
int runDriver(const DriverOptions &options, llvm::raw_ostream &errs);

} // namespace seqc

#endif // SEQC_COMPILER_DRIVER_DRIVER_H
