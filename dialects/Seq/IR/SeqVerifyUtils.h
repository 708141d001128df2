//===- SeqVerifyUtils.h - shape checks shared by the verifiers --*- C++ -*-===//
//
// Verifier messages say what was expected and what was found, with the role
// of every dimension ("D x 4*H x I"), because the person reading them is
// usually debugging a front end or a hand-written test, not the op.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_IR_SEQVERIFYUTILS_H
#define SEQC_DIALECTS_SEQ_IR_SEQVERIFYUTILS_H

#include "dialects/Seq/IR/DimensionTiesOpInterface.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"

#include "llvm/ADT/StringMap.h"

#include <string>

namespace seqc::seq {

/// One expected dimension: a size (ShapedType::kDynamic when any size is
/// allowed) and the name of what it is, for the message.
struct ExpectedDim {
  int64_t size;
  std::string name;
};

/// Checks that `value`'s ranked tensor type has rank `dims.size()` and sizes
/// compatible with `dims` (dynamic on either side matches anything). On
/// mismatch emits "'<what>' must be <shape names> = <sizes>, found <type>".
mlir::LogicalResult verifyShape(mlir::Operation *op, llvm::StringRef what,
                                mlir::Type type,
                                llvm::ArrayRef<ExpectedDim> dims);

/// Checks that each size in `sizes` that is static is at least 1 (a
/// feature, head or channel count: the lowerings slice and divide by them;
/// a batch or sequence length of 0 is fine). On failure emits "<name> is 0;
/// it must be at least 1".
mlir::LogicalResult verifyNonZeroSizes(mlir::Operation *op,
                                       llvm::ArrayRef<ExpectedDim> sizes);

/// Returns dimension `index` of a ranked tensor type.
int64_t dimOf(mlir::Type type, unsigned index);

/// Multiplies a static size by a factor, keeping dynamic sizes dynamic.
int64_t scaleDim(int64_t size, int64_t factor);

/// Returns the first of `a`, `b` that is static, or kDynamic.
int64_t mergeDims(int64_t a, int64_t b);

/// Checks that every type in `types` has the element type of `reference`.
mlir::LogicalResult verifySameElementType(mlir::Operation *op,
                                          llvm::StringRef what,
                                          mlir::Type reference,
                                          mlir::Type type);

/// Checks that every operand and result of `op` has the element type of
/// `reference` ("'operands' must have element type ...", "'results' ...").
mlir::LogicalResult verifyAllElementTypes(mlir::Operation *op,
                                          mlir::Type reference);

/// One operand or result and the role of each of its dimensions: a letter
/// names a size the op's operands share (B, T, H, ...), a digit is that
/// static size ("BHN": batch, heads, rows; "B3C"). An absent optional
/// operand (a null value) is skipped.
struct RoleShape {
  llvm::StringRef what;
  mlir::Value value;
  llvm::StringRef roles;
};

/// Checks ranks, then that every dimension with the same role has the same
/// size (a static size wins over a dynamic one; a digit role is that
/// size), and that all element types agree ("'key' must be [B, H, W] =
/// [2, 1, 12], found ..."). Returns the merged size of each role.
mlir::FailureOr<llvm::StringMap<int64_t>>
verifyRoles(mlir::Operation *op, llvm::ArrayRef<RoleShape> shapes);

/// The same rule as run-time ties (DimensionTiesOpInterface): every
/// dimension with a letter role is tied to the first one with that role.
void addRoleTies(llvm::SmallVectorImpl<DimensionTie> &ties,
                 llvm::ArrayRef<RoleShape> shapes);

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_IR_SEQVERIFYUTILS_H
