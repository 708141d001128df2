//===- Passes.h - the CUDA target's passes ----------------------*- C++ -*-===//
//
// seqc-parallel-dims-outermost, seqc-hoist-kernel-checks,
// seqc-accumulate-in-registers, seqc-tile-loops-for-gpu,
// seqc-define-device-math, seqc-check-kernel-calls and
// seqc-lower-gpu-launches (Passes.td says what each does).
// compiler/Pipelines orders them with upstream's GPU passes.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_GPU_PASSES_H
#define SEQC_COMPILER_GPU_PASSES_H

#include "dialects/Seq/IR/SeqDialect.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace seqc {

/// Module attribute (a string) naming the GPU target a model was compiled
/// for; object emission sets SEQC_MODEL_FLAG_CUDA when it is "cuda".
inline constexpr const char kTargetAttr[] = "seqc.target";

/// Threads per warp on every NVIDIA GPU: the unit whose loads coalesce.
inline constexpr int64_t kWarpSize = 32;

#define GEN_PASS_DECL
#include "compiler/GPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/GPU/Passes.h.inc"

} // namespace seqc

#endif // SEQC_COMPILER_GPU_PASSES_H
