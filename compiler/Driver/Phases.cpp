//===- Phases.cpp - --emit kinds and the phase each stops after ---------===//

#include "compiler/Driver/Driver.h"

#include "llvm/ADT/StringSwitch.h"

#include <optional>

namespace seqc {

bool parseEmitKind(llvm::StringRef text, EmitKind &kind) {
  std::optional<EmitKind> parsed =
      llvm::StringSwitch<std::optional<EmitKind>>(text)
          .Case("mlir", EmitKind::MLIR)
          .Case("lowered", EmitKind::Lowered)
          .Case("llvm", EmitKind::LLVMIR)
          .Case("asm", EmitKind::Assembly)
          .Case("obj", EmitKind::Object)
          .Case("header", EmitKind::Header)
          .Case("shared", EmitKind::Shared)
          .Case("ptx", EmitKind::PTX)
          .Default(std::nullopt);
  if (!parsed)
    return false;
  kind = *parsed;
  return true;
}

Phase getLastPhase(EmitKind kind) {
  switch (kind) {
  case EmitKind::MLIR:
    return Phase::Import;
  case EmitKind::Header:
    return Phase::ModelABI;
  case EmitKind::PTX:
    return Phase::Kernels;
  case EmitKind::Lowered:
    return Phase::LowerToLLVM;
  default:
    return Phase::Emit;
  }
}

} // namespace seqc
