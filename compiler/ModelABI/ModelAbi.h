//===- ModelAbi.h - the model's C interface, recorded in the module -*- C++ -*-===//
//
// The model ABI phase (Passes.td here) records what a compiled model
// exports as the module attribute `seq.model_abi`; object and header
// emission only read it:
//
//   module attributes {seq.model_abi = {name = "m",
//       forward = {api = "m_api", function = "m__forward",
//                  signature = "in x f32 [T,4]\nout y f32 [T,8]\n"},
//       step = {...}}}   // causal models only
//
// `signature` is the text the object embeds (runtime/include/seqc/abi.h).
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_MODELABI_MODELABI_H
#define SEQC_COMPILER_MODELABI_MODELABI_H

#include "compiler/ModelABI/ModelSignature.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace seqc {

/// The module attribute that records the exported entries.
inline constexpr const char kModelAbiAttr[] = "seq.model_abi";
/// The unit attribute on the function seqc-select-model-entry chose.
inline constexpr const char kModelEntryAttr[] = "seq.model_entry";

/// Names a front end proposes for dynamic dimensions of the entry's results
/// (an array of strings, "" for none; an ONNX output's dim_param that no
/// input has). seqc-name-tied-dims names a group of dimensions the model
/// ties together, none named, by a member's hint instead of d0 where the
/// name is used nowhere else; a dimension alone keeps only its hint, here,
/// which the signature shows (seq.dims stays empty: a step function still
/// refuses an output dimension of run-time size nothing else shares).
inline constexpr const char kDimHintsAttr[] = "seq.dim_hints";
/// The unit attribute on an i8 argument or result whose elements are
/// unsigned (an ONNX UINT8 input or output): the signature's u8.
inline constexpr const char kUnsignedAttr[] = "seq.unsigned";
/// One exported entry of the object: a seqc_model_api record for a lowered
/// function with a C interface.
struct ModelEntry {
  ModelSignature signature;
  /// The lowered function (carrying llvm.emit_c_interface) it calls.
  std::string function;
  /// The exported getter, `<name>_api` or `<name>_step_api`.
  std::string apiSymbol;
  /// A second, fixed getter name exported too (seq-run looks up
  /// `seqc_default_model_api` in a shared library); empty for none. Not
  /// recorded in the module: emission sets it.
  std::string defaultSymbol;
};

/// The entries of a model: the full-sequence one, and the streaming step
/// of a causal model.
struct ModelAbi {
  ModelEntry forward;
  std::optional<ModelEntry> step;
  /// Without a step: why ("'OP' at LOC: what reads future steps"), for the
  /// header to tell a user who wants to stream.
  std::string noStepReason;
};

/// Records `abi` as `seq.model_abi` on `module`.
void recordModelAbi(mlir::ModuleOp module, const ModelAbi &abi);

/// Reads `seq.model_abi` from `module`; an error on the module when it is
/// missing (the model ABI phase did not run) or malformed.
mlir::FailureOr<ModelAbi> readModelAbi(mlir::ModuleOp module);

/// The function marked `seq.model_entry`, or an error on the module when
/// there is none (seqc-select-model-entry did not run) or several.
mlir::FailureOr<mlir::func::FuncOp> getModelEntry(mlir::ModuleOp module);

} // namespace seqc

#endif // SEQC_COMPILER_MODELABI_MODELABI_H
