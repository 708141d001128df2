//===- TargetSelection.h - the chip and code versions a run compiles for -*- C++
//-*-===//

#ifndef SEQC_COMPILER_DRIVER_TARGETSELECTION_H
#define SEQC_COMPILER_DRIVER_TARGETSELECTION_H

#include "compiler/Driver/Driver.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace seqc {

/// What `--target` and `--mcpu` resolve to.
struct TargetSelection {
  bool cuda = false;
  /// The GPU (sm_80, ...) with --target=cuda, else the --mcpu text.
  std::string chip;
  /// The CPUs of the code versions, in increasing x86-64 level; one
  /// ("x86-64", the host code's baseline) with --target=cuda.
  std::vector<std::string> cpus;
  /// The f32 lanes of each CPU's vector registers (same order as `cpus`):
  /// the vector code is shaped for them.
  std::vector<int64_t> vectorWidths;
};

/// Resolves `options.target` and `options.cpu`; on an unknown target, a
/// chip that does not fit the target, --emit=ptx without CUDA or a CPU LLVM
/// does not know, returns nullopt with `error` set (a sentence for
/// `seqc: error: `).
std::optional<TargetSelection> selectTarget(const DriverOptions &options,
                                            std::string &error);

} // namespace seqc

#endif // SEQC_COMPILER_DRIVER_TARGETSELECTION_H
