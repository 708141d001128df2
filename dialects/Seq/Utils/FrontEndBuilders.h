//===- FrontEndBuilders.h - ops both front ends build alike -----*- C++ -*-===//
//
// Tensor computations the ONNX importer and the .seq front end express the
// same way, built in one place so that both get the same IR (and the same
// run-time checks): numpy broadcasting of elementwise operands,
// numpy.matmul with broadcast batch dimensions, and a cumulative sum as a
// seq.scan.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_UTILS_FRONTENDBUILDERS_H
#define SEQC_DIALECTS_SEQ_UTILS_FRONTENDBUILDERS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

#include <string>

namespace seqc::seq {

/// numpy broadcasting (= torch's): shapes aligned on the right, a size-1
/// dimension stretches, fixed sizes must agree. Two sizes not known until
/// run time are taken to be equal (seqc-insert-shape-checks compares the
/// extents a generic reads), and a fixed size wins over one that is not.
struct BroadcastPlan {
  /// The result's sizes; ShapedType::kDynamic where none is fixed.
  llvm::SmallVector<int64_t> shape;
  /// Per result dimension: the operand whose size it has and that
  /// operand's dimension; {-1, -1} where every operand has size 1.
  llvm::SmallVector<std::pair<int, int64_t>> source;
  /// Per operand, per dimension: the result dimension it walks, or -1
  /// where it stretches (size 1 against another size).
  llvm::SmallVector<llvm::SmallVector<int64_t>> maps;
};

/// Where planBroadcast met fixed sizes that differ: `operand`'s size in
/// result dimension `resultDim` (counted from the left of the result)
/// against `other`'s, an earlier operand.
struct BroadcastClash {
  unsigned operand = 0, other = 0;
  int64_t resultDim = 0;
};

/// The broadcast of `types`; on failure `clash` says where.
mlir::FailureOr<BroadcastPlan>
planBroadcast(llvm::ArrayRef<mlir::RankedTensorType> types,
              BroadcastClash &clash);

/// One linalg.generic over `ins` (operand i walks result dimensions
/// `maps[i]`, -1 for a stretched size-1 dimension) and a result of extents
/// `sizes` and element type `resultElt`, whose body maps one element of
/// each operand to the result's element.
mlir::Value createMappedGeneric(
    mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange ins,
    llvm::ArrayRef<llvm::SmallVector<int64_t>> maps,
    llvm::ArrayRef<mlir::OpFoldResult> sizes, mlir::Type resultElt,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::ValueRange)>
        body);

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

/// torch.matmul (= numpy.matmul) of float tensors of rank >= 1: a 1-D `a`
/// [K] is the row [1, K] and a 1-D `bv` [K] the column [K, 1], whose added
/// dimension is dropped from the result; otherwise createBroadcastMatmul
/// (same errors and checks). [K] @ [K] is a 0-d tensor. A 0-d operand is
/// an error.
mlir::FailureOr<mlir::Value>
createTorchMatmul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a,
                  mlir::Value bv, const std::string &what,
                  llvm::function_ref<mlir::InFlightDiagnostic()> error);

/// The cumulative sum of `x` (float or integer, rank >= 1) along `axis`
/// (ONNX CumSum, torch.cumsum): a seq.scan over that axis carrying the
/// running sum, so the work is linear in the length. `reverse` sums from
/// the end; `exclusive` leaves each element out of its own sum (the first
/// output is 0). A float sum accumulates in float64 and each output is
/// rounded to x's type, as PyTorch's CPU cumsum (whose accumulator type for
/// float is double); the stream's carried sum is then f64.
mlir::Value createCumSum(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                         int64_t axis, bool exclusive, bool reverse);

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_UTILS_FRONTENDBUILDERS_H
