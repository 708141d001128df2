//===- PointwiseMath.h - unary math shared by the front ends ----*- C++ -*-===//
//
// The unary float functions both front ends offer, named as PyTorch names
// them (torch.abs, torch.rsqrt, F.hardswish, ...): the `.seq` layer of that
// name and the ONNX op of the same name (Abs, Rsqrt is not ONNX, HardSwish)
// emit the same scalar code, so both agree by construction.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_UTILS_POINTWISEMATH_H
#define SEQC_DIALECTS_SEQ_UTILS_POINTWISEMATH_H

#include "mlir/IR/Builders.h"

namespace seqc::seq {

/// The PyTorch names of the unary functions `emitUnaryMath` knows, in the
/// order the `.seq` documentation lists them.
llvm::ArrayRef<llvm::StringRef> unaryMathNames();

/// Whether `name` (a PyTorch function name, lower case) is one of them.
bool isUnaryMath(llvm::StringRef name);

/// Emits `name(x)` for a scalar float `x`, `name` one of `unaryMathNames()`.
/// Formulas are PyTorch's: `round` rounds halves to even, `sign` is 0 at
/// +-0 and NaN, `hardswish` is x * relu6(x + 3) / 6, `mish` is
/// x * tanh(softplus(x)) (Misra 2019).
mlir::Value emitUnaryMath(mlir::OpBuilder &b, mlir::Location loc,
                          llvm::StringRef name, mlir::Value x);

/// Emits scalar `x` converted to `to` (a float, integer or i1 type) as
/// PyTorch's `.to(dtype)` and ONNX Cast do: integers and bools to floats
/// exactly (true is 1); floats to integers toward zero, saturating at the
/// type's range (the largest float below 2^(bits-1) above it) with NaN
/// giving the minimum (what both do on x86), never LLVM's poison; wider
/// integers wrap to narrower ones; anything to bool is `x != 0` (NaN is
/// true); floats widen or round to the nearest.
mlir::Value emitCast(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                     mlir::Type to);

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_UTILS_POINTWISEMATH_H
