//===- ActivationUtils.h - scalar code for #seq.act -------------*- C++ -*-===//
//
// The one place that says what each activation computes, as scalar
// arith/math ops. The recurrence decomposition uses it inside its fused gate
// epilogues and the seq-to-linalg conversion inside elementwise generics, so
// both agree by construction.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_UTILS_ACTIVATIONUTILS_H
#define SEQC_DIALECTS_SEQ_UTILS_ACTIVATIONUTILS_H

#include "dialects/Seq/IR/SeqDialect.h"

#include "mlir/IR/Builders.h"

namespace seqc::seq {

/// Emits `act(x)` for a scalar float `x`.
mlir::Value emitActivation(mlir::OpBuilder &b, mlir::Location loc,
                           ActivationAttr act, mlir::Value x);

/// Emits a float constant of `x`'s type.
mlir::Value emitFloatConstant(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Type type, double value);

/// Emits min(max(x, -limit), limit).
mlir::Value emitClamp(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      double limit);

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_UTILS_ACTIVATIONUTILS_H
