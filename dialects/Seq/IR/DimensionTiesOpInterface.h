//===- DimensionTiesOpInterface.h - sizes an op ties ------------*- C++ -*-===//
//
// DimensionTiesOpInterface (DimensionTiesOpInterface.td): the pairs of
// dimensions an op's shape rule requires to be equal at run time.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_IR_DIMENSIONTIESOPINTERFACE_H
#define SEQC_DIALECTS_SEQ_IR_DIMENSIONTIESOPINTERFACE_H

#include "mlir/IR/OpDefinition.h"

#include "llvm/ADT/SmallVector.h"

namespace seqc::seq {

/// Dimension `dimA` of `a` has the size of dimension `dimB` of `b`.
struct DimensionTie {
  mlir::Value a;
  int64_t dimA;
  mlir::Value b;
  int64_t dimB;
};

/// Appends the tie of `a`'s `dimA` and `b`'s `dimB` unless either value is
/// null (an absent optional operand).
void addTie(llvm::SmallVectorImpl<DimensionTie> &ties, mlir::Value a,
            int64_t dimA, mlir::Value b, int64_t dimB);

/// Ties dimensions 0..n-1 of `a` and `b` pairwise, n the smaller rank.
void addTiesOfAllDims(llvm::SmallVectorImpl<DimensionTie> &ties, mlir::Value a,
                      mlir::Value b);

} // namespace seqc::seq

#include "dialects/Seq/IR/DimensionTiesOpInterface.h.inc"

#endif // SEQC_DIALECTS_SEQ_IR_DIMENSIONTIESOPINTERFACE_H
