//===- SeqMemoryOps.cpp - NTM/DNC memory access ops ---------------------===//
//
// Every memory op's operands and result are shaped by the same few sizes
// (B batch, H heads, N rows, W width, S shifts): each verifier lists the
// role of every dimension (verifyRoles).
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/IR/SeqVerifyUtils.h"

using namespace mlir;
using namespace seqc::seq;

static LogicalResult verifyEpsilon(Operation *op, APFloat epsilon) {
  if (epsilon.isNegative() || epsilon.isNaN())
    return op->emitOpError() << "epsilon must not be negative, found "
                             << epsilon.convertToFloat();
  return success();
}

static SmallVector<RoleShape> rolesOf(ContentAddressOp op) {
  return {{"memory", op.getMemory(), "BNW"},
          {"key", op.getKey(), "BHW"},
          {"strength", op.getStrength(), "BH"},
          {"result", op.getResult(), "BHN"}};
}

static SmallVector<RoleShape> rolesOf(AddressInterpolateOp op) {
  return {{"content", op.getContent(), "BHN"},
          {"previous", op.getPrevious(), "BHN"},
          {"gate", op.getGate(), "BH"},
          {"result", op.getResult(), "BHN"}};
}

static SmallVector<RoleShape> rolesOf(AddressShiftOp op) {
  return {{"weights", op.getWeights(), "BHN"},
          {"shift", op.getShift(), "BHS"},
          {"result", op.getResult(), "BHN"}};
}

static SmallVector<RoleShape> rolesOf(AddressSharpenOp op) {
  return {{"weights", op.getWeights(), "BHN"},
          {"gamma", op.getGamma(), "BH"},
          {"result", op.getResult(), "BHN"}};
}

static SmallVector<RoleShape> rolesOf(MemoryReadOp op) {
  return {{"memory", op.getMemory(), "BNW"},
          {"weights", op.getWeights(), "BHN"},
          {"result", op.getResult(), "BHW"}};
}

static SmallVector<RoleShape> rolesOf(MemoryWriteOp op) {
  return {{"memory", op.getMemory(), "BNW"},
          {"weights", op.getWeights(), "BHN"},
          {"erase", op.getErase(), "BHW"},
          {"add", op.getAdd(), "BHW"},
          {"result", op.getResult(), "BNW"}};
}

LogicalResult ContentAddressOp::verify() {
  if (failed(verifyRoles(*this, rolesOf(*this))))
    return failure();
  return verifyEpsilon(*this, getEpsilon());
}

LogicalResult AddressInterpolateOp::verify() {
  return verifyRoles(*this, rolesOf(*this));
}

LogicalResult AddressShiftOp::verify() {
  FailureOr<llvm::StringMap<int64_t>> sizes =
      verifyRoles(*this, rolesOf(*this));
  if (failed(sizes))
    return failure();
  // The offsets -(S-1)/2 .. (S-1)/2 need S odd, and known to lower.
  int64_t shifts = sizes->lookup("S");
  if (ShapedType::isDynamic(shifts) || shifts % 2 == 0)
    return emitOpError() << "the shift kernel size S must be static and odd "
                            "(offsets -(S-1)/2 .. (S-1)/2), found "
                         << getShift().getType();
  return success();
}

LogicalResult AddressSharpenOp::verify() {
  if (failed(verifyRoles(*this, rolesOf(*this))))
    return failure();
  return verifyEpsilon(*this, getEpsilon());
}

LogicalResult MemoryReadOp::verify() {
  return verifyRoles(*this, rolesOf(*this));
}

LogicalResult MemoryWriteOp::verify() {
  return verifyRoles(*this, rolesOf(*this));
}

void ContentAddressOp::getDimensionTies(SmallVectorImpl<DimensionTie> &ties) {
  addRoleTies(ties, rolesOf(*this));
}

void AddressInterpolateOp::getDimensionTies(
    SmallVectorImpl<DimensionTie> &ties) {
  addRoleTies(ties, rolesOf(*this));
}

void AddressShiftOp::getDimensionTies(SmallVectorImpl<DimensionTie> &ties) {
  addRoleTies(ties, rolesOf(*this));
}

void AddressSharpenOp::getDimensionTies(SmallVectorImpl<DimensionTie> &ties) {
  addRoleTies(ties, rolesOf(*this));
}

void MemoryReadOp::getDimensionTies(SmallVectorImpl<DimensionTie> &ties) {
  addRoleTies(ties, rolesOf(*this));
}

void MemoryWriteOp::getDimensionTies(SmallVectorImpl<DimensionTie> &ties) {
  addRoleTies(ties, rolesOf(*this));
}
