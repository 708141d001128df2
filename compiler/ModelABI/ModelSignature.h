//===- ModelSignature.h - names, dtypes and shapes of a model ---*- C++ -*-===//
//
// What a compiled model tells the outside world about its inputs and
// outputs: it is embedded in the object as text (see runtime/include/seqc/
// abi.h) and drives the generated C header.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_MODELABI_MODELSIGNATURE_H
#define SEQC_COMPILER_MODELABI_MODELSIGNATURE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/LLVM.h"

#include <string>
#include <vector>

namespace seqc {

struct TensorSignature {
  std::string name;
  std::string dtype;              // abi.h dtype word: f32, i64, bool, ...
  std::string cType;              // the C element type: float, int64_t, ...
  std::vector<std::string> dims;  // "4", "T", or "?"
  std::string doc; // a state's: what it holds (seq.state_docs), for the header
};

struct ModelSignature {
  std::string name; // the C prefix
  std::vector<TensorSignature> inputs;
  std::vector<TensorSignature> outputs;
  /// Weights kept in an external safetensors file: passed after the inputs.
  std::vector<TensorSignature> weights;
  /// Streaming state (step functions only): passed after the inputs and
  /// weights and returned after the outputs, in this order.
  std::vector<TensorSignature> states;
  /// Step functions: the input dimension chunks split ("T"), where the
  /// compiler knows it; empty otherwise.
  std::string streamDim;

  /// The abi.h signature text: a `time NAME` line when streamDim is set,
  /// then one line per tensor, inputs, then weights, then states, then
  /// outputs.
  std::string toText() const;

  /// Why seqc_rt_model_open would refuse this signature (the limits of
  /// seqc/model.h: tensors and descriptor words a side, states counted on
  /// both, and distinct dimension names), or "" when it fits.
  std::string pastRuntimeLimits() const;

  /// The signature `toText` wrote, for model `modelName`; on malformed text
  /// sets `error` (naming the line) and fails.
  static mlir::FailureOr<ModelSignature>
  fromText(llvm::StringRef modelName, llvm::StringRef text, std::string &error);
};

/// Reads the signature of model entry `func`. Arguments and results marked
/// `seq.state` (trailing, in matching order) are the streaming state;
/// arguments marked `seq.weight` (after the inputs, before any state) are
/// external weights. Argument and result names come
/// from the `seq.name` attribute (default `input<i>` / `output<i>`), names of
/// dynamic dimensions from `seq.dims` (an array of strings; "" or "?" for an
/// unnamed one; entries of static dimensions are ignored).
/// Emits an error on `func` for types the ABI cannot carry.
mlir::FailureOr<ModelSignature> extractSignature(mlir::func::FuncOp func,
                                                 llvm::StringRef modelName);

/// Turns `text` into a C identifier (non-identifier characters become '_',
/// an empty name or a leading digit gets a "model_" prefix).
std::string sanitizeIdentifier(llvm::StringRef text);

/// sanitizeIdentifier for a model name derived from a file or a .seq
/// `model` line: also "model" before a leading '_' (C reserves such names
/// at file scope).
std::string sanitizeModelName(llvm::StringRef text);

/// `name` as a parameter of the generated wrappers: unchanged, or with a `_`
/// appended when it is a C or C++ keyword, a reserved identifier, a
/// `seqc_` name (the runtime's and the wrappers' locals), one of the
/// wrappers' own parameters (model, state, err, weights, dims), or a name
/// the C library headers may define as a macro (NULL, UINT64_MAX, errno,
/// EOF, M_PI, ERANGE, SEQC_ names, ...).
/// extractSignature refuses two tensors of one function that would get the
/// same parameter name ('int' and 'int_').
std::string cParameterName(llvm::StringRef name);

} // namespace seqc

#endif // SEQC_COMPILER_MODELABI_MODELSIGNATURE_H
