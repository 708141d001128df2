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

LogicalResult ContentAddressOp::verify() {
  if (failed(verifyRoles(*this, {{"memory", getMemory().getType(), "BNW"},
                                 {"key", getKey().getType(), "BHW"},
                                 {"strength", getStrength().getType(), "BH"},
                                 {"result", getResult().getType(), "BHN"}})))
    return failure();
  return verifyEpsilon(*this, getEpsilon());
}

LogicalResult AddressInterpolateOp::verify() {
  return verifyRoles(*this, {{"content", getContent().getType(), "BHN"},
                             {"previous", getPrevious().getType(), "BHN"},
                             {"gate", getGate().getType(), "BH"},
                             {"result", getResult().getType(), "BHN"}});
}

LogicalResult AddressShiftOp::verify() {
  FailureOr<llvm::StringMap<int64_t>> sizes =
      verifyRoles(*this, {{"weights", getWeights().getType(), "BHN"},
                          {"shift", getShift().getType(), "BHS"},
                          {"result", getResult().getType(), "BHN"}});
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
  if (failed(verifyRoles(*this, {{"weights", getWeights().getType(), "BHN"},
                                 {"gamma", getGamma().getType(), "BH"},
                                 {"result", getResult().getType(), "BHN"}})))
    return failure();
  return verifyEpsilon(*this, getEpsilon());
}

LogicalResult MemoryReadOp::verify() {
  return verifyRoles(*this, {{"memory", getMemory().getType(), "BNW"},
                             {"weights", getWeights().getType(), "BHN"},
                             {"result", getResult().getType(), "BHW"}});
}

LogicalResult MemoryWriteOp::verify() {
  return verifyRoles(*this, {{"memory", getMemory().getType(), "BNW"},
                             {"weights", getWeights().getType(), "BHN"},
                             {"erase", getErase().getType(), "BHW"},
                             {"add", getAdd().getType(), "BHW"},
                             {"result", getResult().getType(), "BNW"}});
}
