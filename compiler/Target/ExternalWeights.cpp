//===- ExternalWeights.cpp - move weights out of the object -------------===//

#include "compiler/Target/ExternalWeights.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace seqc {

namespace {

struct Weight {
  std::string name;
  std::string dtype; // safetensors dtype: F32 or F64
  SmallVector<int64_t> shape;
  std::vector<char> bytes;
};

/// The little-endian bytes of a float constant, or failure for types the
/// file does not carry.
LogicalResult serialize(DenseElementsAttr attr, Weight &weight) {
  Type elementType = attr.getElementType();
  if (elementType.isF32()) {
    weight.dtype = "F32";
    for (APFloat v : attr.getValues<APFloat>()) {
      uint32_t bits = static_cast<uint32_t>(v.bitcastToAPInt().getZExtValue());
      char out[4];
      llvm::support::endian::write32le(out, bits);
      weight.bytes.insert(weight.bytes.end(), out, out + 4);
    }
    return success();
  }
  if (elementType.isF64()) {
    weight.dtype = "F64";
    for (APFloat v : attr.getValues<APFloat>()) {
      uint64_t bits = v.bitcastToAPInt().getZExtValue();
      char out[8];
      llvm::support::endian::write64le(out, bits);
      weight.bytes.insert(weight.bytes.end(), out, out + 8);
    }
    return success();
  }
  return failure();
}

/// safetensors: an 8-byte little-endian header size, a JSON header mapping
/// names to dtype, shape and [begin, end) offsets into the data, the data.
LogicalResult writeSafetensors(StringRef path, ArrayRef<Weight> weights,
                               std::string &error) {
  std::string header = "{";
  uint64_t offset = 0;
  for (auto [i, w] : llvm::enumerate(weights)) {
    if (i)
      header += ",";
    header += "\"" + w.name + "\":{\"dtype\":\"" + w.dtype + "\",\"shape\":[";
    for (auto [j, d] : llvm::enumerate(w.shape))
      header += (j ? "," : "") + std::to_string(d);
    header += "],\"data_offsets\":[" + std::to_string(offset) + "," +
              std::to_string(offset + w.bytes.size()) + "]}";
    offset += w.bytes.size();
  }
  header += "}";
  // Pad the header with spaces so the data starts 8-byte aligned.
  while ((8 + header.size()) % 8 != 0)
    header += " ";

  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec) {
    error = "cannot write '" + path.str() + "': " + ec.message();
    return failure();
  }
  char size[8];
  llvm::support::endian::write64le(size, header.size());
  os.write(size, 8);
  os << header;
  for (const Weight &w : weights)
    os.write(w.bytes.data(), w.bytes.size());
  os.close();
  if (os.has_error()) {
    error = "cannot write '" + path.str() + "': " + os.error().message();
    return failure();
  }
  return success();
}

} // namespace

FailureOr<unsigned> externalizeWeights(func::FuncOp func, StringRef path,
                                       int64_t minElements) {
  MLIRContext *ctx = func.getContext();
  SmallVector<arith::ConstantOp> constants;
  func.walk([&](arith::ConstantOp op) {
    auto attr = dyn_cast<DenseElementsAttr>(op.getValue());
    if (attr && isa<FloatType>(attr.getElementType()) &&
        attr.getNumElements() >= minElements &&
        (attr.getElementType().isF32() || attr.getElementType().isF64()))
      constants.push_back(op);
  });

  std::vector<Weight> weights;
  for (arith::ConstantOp op : constants) {
    auto attr = cast<DenseElementsAttr>(op.getValue());
    Weight w;
    w.name = "weight" + std::to_string(weights.size());
    w.shape.assign(attr.getType().getShape().begin(),
                   attr.getType().getShape().end());
    if (failed(serialize(attr, w)))
      continue;
    unsigned index = func.getNumArguments();
    NamedAttrList attrs;
    attrs.append("seq.name", StringAttr::get(ctx, w.name));
    attrs.append("seq.weight", UnitAttr::get(ctx));
    if (failed(func.insertArgument(index, op.getType(),
                                   attrs.getDictionary(ctx), op.getLoc())))
      return failure();
    op.getResult().replaceAllUsesWith(func.getArgument(index));
    op.erase();
    weights.push_back(std::move(w));
  }

  std::string error;
  if (failed(writeSafetensors(path, weights, error))) {
    func.emitError() << error;
    return failure();
  }
  return static_cast<unsigned>(weights.size());
}

} // namespace seqc
