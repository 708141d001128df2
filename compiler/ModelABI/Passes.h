//===- Passes.h - the model ABI phase ---------------------------*- C++ -*-===//
//
// seqc-select-model-entry, seqc-name-tied-dims, seqc-externalize-weights,
// seqc-export-model and seqc-drop-port-attributes (Passes.td says what each
// does). compiler/Pipelines orders them.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_MODELABI_PASSES_H
#define SEQC_COMPILER_MODELABI_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace seqc {

#define GEN_PASS_DECL
#include "compiler/ModelABI/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/ModelABI/Passes.h.inc"

} // namespace seqc

#endif // SEQC_COMPILER_MODELABI_PASSES_H
