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
/// exactly (true is 1); floats to integers as C's conversion compiles on
/// x86-64, which PyTorch and ONNX Runtime run (floatToIntegerLikeX86);
/// never LLVM's poison; wider integers wrap to narrower ones; anything to
/// bool is `x != 0` (NaN is true); floats widen or round to the nearest.
mlir::Value emitCast(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                     mlir::Type to);

/// Float `v` converted to a `bits`-wide integer (the low `bits` bits of
/// the result, sign-extended) as x86-64's truncating conversions do it:
/// toward zero through a 64-bit conversion for 64-bit targets (and
/// unsigned 32-bit ones), else through a 32-bit one; NaN and a value
/// outside that conversion's range give its minimum (the "integer
/// indefinite": PyTorch's `torch.tensor([nan, 3e9]).int()` is INT32_MIN
/// twice, `.byte()` of it 0). The compile-time twin of emitCast.
int64_t floatToIntegerLikeX86(double v, unsigned bits, bool isSigned = true);

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_UTILS_POINTWISEMATH_H
