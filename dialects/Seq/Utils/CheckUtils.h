//===- CheckUtils.h - building seq.check ops --------------------*- C++ -*-===//
//
// What lowerings and passes use to emit run-time checks (seq.check): one
// spelling of "where in the model" for messages, and a builder that takes
// the offending value in any integer or index type.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_UTILS_CHECKUTILS_H
#define SEQC_DIALECTS_SEQ_UTILS_CHECKUTILS_H

#include "dialects/Seq/IR/SeqOps.h"

#include "mlir/IR/Builders.h"

#include <string>

namespace seqc::seq {

/// On an scf.if whose branches compute the same values two ways (the
/// attention loops with k transposed or as it is): a check in either branch
/// holds whichever runs, so seqc-hoist-checks may move it to the entry. A
/// check under any other scf.if (a model's own branch, an ONNX If on a
/// run-time value) holds only when its branch runs and stays there; losing
/// this mark only keeps checks in place.
inline constexpr const char kAlternativeBranchesAttr[] =
    "seqc.alternative_branches";

/// On a tensor.extract, tensor.insert, tensor.pad or integer division
/// that a .mlir model wrote by hand: its indices (pad amounts, divisor)
/// may come from data, so seqc-insert-shape-checks checks each one that
/// the IR does not keep in bounds (nonzero). The ops the front ends and
/// lowerings write are safe by construction (or check and clamp their
/// operands) and carry no mark.
inline constexpr const char kCheckBoundsAttr[] = "seqc.check_bounds";

/// Where `loc` points in the model, as a message fragment: "m.seq:4:5",
/// "node 'Add_3'" (ONNX node locations, which carry no line), or "" when the
/// location says nothing useful.
std::string describeLocation(mlir::Location loc);

/// "NAME at WHERE" (or just NAME when the location says nothing): how a
/// check message names the op or layer that relies on the checked fact.
std::string describeOrigin(llvm::StringRef name, mlir::Location loc);

/// A size for a message: its value when static, else "?" .
std::string formatSize(mlir::OpFoldResult size);

/// `initial * sizes[0] * sizes[1] * ...` (i64 `initial`, index `sizes`)
/// as an i64, and an i1 that holds when the product is exact: every size
/// non-negative and no step past 2^63 (arith.mului_extended), so that
/// wrapped sizes (a run-time shape [2^62 + 3, 4] "holding" 12 elements, a
/// buffer of 2^65 bytes allocated as 0) cannot pass a check.
std::pair<mlir::Value, mlir::Value> createExactProduct(mlir::OpBuilder &b,
                                                       mlir::Location loc,
                                                       mlir::Value initial,
                                                       mlir::ValueRange sizes);

/// Emits `seq.check %condition, kind message found value`. `value` (index
/// or any integer type; may be null) is converted to i64; `{}` in `message`
/// stands for it.
CheckOp createCheck(mlir::OpBuilder &b, mlir::Location loc,
                    mlir::Value condition, mlir::Value value,
                    const llvm::Twine &message, CheckKind kind);

/// A shape check that a streamed chunk, `steps` long (index), is not empty:
/// "<origin>: a streamed chunk has {} steps; <why>" (a causal
/// convolution's step, a read of the last step, needs one).
void createNonEmptyChunkCheck(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value steps, const llvm::Twine &origin,
                              const llvm::Twine &why);

/// For each dimension d of `operand` whose extent is not statically equal
/// to `expected[d]`, a shape check "<what> dimension d is {}, but <basis>
/// <expected size>" (e.g. what = "seq.lstm at m.seq:3:1: 'w'", basis =
/// "the input and the attributes make it"; "a different size" when the
/// expected size is only known at run time).
void createExtentChecks(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value operand,
                        llvm::ArrayRef<mlir::OpFoldResult> expected,
                        const llvm::Twine &what, const llvm::Twine &basis);

/// The same for a tensor whose extents are `extents`.
void createExtentChecks(mlir::OpBuilder &b, mlir::Location loc,
                        llvm::ArrayRef<mlir::OpFoldResult> extents,
                        llvm::ArrayRef<mlir::OpFoldResult> expected,
                        const llvm::Twine &what, const llvm::Twine &basis);

/// createExtentChecks for operand `role` of `op` (nothing when an optional
/// operand is absent), its messages starting "<op> at <loc>: '<role>'".
void createOperandExtentChecks(mlir::OpBuilder &b, mlir::Operation *op,
                               mlir::Value operand, llvm::StringRef role,
                               llvm::ArrayRef<mlir::OpFoldResult> expected,
                               const llvm::Twine &basis);

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_UTILS_CHECKUTILS_H
