//===- TensorProtos.cpp - ONNX TensorProto data as MLIR attributes ------===//
//
// Initializers and Constant node values: ONNX dtypes read into the element
// types seq computes with (f32; integers as i64; bools as i1), checked
// against their declared sizes, and the dtype names errors use.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"

#include "mlir/IR/BuiltinAttributes.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstring>

using namespace mlir;

namespace seqc::onnx_import {

std::optional<std::pair<unsigned, bool>> narrowIntegerType(int32_t dtype) {
  switch (dtype) {
  case onnx::TensorProto::UINT8:
    return std::make_pair(8u, false);
  case onnx::TensorProto::INT8:
    return std::make_pair(8u, true);
  case onnx::TensorProto::UINT16:
    return std::make_pair(16u, false);
  case onnx::TensorProto::INT16:
    return std::make_pair(16u, true);
  case onnx::TensorProto::UINT32:
    return std::make_pair(32u, false);
  default:
    return std::nullopt;
  }
}

std::string onnxDtypeName(int32_t dtype) {
  if (onnx::TensorProto_DataType_IsValid(dtype))
    return onnx::TensorProto_DataType_Name(
        static_cast<onnx::TensorProto_DataType>(dtype));
  // The dtypes of later ONNX versions than Debian's 1.12 (opsets 19-22).
  switch (dtype) {
  case 17:
    return "FLOAT8E4M3FN";
  case 18:
    return "FLOAT8E4M3FNUZ";
  case 19:
    return "FLOAT8E5M2";
  case 20:
    return "FLOAT8E5M2FNUZ";
  case 21:
    return "UINT4";
  case 22:
    return "INT4";
  default:
    return std::to_string(dtype) + " (not an ONNX dtype)";
  }
}

FailureOr<DenseElementsAttr>
GraphImporter::convertTensor(const onnx::TensorProto &tensor, bool inNode) {
  auto fail = [&]() { return inNode ? nodeError() : fileError(); };
  SmallVector<int64_t> shape;
  int64_t count = 1;
  for (int64_t d : tensor.dims()) {
    if (d < 0 || (d > 0 && count > (int64_t(1) << 40) / d)) {
      fail() << "tensor '" << tensor.name() << "' has an invalid shape";
      return failure();
    }
    shape.push_back(d);
    count *= d;
  }
  // External data (onnx.save(..., save_as_external_data=True), every
  // model past protobuf's 2 GiB): `length` bytes at `offset` of the file
  // `location`, relative to the model's folder (the ONNX IR
  // documentation), read as raw_data.
  std::string external;
  const std::string *rawData = &tensor.raw_data();
  bool hasRaw = tensor.has_raw_data();
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    std::string location;
    std::optional<uint64_t> offset = 0, length;
    bool malformed = false;
    for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
      auto number = [&]() -> std::optional<uint64_t> {
        uint64_t v;
        if (StringRef(entry.value()).getAsInteger(10, v))
          return std::nullopt;
        return v;
      };
      if (entry.key() == "location") {
        location = entry.value();
      } else if (entry.key() == "offset") {
        offset = number();
        malformed |= !offset;
      } else if (entry.key() == "length") {
        length = number();
        malformed |= !length;
      }
    }
    if (malformed) {
      fail() << "tensor '" << tensor.name()
             << "': its external data's offset or length is not a "
                "non-negative integer";
      return failure();
    }
    if (location.empty() || llvm::sys::path::is_absolute(location) ||
        llvm::is_contained(llvm::make_range(llvm::sys::path::begin(location),
                                            llvm::sys::path::end(location)),
                           "..")) {
      fail() << "tensor '" << tensor.name() << "' keeps its data in the "
             << "external file '" << location
             << "'; ONNX wants a path relative to the model's folder, "
                "inside it";
      return failure();
    }
    SmallString<256> file(llvm::sys::path::parent_path(path));
    llvm::sys::path::append(file, location);
    auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer) {
      fail() << "tensor '" << tensor.name() << "': cannot read its external "
             << "data file '" << file << "': " << buffer.getError().message();
      return failure();
    }
    uint64_t size = (*buffer)->getBufferSize();
    uint64_t want = length ? *length : (*offset <= size ? size - *offset : 0);
    if (*offset > size || want > size - *offset) {
      fail() << "tensor '" << tensor.name() << "': its external data (" << want
             << " bytes at offset " << *offset << ") lies past the "
             << "end of '" << file << "' (" << size << " bytes)";
      return failure();
    }
    external.assign((*buffer)->getBufferStart() + *offset, want);
    rawData = &external;
    hasRaw = true;
  }
  const std::string &raw = *rawData;
  auto sizeError = [&]() -> FailureOr<DenseElementsAttr> {
    fail() << "tensor '" << tensor.name() << "' holds the wrong number of "
           << "elements for its shape (the file is malformed)";
    return failure();
  };
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT: {
    SmallVector<float> data;
    if (hasRaw) {
      if (raw.size() != size_t(count) * 4)
        return sizeError();
      data.resize(count);
      std::memcpy(data.data(), raw.data(), raw.size());
    } else {
      if (tensor.float_data_size() != count)
        return sizeError();
      data.assign(tensor.float_data().begin(), tensor.float_data().end());
    }
    auto type = RankedTensorType::get(shape, builder.getF32Type());
    return cast<DenseElementsAttr>(
        DenseElementsAttr::get(type, ArrayRef(data)));
  }
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::INT32: {
    bool is64 = tensor.data_type() == onnx::TensorProto::INT64;
    SmallVector<int64_t> data;
    if (hasRaw) {
      if (raw.size() != size_t(count) * (is64 ? 8 : 4))
        return sizeError();
      for (int64_t i = 0; i < count; ++i) {
        if (is64) {
          int64_t v;
          std::memcpy(&v, raw.data() + 8 * i, 8);
          data.push_back(v);
        } else {
          int32_t v;
          std::memcpy(&v, raw.data() + 4 * i, 4);
          data.push_back(v);
        }
      }
    } else if (is64) {
      if (tensor.int64_data_size() != count)
        return sizeError();
      data.assign(tensor.int64_data().begin(), tensor.int64_data().end());
    } else {
      if (tensor.int32_data_size() != count)
        return sizeError();
      data.assign(tensor.int32_data().begin(), tensor.int32_data().end());
    }
    auto type = RankedTensorType::get(shape, builder.getI64Type());
    return cast<DenseElementsAttr>(
        DenseElementsAttr::get(type, ArrayRef(data)));
  }
  case onnx::TensorProto::DOUBLE: {
    // torch 1.13 exports Python float scalars as DOUBLE constants
    // (torch.where(c, x, 0.0)); floatInput narrows them next to f32 data.
    SmallVector<double> data;
    if (hasRaw) {
      if (raw.size() != size_t(count) * 8)
        return sizeError();
      data.resize(count);
      std::memcpy(data.data(), raw.data(), raw.size());
    } else {
      if (tensor.double_data_size() != count)
        return sizeError();
      data.assign(tensor.double_data().begin(), tensor.double_data().end());
    }
    auto type = RankedTensorType::get(shape, builder.getF64Type());
    return cast<DenseElementsAttr>(
        DenseElementsAttr::get(type, ArrayRef(data)));
  }
  case onnx::TensorProto::BOOL: {
    // One byte per element in raw data, else int32_data.
    SmallVector<bool> data;
    if (hasRaw) {
      if (raw.size() != size_t(count))
        return sizeError();
      for (char c : raw)
        data.push_back(c != 0);
    } else {
      if (tensor.int32_data_size() != count)
        return sizeError();
      for (int32_t v : tensor.int32_data())
        data.push_back(v != 0);
    }
    auto type = RankedTensorType::get(shape, builder.getI1Type());
    return cast<DenseElementsAttr>(
        DenseElementsAttr::get(type, ArrayRef(data)));
  }
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT16:
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT32: {
    // Narrow integers (a `.byte()` mask buffer) are held as i64, as INT32
    // is. Raw data is little-endian; otherwise ONNX keeps them in
    // int32_data (uint32 in uint64_data).
    // Not a structured binding: `extend` captures both (C++20 only).
    unsigned bits;
    bool isSigned;
    std::tie(bits, isSigned) = *narrowIntegerType(tensor.data_type());
    size_t bytes = bits / 8;
    SmallVector<int64_t> data;
    auto extend = [&](uint64_t raw64) {
      APInt v(bits, raw64, /*isSigned=*/false, /*implicitTrunc=*/true);
      data.push_back(isSigned ? v.getSExtValue()
                              : static_cast<int64_t>(v.getZExtValue()));
    };
    if (hasRaw) {
      if (raw.size() != size_t(count) * bytes)
        return sizeError();
      for (int64_t i = 0; i < count; ++i) {
        uint64_t v = 0;
        for (size_t k = 0; k < bytes; ++k)
          v |= uint64_t(static_cast<uint8_t>(raw[i * bytes + k])) << (8 * k);
        extend(v);
      }
    } else if (tensor.data_type() == onnx::TensorProto::UINT32) {
      if (tensor.uint64_data_size() != count)
        return sizeError();
      for (uint64_t v : tensor.uint64_data())
        extend(v);
    } else {
      if (tensor.int32_data_size() != count)
        return sizeError();
      for (int32_t v : tensor.int32_data())
        extend(static_cast<uint32_t>(v));
    }
    auto type = RankedTensorType::get(shape, builder.getI64Type());
    return cast<DenseElementsAttr>(
        DenseElementsAttr::get(type, ArrayRef(data)));
  }
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16: {
    // Half-precision weights (a model exported after .half()) are computed
    // in float32: each value converts exactly. Raw data holds the 16-bit
    // patterns little-endian; otherwise int32_data holds them.
    const llvm::fltSemantics &semantics =
        tensor.data_type() == onnx::TensorProto::FLOAT16 ? APFloat::IEEEhalf()
                                                         : APFloat::BFloat();
    SmallVector<float> data;
    auto convert = [&](uint16_t bitPattern) {
      APFloat v(semantics, APInt(16, bitPattern));
      bool lost = false;
      v.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
      data.push_back(v.convertToFloat());
    };
    if (hasRaw) {
      if (raw.size() != size_t(count) * 2)
        return sizeError();
      for (int64_t i = 0; i < count; ++i)
        convert(uint16_t(static_cast<uint8_t>(raw[2 * i])) |
                uint16_t(static_cast<uint8_t>(raw[2 * i + 1])) << 8);
    } else {
      if (tensor.int32_data_size() != count)
        return sizeError();
      for (int32_t v : tensor.int32_data())
        convert(static_cast<uint16_t>(v));
    }
    auto type = RankedTensorType::get(shape, builder.getF32Type());
    return cast<DenseElementsAttr>(
        DenseElementsAttr::get(type, ArrayRef(data)));
  }
  default:
    fail() << "tensor '" << tensor.name() << "' has dtype "
           << onnxDtypeName(tensor.data_type())
           << ", which is not supported (supported: FLOAT, DOUBLE, FLOAT16, "
              "BFLOAT16, INT64, INT32, INT16, INT8, UINT32, UINT16, UINT8, "
              "BOOL)";
    return failure();
  }
}

} // namespace seqc::onnx_import
