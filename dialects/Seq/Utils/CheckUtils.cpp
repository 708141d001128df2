//===- CheckUtils.cpp - building seq.check ops ---------------------------===//

#include "dialects/Seq/Utils/CheckUtils.h"

#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

namespace seqc::seq {

/// `text` with every "{}" broken up: in check messages "{}" is where the
/// run-time value goes, and a node or file name must not claim it.
static std::string escapeHoles(std::string text) {
  for (size_t at = text.find("{}"); at != std::string::npos;
       at = text.find("{}", at + 3))
    text.insert(at + 1, " ");
  return text;
}

static std::string describeLocationImpl(Location loc);

std::string describeLocation(Location loc) {
  return escapeHoles(describeLocationImpl(loc));
}

static std::string describeLocationImpl(Location loc) {
  return llvm::TypeSwitch<Location, std::string>(loc)
      .Case([](NameLoc l) -> std::string {
        // A name on a place in a source file (a layer of a .seq stack):
        // both. An ONNX node's has no line: its name.
        std::string where = describeLocationImpl(l.getChildLoc());
        if (isa<FileLineColLoc>(l.getChildLoc()) && !where.empty())
          return where + " (" + l.getName().getValue().str() + ")";
        return "node '" + l.getName().getValue().str() + "'";
      })
      .Case([](FileLineColLoc l) -> std::string {
        if (l.getLine() == 0)
          return "";
        return (l.getFilename().getValue() + ":" + llvm::Twine(l.getLine()) +
                ":" + llvm::Twine(l.getColumn()))
            .str();
      })
      .Case([](FusedLoc l) -> std::string {
        for (Location inner : l.getLocations()) {
          std::string text = describeLocationImpl(inner);
          if (!text.empty())
            return text;
        }
        return "";
      })
      .Case([](CallSiteLoc l) { return describeLocationImpl(l.getCallee()); })
      .Default([](Location) { return std::string(); });
}

std::string describeOrigin(llvm::StringRef name, Location loc) {
  std::string where = describeLocation(loc);
  return where.empty() ? name.str() : (name + " at " + where).str();
}

std::string formatSize(OpFoldResult size) {
  if (std::optional<int64_t> value = getConstantIntValue(size))
    return std::to_string(*value);
  return "?";
}

std::pair<Value, Value> createExactProduct(OpBuilder &b, Location loc,
                                           Value initial, ValueRange sizes) {
  Type i64 = b.getI64Type();
  Value zero = arith::ConstantIntOp::create(b, loc, i64, 0);
  Value ok = arith::ConstantIntOp::create(b, loc, 1, 1);
  auto nonNegative = [&](Value v) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, v, zero);
  };
  Value product = initial;
  for (Value size : sizes) {
    Value s = arith::IndexCastOp::create(b, loc, i64, size);
    // Unsigned 64 x 64 -> 128 bits: exact in 63 when the high half is 0
    // and the low half is non-negative as a signed number.
    auto wide = arith::MulUIExtendedOp::create(b, loc, product, s);
    ok = arith::AndIOp::create(b, loc, ok, nonNegative(s));
    ok = arith::AndIOp::create(
        b, loc, ok,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, wide.getHigh(),
                              zero));
    product = wide.getLow();
    ok = arith::AndIOp::create(b, loc, ok, nonNegative(product));
  }
  return {product, ok};
}

CheckOp createCheck(OpBuilder &b, Location loc, Value condition, Value value,
                    const llvm::Twine &message, CheckKind kind) {
  if (value) {
    Type i64 = b.getI64Type();
    if (value.getType().isIndex())
      value = arith::IndexCastOp::create(b, loc, i64, value);
    else if (value.getType().getIntOrFloatBitWidth() < 64)
      value = arith::ExtSIOp::create(b, loc, i64, value);
    else if (value.getType().getIntOrFloatBitWidth() > 64)
      value = arith::TruncIOp::create(b, loc, i64, value);
  }
  return CheckOp::create(b, loc, condition, value, message.str(), kind);
}

void createNonEmptyChunkCheck(OpBuilder &b, Location loc, Value steps,
                              const llvm::Twine &origin,
                              const llvm::Twine &why) {
  Value nonEmpty =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, steps,
                            arith::ConstantIndexOp::create(b, loc, 0));
  createCheck(b, loc, nonEmpty, steps,
              origin + ": a streamed chunk has {} steps; " + why,
              CheckKind::shape);
}

void createExtentChecks(OpBuilder &b, Location loc, Value operand,
                        ArrayRef<OpFoldResult> expected, const llvm::Twine &what,
                        const llvm::Twine &basis) {
  SmallVector<OpFoldResult> extents;
  for (size_t d = 0; d < expected.size(); ++d)
    extents.push_back(getDimSize(b, loc, operand, d));
  createExtentChecks(b, loc, extents, expected, what, basis);
}

void createExtentChecks(OpBuilder &b, Location loc,
                        ArrayRef<OpFoldResult> extents,
                        ArrayRef<OpFoldResult> expected, const llvm::Twine &what,
                        const llvm::Twine &basis) {
  for (auto [d, want] : llvm::enumerate(expected)) {
    OpFoldResult extent = extents[d];
    std::optional<int64_t> haveSize = getConstantIntValue(extent),
                           wantSize = getConstantIntValue(want);
    if (haveSize && wantSize && *haveSize == *wantSize)
      continue;
    Value extentValue = getValueOrCreateConstantIndexOp(b, loc, extent);
    Value ok = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::eq, extentValue,
        getValueOrCreateConstantIndexOp(b, loc, want));
    createCheck(b, loc, ok, extentValue,
                what + " dimension " + llvm::Twine(d) + " is {}, but " + basis +
                    " " + (wantSize ? formatSize(want) : "a different size"),
                CheckKind::shape);
  }
}

void createOperandExtentChecks(OpBuilder &b, Operation *op, Value operand,
                               StringRef role, ArrayRef<OpFoldResult> expected,
                               const llvm::Twine &basis) {
  if (!operand)
    return;
  createExtentChecks(b, op->getLoc(), operand, expected,
                     describeOrigin(op->getName().getStringRef(), op->getLoc()) +
                         ": '" + role + "'",
                     basis);
}

} // namespace seqc::seq
