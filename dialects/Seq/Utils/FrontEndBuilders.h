//===- FrontEndBuilders.h - ops both front ends build alike -----*- C++ -*-===//
//
// Tensor computations the ONNX importer and the .seq front end express the
// same way, built in one place so that both get the same IR (and the same
// run-time checks): numpy.matmul with broadcast batch dimensions, and a
// cumulative sum as a seq.scan.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_UTILS_FRONTENDBUILDERS_H
#define SEQC_DIALECTS_SEQ_UTILS_FRONTENDBUILDERS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

#include <string>

namespace seqc::seq {

/// numpy.matmul (= torch.matmul) of float tensors `a` [..., M, K] and `b`
/// [..., K, N], both of rank >= 2, the batch dimensions right-aligned and
/// broadcast (a static 1 stretches): one linalg.generic over
/// (batch..., m, n, k) summing a * b into zeros, result
/// [broadcast batch..., M, N] of a's element type.
///
/// Static sizes that cannot broadcast or contract are reported through
/// `error` (which returns a diagnostic the message is appended to) and
/// return failure. Contracted sizes not known until run time get a shape
/// check whose message begins with `what` ("MatMul at m.seq:3:5"); batch
/// extents the generic reads are checked by seqc-insert-shape-checks.
mlir::FailureOr<mlir::Value>
createBroadcastMatmul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a,
                      mlir::Value bv, const std::string &what,
                      llvm::function_ref<mlir::InFlightDiagnostic()> error);

/// The cumulative sum of `x` (float or integer, rank >= 1) along `axis`
/// (ONNX CumSum, torch.cumsum): a seq.scan over that axis carrying the
/// running sum, so the work is linear in the length. `reverse` sums from
/// the end; `exclusive` leaves each element out of its own sum (the first
/// output is 0).
mlir::Value createCumSum(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                         int64_t axis, bool exclusive, bool reverse);

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_UTILS_FRONTENDBUILDERS_H
