//===- TargetSelection.cpp - the chip and code versions a run compiles for
//-===//

#include "compiler/Driver/TargetSelection.h"

#include "compiler/Target/CpuDispatch.h"
#include "compiler/Target/ObjectEmission.h"

namespace seqc {

std::optional<TargetSelection> selectTarget(const DriverOptions &options,
                                            std::string &error) {
  TargetSelection selection;
  selection.cuda = options.target == "cuda";
  if (!selection.cuda && options.target != "cpu") {
    error = "unknown --target '" + options.target + "' (cpu or cuda)";
    return std::nullopt;
  }
  selection.chip = !options.cpu.empty() ? options.cpu
                   : selection.cuda     ? "sm_80"
                                        : kDefaultCpuLevels;
  if (selection.cuda && !isCudaChip(selection.chip)) {
    error = "--target=cuda takes an NVIDIA GPU as --mcpu, one LLVM's NVPTX "
            "back end knows (sm_80 for an A100, sm_90 for an H100/H200, "
            "...), not '" +
            selection.chip + "'";
    return std::nullopt;
  }
  if (!selection.cuda && options.emit == EmitKind::PTX) {
    error = "--emit=ptx needs --target=cuda";
    return std::nullopt;
  }
  // With --target=cuda, --mcpu names the GPU and the host code is built for
  // the portable x86-64 baseline.
  selection.cpus = selection.cuda ? std::vector<std::string>{"x86-64"}
                                  : parseCpuList(selection.chip, error);
  if (selection.cpus.empty())
    return std::nullopt;
  for (const std::string &cpu : selection.cpus) {
    TargetOptions target;
    target.cpu = cpu;
    selection.vectorWidths.push_back(getF32VectorWidth(target, error));
    if (!selection.vectorWidths.back())
      return std::nullopt;
  }
  return selection;
}

} // namespace seqc
