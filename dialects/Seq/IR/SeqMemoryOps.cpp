//===- SeqMemoryOps.cpp - NTM/DNC memory access ops ---------------------===//
//
// Every memory op's operands and result are shaped by the same few sizes
// (B batch, H heads, N rows, W width, S shifts): each verifier lists the
// role of every dimension and verifyRoles merges each role's size over all
// of them, so a mismatch names both places that disagree.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/IR/SeqVerifyUtils.h"

#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace seqc::seq;

namespace {

/// An operand or result, and the role letter of each of its dimensions.
struct RoleShape {
  StringRef what;
  Type type;
  StringRef roles; // e.g. "BHN"
};

} // namespace

/// Checks ranks, then that every dimension with the same role letter has
/// the same size (a static size wins over a dynamic one), and that all
/// element types agree. Returns the merged size of each role.
static FailureOr<llvm::StringMap<int64_t>>
verifyRoles(Operation *op, ArrayRef<RoleShape> shapes) {
  for (const RoleShape &shape : shapes) {
    auto type = cast<RankedTensorType>(shape.type);
    if (type.getRank() != static_cast<int64_t>(shape.roles.size())) {
      std::string names;
      for (char role : shape.roles)
        names += (names.empty() ? "" : ", ") + std::string(1, role);
      op->emitOpError() << "'" << shape.what << "' must be [" << names
                        << "], found " << shape.type;
      return failure();
    }
  }
  llvm::StringMap<int64_t> sizes;
  for (const RoleShape &shape : shapes)
    for (auto [d, role] : llvm::enumerate(shape.roles)) {
      auto it = sizes.try_emplace(StringRef(&role, 1), ShapedType::kDynamic)
                    .first;
      it->second = mergeDims(it->second, dimOf(shape.type, d));
    }
  for (const RoleShape &shape : shapes) {
    SmallVector<ExpectedDim> dims;
    for (char role : shape.roles) {
      std::string name(1, role);
      dims.push_back({sizes.lookup(name), name});
    }
    if (failed(verifyShape(op, shape.what, shape.type, dims)))
      return failure();
  }
  if (failed(verifyAllElementTypes(op, shapes.front().type)))
    return failure();
  return sizes;
}

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
