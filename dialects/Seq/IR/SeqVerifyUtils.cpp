//===- SeqVerifyUtils.cpp - shape checks shared by the verifiers --------===//

#include "dialects/Seq/IR/SeqVerifyUtils.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace seqc::seq {

static void printSize(llvm::raw_ostream &os, int64_t size) {
  if (ShapedType::isDynamic(size))
    os << "?";
  else
    os << size;
}

LogicalResult verifyShape(Operation *op, StringRef what, Type type,
                          ArrayRef<ExpectedDim> dims) {
  auto tensorType = cast<RankedTensorType>(type);
  bool ok = tensorType.getRank() == static_cast<int64_t>(dims.size());
  for (unsigned i = 0; ok && i < dims.size(); ++i) {
    int64_t found = tensorType.getDimSize(i);
    int64_t expected = dims[i].size;
    if (!ShapedType::isDynamic(found) && !ShapedType::isDynamic(expected) &&
        found != expected)
      ok = false;
  }
  if (ok)
    return success();
  std::string message;
  llvm::raw_string_ostream os(message);
  os << "'" << what << "' must be [";
  llvm::interleaveComma(dims, os, [&](const ExpectedDim &d) { os << d.name; });
  os << "] = [";
  llvm::interleaveComma(dims, os,
                        [&](const ExpectedDim &d) { printSize(os, d.size); });
  os << "], found " << type;
  return op->emitOpError(message);
}

LogicalResult verifyNonZeroSizes(Operation *op, ArrayRef<ExpectedDim> sizes) {
  for (const ExpectedDim &size : sizes)
    if (size.size == 0)
      return op->emitOpError() << size.name << " is 0; it must be at least 1";
  return success();
}

int64_t dimOf(Type type, unsigned index) {
  return cast<RankedTensorType>(type).getDimSize(index);
}

int64_t scaleDim(int64_t size, int64_t factor) {
  return ShapedType::isDynamic(size) ? ShapedType::kDynamic : size * factor;
}

int64_t mergeDims(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) ? b : a;
}

LogicalResult verifySameElementType(Operation *op, StringRef what,
                                    Type reference, Type type) {
  Type expected = cast<ShapedType>(reference).getElementType();
  Type found = cast<ShapedType>(type).getElementType();
  if (expected == found)
    return success();
  return op->emitOpError() << "'" << what << "' must have element type "
                           << expected << ", found " << found;
}

LogicalResult verifyAllElementTypes(Operation *op, Type reference) {
  for (Value value : op->getOperands())
    if (failed(verifySameElementType(op, "operands", reference,
                                     value.getType())))
      return failure();
  for (Value value : op->getResults())
    if (failed(verifySameElementType(op, "results", reference,
                                     value.getType())))
      return failure();
  return success();
}

} // namespace seqc::seq

FailureOr<llvm::StringMap<int64_t>>
seqc::seq::verifyRoles(Operation *op, ArrayRef<RoleShape> allShapes) {
  SmallVector<RoleShape> shapes;
  for (const RoleShape &shape : allShapes)
    if (shape.value)
      shapes.push_back(shape);
  for (const RoleShape &shape : shapes) {
    auto type = cast<RankedTensorType>(shape.value.getType());
    if (type.getRank() != static_cast<int64_t>(shape.roles.size())) {
      std::string names;
      for (char role : shape.roles)
        names += (names.empty() ? "" : ", ") + std::string(1, role);
      op->emitOpError() << "'" << shape.what << "' must be [" << names
                        << "], found " << type;
      return failure();
    }
  }
  llvm::StringMap<int64_t> sizes;
  for (const RoleShape &shape : shapes)
    for (auto [d, role] : llvm::enumerate(shape.roles)) {
      int64_t fixed = isdigit(role) ? role - '0' : ShapedType::kDynamic;
      auto it = sizes.try_emplace(std::string(1, role), fixed).first;
      it->second = mergeDims(it->second, dimOf(shape.value.getType(), d));
    }
  for (const RoleShape &shape : shapes) {
    SmallVector<ExpectedDim> dims;
    for (char role : shape.roles) {
      std::string name(1, role);
      dims.push_back({sizes.lookup(name), name});
    }
    if (failed(verifyShape(op, shape.what, shape.value.getType(), dims)))
      return failure();
  }
  if (failed(verifyAllElementTypes(op, shapes.front().value.getType())))
    return failure();
  return sizes;
}

void seqc::seq::addRoleTies(SmallVectorImpl<DimensionTie> &ties,
                            ArrayRef<RoleShape> shapes) {
  llvm::DenseMap<char, std::pair<Value, int64_t>> first;
  for (const RoleShape &shape : shapes) {
    if (!shape.value)
      continue;
    for (auto [d, role] : llvm::enumerate(shape.roles)) {
      if (!isalpha(role))
        continue;
      auto [it, inserted] =
          first.try_emplace(role, shape.value, static_cast<int64_t>(d));
      if (!inserted)
        addTie(ties, it->second.first, it->second.second, shape.value,
               static_cast<int64_t>(d));
    }
  }
}
