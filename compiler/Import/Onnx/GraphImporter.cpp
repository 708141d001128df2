//===- GraphImporter.cpp - one ONNX graph into a func.func ---------------===//

#include "compiler/Import/Onnx/GraphImporter.h"
#include "compiler/ModelABI/ModelAbi.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/PointwiseMath.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace seqc::onnx_import {

/// ONNX names ("/lstm/LSTM_output_0", "input.1") as C identifiers.
static std::string sanitizeName(StringRef name) {
  std::string out;
  for (char c : name)
    out.push_back(llvm::isAlnum(c) || c == '_' ? c : '_');
  if (out.empty() || llvm::isDigit(out[0]))
    out.insert(out.begin(), '_');
  return out;
}

/// A dimension's symbolic name, or "" where it has none. A dim_param
/// without a letter or digit ("?", "*") is some converters' word for
/// "unknown", each dimension its own: taken as a name it would tie every
/// unknown dimension to every other.
static StringRef dimParamName(const onnx::TensorShapeProto_Dimension &d) {
  if (!d.has_dim_param() ||
      llvm::none_of(d.dim_param(), [](char c) { return llvm::isAlnum(c); }))
    return "";
  return d.dim_param();
}

/// What to write instead of an operator seqc does not compile by design,
/// in PyTorch's terms ("" for others).
static StringRef unsupportedOpHint(StringRef op) {
  if (llvm::is_contained({"NonZero", "Compress", "Unique"}, op))
    return "its output's length depends on the data (h[mask], "
           "torch.nonzero, torch.unique); seqc compiles shapes that follow "
           "from the inputs' sizes: write it as a masked computation, "
           "(h * mask).sum(1) / mask.sum(1) for masked pooling, torch.where "
           "for a selection";
  if (llvm::is_contained({"RandomNormal", "RandomNormalLike", "RandomUniform",
                          "RandomUniformLike", "Bernoulli", "Multinomial"},
                         op))
    return "a compiled model is deterministic (torch.randn_like, "
           "torch.bernoulli, sampling): pass the noise or the uniform draws "
           "in as a model input";
  return "";
}

InFlightDiagnostic GraphImporter::fileError() {
  return emitError(FileLineColLoc::get(context, path, 0, 0));
}

InFlightDiagnostic GraphImporter::nodeError() {
  InFlightDiagnostic diag = fileError();
  // Exporters other than torch's (onnx.helper, hand-written graphs) often
  // leave nodes unnamed: such a node is named by its first output.
  if (!node->name().empty())
    diag << "node '" << node->name() << "'";
  else if (node->output_size() > 0 && !node->output(0).empty())
    diag << "the node writing '" << node->output(0) << "'";
  else
    diag << "an unnamed node without outputs";
  diag << " (" << node->op_type() << ", opset " << opset << "): ";
  return diag;
}

//===----------------------------------------------------------------------===//
// Attributes (tensors: TensorProtos.cpp)
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *GraphImporter::attr(StringRef name) {
  for (const onnx::AttributeProto &a : node->attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

std::optional<int64_t> GraphImporter::intAttr(StringRef name) {
  if (const auto *a = attr(name))
    return a->i();
  return std::nullopt;
}

std::optional<float> GraphImporter::floatAttr(StringRef name) {
  if (const auto *a = attr(name))
    return a->f();
  return std::nullopt;
}

std::optional<std::string> GraphImporter::stringAttr(StringRef name) {
  if (const auto *a = attr(name))
    return a->s();
  return std::nullopt;
}

std::optional<SmallVector<int64_t>> GraphImporter::intsAttr(StringRef name) {
  if (const auto *a = attr(name))
    return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
  return std::nullopt;
}

std::optional<SmallVector<float>> GraphImporter::floatsAttr(StringRef name) {
  if (const auto *a = attr(name))
    return SmallVector<float>(a->floats().begin(), a->floats().end());
  return std::nullopt;
}

std::optional<SmallVector<std::string>>
GraphImporter::stringsAttr(StringRef name) {
  if (const auto *a = attr(name))
    return SmallVector<std::string>(a->strings().begin(), a->strings().end());
  return std::nullopt;
}

LogicalResult GraphImporter::checkAttrs(ArrayRef<StringRef> known) {
  for (const onnx::AttributeProto &a : node->attribute())
    if (!llvm::is_contained(known, a.name())) {
      nodeError() << "attribute '" << a.name() << "' is not supported";
      return failure();
    }
  return success();
}

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

OpFoldResult GraphImporter::dimSize(Value tensor, int64_t dim) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (!type.isDynamicDim(dim))
    return builder.getIndexAttr(type.getDimSize(dim));
  return tensor::DimOp::create(builder, loc, tensor, dim).getResult();
}

Value GraphImporter::indexValue(OpFoldResult ofr) {
  if (auto v = dyn_cast<Value>(ofr))
    return v;
  return arith::ConstantIndexOp::create(
      builder, loc, cast<IntegerAttr>(cast<Attribute>(ofr)).getInt());
}

/// Whether `v` is a tensor's size, or sums and products of such sizes and
/// non-negative constants (a wrapped product is the allocation check's).
static bool isSizeArithmetic(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def)
    return false;
  if (isa<tensor::DimOp>(def))
    return true;
  if (std::optional<int64_t> c = getConstantIntValue(v))
    return *c >= 0;
  if (isa<arith::AddIOp, arith::MulIOp, arith::MaxSIOp>(def))
    return llvm::all_of(def->getOperands(), isSizeArithmetic);
  return false;
}

void GraphImporter::checkSizesNotNegative(ArrayRef<OpFoldResult> shape,
                                          StringRef what) {
  for (auto [i, size] : llvm::enumerate(shape)) {
    auto v = dyn_cast<Value>(size);
    // (A tensor's own size needs no check; that also keeps the sizes a
    // streamed time axis is traced through free of checks.)
    if (!v || isSizeArithmetic(v))
      continue;
    Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
    seq::createCheck(
        builder, loc,
        arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::sge, v, zero),
        v,
        seq::describeLocation(loc) + ": " + what.str() + " " +
            std::to_string(i) + " is {}; it must be >= 0",
        seq::CheckKind::shape);
  }
}

Value GraphImporter::materialize(OnnxValue &value) {
  if (value.tensor)
    return value.tensor;
  if (!value.constant && !value.elements)
    return nullptr; // an empty sequence: no tensor
  if (value.constant) {
    value.tensor = arith::ConstantOp::create(builder, loc, value.constant);
    return value.tensor;
  }
  SmallVector<Value> elems;
  Type elementType = value.boolean ? Type(builder.getI1Type())
                                   : Type(builder.getI64Type());
  for (OpFoldResult e : *value.elements) {
    Value index = indexValue(e);
    if (value.boolean)
      elems.push_back(arith::CmpIOp::create(
          builder, loc, arith::CmpIPredicate::ne, index,
          arith::ConstantIndexOp::create(builder, loc, 0)));
    else
      elems.push_back(
          arith::IndexCastOp::create(builder, loc, elementType, index));
  }
  SmallVector<int64_t> shape(value.shape);
  if (shape.empty() && !value.scalar)
    shape.push_back(elems.size());
  value.tensor = tensor::FromElementsOp::create(
      builder, loc, RankedTensorType::get(shape, elementType), elems);
  return value.tensor;
}

const OnnxValue *GraphImporter::input(unsigned i) {
  if ((int)i >= node->input_size() || node->input(i).empty())
    return nullptr;
  auto it = values.find(node->input(i));
  return it == values.end() ? nullptr : &it->second;
}

Value GraphImporter::tensorInput(unsigned i) {
  if ((int)i >= node->input_size() || node->input(i).empty()) {
    nodeError() << "input " << i << " is required";
    return nullptr;
  }
  auto it = values.find(node->input(i));
  if (it == values.end()) {
    nodeError() << "input '" << node->input(i)
                << "' is not defined before the node";
    return nullptr;
  }
  if (it->second.sequence != OnnxValue::Sequence::none) {
    nodeError() << "input '" << node->input(i) << "' is an ONNX sequence; "
                << kSupportedSequences;
    return nullptr;
  }
  return materialize(it->second);
}

std::optional<SmallVector<OpFoldResult>> GraphImporter::intsInput(unsigned i) {
  const OnnxValue *v = input(i);
  if (!v)
    return std::nullopt;
  return intsOf(*v);
}

std::optional<SmallVector<OpFoldResult>>
GraphImporter::intsOf(const OnnxValue &value) {
  const OnnxValue *v = &value;
  if (v->elements && !v->boolean && v->shape.empty())
    return *v->elements;
  // Shape vectors are short; a long integer constant is data (and turning
  // millions of elements into attributes one by one would take minutes).
  if (v->constant && v->constant.getElementType().isInteger(64) &&
      v->constant.getType().getRank() <= 1 &&
      v->constant.getType().hasStaticShape() &&
      v->constant.getNumElements() >= 0 &&
      v->constant.getNumElements() <= kMaxShapeVectorLength) {
    SmallVector<OpFoldResult> out;
    for (int64_t x : v->constant.getValues<int64_t>())
      out.push_back(builder.getIndexAttr(x));
    return out;
  }
  // A runtime integer vector of static length: read its elements.
  if (v->tensor) {
    auto type = cast<RankedTensorType>(v->tensor.getType());
    if (type.getRank() <= 1 && type.hasStaticShape() &&
        isa<IntegerType>(type.getElementType()) &&
        type.getNumElements() <= 16) {
      SmallVector<OpFoldResult> out;
      for (int64_t k = 0; k < type.getNumElements(); ++k) {
        SmallVector<Value> idx;
        if (type.getRank() == 1)
          idx.push_back(arith::ConstantIndexOp::create(builder, loc, k));
        Value e = tensor::ExtractOp::create(builder, loc, v->tensor, idx);
        out.push_back(
            arith::IndexCastOp::create(builder, loc, builder.getIndexType(), e)
                .getResult());
      }
      return out;
    }
  }
  return std::nullopt;
}

std::optional<SmallVector<int64_t>> GraphImporter::constIntsInput(unsigned i) {
  auto elems = intsInput(i);
  if (!elems)
    return std::nullopt;
  SmallVector<int64_t> out;
  for (OpFoldResult e : *elems) {
    std::optional<int64_t> c = getConstantIntValue(e);
    if (!c)
      return std::nullopt;
    out.push_back(*c);
  }
  return out;
}

void GraphImporter::setOutput(unsigned i, OnnxValue value) {
  if (hasOutput(i))
    values[node->output(i)] = std::move(value);
}

//===----------------------------------------------------------------------===//
// The graph
//===----------------------------------------------------------------------===//

/// The MLIR type of a graph input or output, and its dimension names.
static FailureOr<RankedTensorType>
convertValueType(GraphImporter &g, const onnx::ValueInfoProto &info,
                 SmallVectorImpl<StringRef> &dimNames) {
  if (!info.type().has_tensor_type()) {
    g.fileError() << "graph input '" << info.name()
                  << "' is not a tensor, which is not supported";
    return failure();
  }
  const onnx::TypeProto_Tensor &t = info.type().tensor_type();
  Type elementType;
  switch (t.elem_type()) {
  case onnx::TensorProto::FLOAT:
    elementType = g.builder.getF32Type();
    break;
  case onnx::TensorProto::INT64:
    elementType = g.builder.getI64Type();
    break;
  case onnx::TensorProto::INT32:
    elementType = g.builder.getI32Type();
    break;
  case onnx::TensorProto::BOOL:
    elementType = g.builder.getI1Type();
    break;
  // Held as i64 in their dtype's range (widenIntegerInputs); UINT8's port
  // is marked seq.unsigned (the signature's u8).
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
    elementType = g.builder.getI8Type();
    break;
  // Computed in f32 (importGraph converts them on entry and exit).
  case onnx::TensorProto::DOUBLE:
    elementType = g.builder.getF64Type();
    break;
  case onnx::TensorProto::FLOAT16:
    elementType = g.builder.getF16Type();
    break;
  case onnx::TensorProto::BFLOAT16:
    elementType = g.builder.getBF16Type();
    break;
  default:
    g.fileError() << "graph input '" << info.name() << "' has dtype "
                  << onnxDtypeName(t.elem_type())
                  << ", which is not supported (supported: FLOAT, DOUBLE, "
                     "FLOAT16, BFLOAT16, INT64, INT32, INT8, UINT8, BOOL)";
    return failure();
  }
  if (!t.has_shape()) {
    g.fileError() << "graph input '" << info.name()
                  << "' has no shape (its rank must be known)";
    return failure();
  }
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto_Dimension &d : t.shape().dim()) {
    // Older exporters (keras2onnx, early tf2onnx) wrote -1 for a dimension
    // of unknown size: dynamic, as a missing value. Any other negative size
    // is malformed.
    if (d.has_dim_value() && d.dim_value() < -1) {
      g.fileError() << "graph input '" << info.name() << "' dimension "
                    << shape.size() << " has size " << d.dim_value()
                    << " (a size is >= 0; a dynamic dimension has a "
                       "dim_param or no value)";
      return failure();
    }
    if (d.has_dim_value() && d.dim_value() >= 0) {
      shape.push_back(d.dim_value());
      dimNames.push_back("");
    } else {
      shape.push_back(ShapedType::kDynamic);
      dimNames.push_back(dimParamName(d));
    }
  }
  return RankedTensorType::get(shape, elementType);
}

/// Whether `name` is one torch.onnx.export made up for an output dimension
/// the export's dynamic_axes do not name (ONNX shape inference's
/// "<op><output>_dim_<i>", e.g. "Reshapey_dim_0"), not a user's.
static bool isGeneratedDimName(StringRef name) {
  size_t at = name.rfind("_dim_");
  return at != StringRef::npos && at + 5 < name.size() &&
         llvm::all_of(name.drop_front(at + 5),
                      [](char c) { return llvm::isDigit(c); });
}

/// `seq.name` and (where a dimension is dynamic) `seq.dims`.
static NamedAttrList portAttrs(Builder &b, StringRef name,
                               RankedTensorType type,
                               ArrayRef<StringRef> onnxDims) {
  NamedAttrList attrs;
  attrs.append("seq.name", b.getStringAttr(sanitizeName(name)));
  if (!type.hasStaticShape()) {
    SmallVector<Attribute> dims;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      StringRef dimName = "";
      if (type.isDynamicDim(i) && i < (int64_t)onnxDims.size())
        dimName = onnxDims[i];
      dims.push_back(
          b.getStringAttr(dimName.empty() ? "" : sanitizeName(dimName)));
    }
    attrs.append("seq.dims", b.getArrayAttr(dims));
  }
  return attrs;
}

LogicalResult GraphImporter::importGraph(const onnx::GraphProto &graph,
                                         ModuleOp module) {
  // Initializers first: graph inputs that share their name are weights.
  for (const onnx::TensorProto &init : graph.initializer()) {
    FailureOr<DenseElementsAttr> attr = convertTensor(init, /*inNode=*/false);
    if (failed(attr))
      return failure();
    // The weights of a `model.double()` export: seq computes in f32.
    if (attr->getElementType().isF64()) {
      float64Model = true;
      if (!warnedF64)
        mlir::emitWarning(FileLineColLoc::get(context, path, 0, 0))
            << "initializer '" << init.name()
            << "' is float64 (and maybe more weights, inputs and outputs: a "
               "model.double() export, or a Python float that torch's "
               "exporter kept as a double constant, as in torch.where(c, x, "
               "-1e9)): seqc computes in float32, rounding float64 weights "
               "and inputs, and float64 outputs are float32 results widened";
      warnedF64 = true;
      SmallVector<float> narrowed;
      for (double x : attr->getValues<double>())
        narrowed.push_back(static_cast<float>(x));
      attr = DenseElementsAttr::get(
          RankedTensorType::get(attr->getType().getShape(),
                                builder.getF32Type()),
          ArrayRef(narrowed));
    }
    values[init.name()].constant = *attr;
    values[init.name()].heldDtype = heldIntegerDtype(init.data_type());
  }

  SmallVector<Type> argTypes;
  SmallVector<const onnx::ValueInfoProto *> args;
  SmallVector<NamedAttrList> argAttrs;
  llvm::StringSet<> portNames;
  for (const onnx::ValueInfoProto &in : graph.input()) {
    if (values.count(in.name()))
      continue;
    SmallVector<StringRef> dims;
    FailureOr<RankedTensorType> type = convertValueType(*this, in, dims);
    if (failed(type))
      return failure();
    NamedAttrList attrs = portAttrs(builder, in.name(), *type, dims);
    if (in.type().tensor_type().elem_type() == onnx::TensorProto::UINT8)
      attrs.append(kUnsignedAttr, builder.getUnitAttr());
    if (!portNames.insert(sanitizeName(in.name())).second) {
      fileError() << "two graph inputs are both named '"
                  << sanitizeName(in.name()) << "' as C identifiers";
      return failure();
    }
    argTypes.push_back(*type);
    args.push_back(&in);
    argAttrs.push_back(attrs);
  }

  builder.setInsertionPointToEnd(module.getBody());
  auto func =
      func::FuncOp::create(builder, FileLineColLoc::get(context, path, 0, 0),
                           "model", builder.getFunctionType(argTypes, {}));
  Block *body = func.addEntryBlock();
  for (auto [i, in] : llvm::enumerate(args)) {
    values[in->name()].tensor = body->getArgument(i);
    func.setArgAttrs(i, argAttrs[i].getDictionary(context));
  }
  builder.setInsertionPointToStart(body);
  if (failed(convertFloatInputsToF32(args, body)) ||
      failed(widenIntegerInputs(*this, args, body)))
    return failure();

  this->graph = &graph;
  for (auto [i, n] : llvm::enumerate(graph.node())) {
    for (const std::string &out : n.output())
      if (!out.empty())
        producers[out] = i;
    for (const std::string &in : n.input())
      if (!in.empty())
        consumerMap[in].push_back(i);
  }
  for (const onnx::ValueInfoProto &out : graph.output())
    consumerMap[out.name()].push_back(-1);

  // Every node is checked against its schema before any is imported (the
  // shape arithmetic reads a node's producers). Patterns that seq has an op
  // for are raised on the IR after import (compiler/Import/Import.cpp).
  if (failed(verifyGraphSchemas(graph)))
    return failure();
  for (const onnx::NodeProto &n : graph.node()) {
    enterNode(n);
    if (failed(importNode()))
      return failure();
  }
  node = nullptr;

  // An output dimension name that no input declares is the exporter's
  // inference, not the user's promise, and torch 1.13 gets it wrong: it
  // names an output's dims after the op that made it ("Muly_dim_0" for the
  // batch of a GELU's result, "Padr_dim_2" for pads of different widths).
  // Such names are dropped: the dimension stays dynamic and is named by
  // its tie to an input dimension where the compiler proves one. Names of
  // input dimensions stay (they tie an output to an input the user
  // declared).
  // (Each with the first input dimension of that name, for messages.)
  llvm::StringMap<std::pair<std::string, int>> inputDimNames;
  for (const onnx::ValueInfoProto &in : graph.input())
    if (in.type().has_tensor_type() && in.type().tensor_type().has_shape())
      for (auto [i, d] : llvm::enumerate(in.type().tensor_type().shape().dim()))
        if (!dimParamName(d).empty())
          inputDimNames.try_emplace(dimParamName(d), in.name(),
                                    static_cast<int>(i));

  SmallVector<Value> results;
  SmallVector<NamedAttrList> resultAttrs;
  for (const onnx::ValueInfoProto &out : graph.output()) {
    auto it = values.find(out.name());
    if (it == values.end()) {
      fileError() << "graph output '" << out.name()
                  << "' is not produced by any node";
      return failure();
    }
    Value v = it->second.sequence == OnnxValue::Sequence::none
                  ? materialize(it->second)
                  : Value();
    if (!v) {
      fileError() << "graph output '" << out.name()
                  << "' is an ONNX sequence; only tensors can be outputs "
                     "(stack it with ConcatFromSequence)";
      return failure();
    }
    FailureOr<Value> narrowed = narrowIntegerOutput(*this, out, v);
    if (failed(narrowed))
      return failure();
    v = *narrowed;
    FailureOr<Value> declared = convertFloatOutput(out, v);
    if (failed(declared))
      return failure();
    v = *declared;
    auto type = cast<RankedTensorType>(v.getType());
    SmallVector<StringRef> dims;
    // Names the export gave dynamic output dimensions that no input has
    // (dynamic_axes={"y": {1: "T_out"}}): hints, used where the model does
    // not tie the dimension to an input's (seqc-name-tied-dims).
    SmallVector<Attribute> hints;
    bool anyHint = false;
    if (out.type().has_tensor_type() && out.type().tensor_type().has_shape() &&
        out.type().tensor_type().shape().dim_size() == type.getRank()) {
      const auto &declared = out.type().tensor_type().shape().dim();
      // torch 1.13 declares some outputs with made-up shapes (a scripted
      // loop's ConcatFromSequence: [B, T, ..., T] for [B, 2, 3, T]); one
      // name twice marks those.
      llvm::StringSet<> seen;
      bool madeUp = false;
      for (const auto &d : declared)
        madeUp |=
            !dimParamName(d).empty() && !seen.insert(dimParamName(d)).second;
      for (auto [i, d] : llvm::enumerate(declared)) {
        auto named = !dimParamName(d).empty()
                         ? inputDimNames.find(dimParamName(d))
                         : inputDimNames.end();
        dims.push_back(named != inputDimNames.end() ? dimParamName(d) : "");
        StringRef hint = named == inputDimNames.end() && !madeUp &&
                                 type.isDynamicDim(i) &&
                                 !isGeneratedDimName(dimParamName(d))
                             ? dimParamName(d)
                             : "";
        hints.push_back(
            builder.getStringAttr(hint.empty() ? "" : sanitizeName(hint)));
        anyHint |= !hint.empty();
        // Declared as an input's length but computed as a constant: most
        // often the export length of a traced loop, whose model returns
        // that many steps whatever the input's length (onnxruntime too).
        if (named != inputDimNames.end() && !type.isDynamicDim(i) && !madeUp)
          mlir::emitWarning(FileLineColLoc::get(context, path, 0, 0))
              << "graph output '" << out.name() << "' dimension " << i
              << " is declared '" << d.dim_param() << "', the length of input '"
              << named->second.first << "' dimension " << named->second.second
              << ", but the graph computes it as the constant "
              << type.getDimSize(i) << ", whatever '" << d.dim_param()
              << "' is: a Python loop traced by torch.onnx.export is unrolled "
                 "at its export length (torch.jit.script keeps it a loop), or "
                 "the export's dynamic_axes names another dimension";
      }
    }
    if (!portNames.insert(sanitizeName(out.name())).second) {
      bool isInput = llvm::any_of(graph.input(), [&](const auto &in) {
        return in.name() == out.name();
      });
      if (isInput)
        fileError() << "graph output '" << out.name()
                    << "' is the graph input of that name itself; the C API "
                       "gives every input and output its own name (return "
                       "an Identity of it under another name)";
      else
        fileError() << "graph output '" << out.name() << "' has the C name '"
                    << sanitizeName(out.name())
                    << "' of another input or output";
      return failure();
    }
    results.push_back(v);
    resultAttrs.push_back(portAttrs(builder, out.name(), type, dims));
    if (type.getElementType().isInteger(8) && out.type().has_tensor_type() &&
        out.type().tensor_type().elem_type() == onnx::TensorProto::UINT8)
      resultAttrs.back().append(kUnsignedAttr, builder.getUnitAttr());
    if (anyHint)
      resultAttrs.back().append(kDimHintsAttr, builder.getArrayAttr(hints));
  }
  func::ReturnOp::create(builder, loc, results);
  // Drop what folded shape arithmetic left unused.
  SmallVector<Operation *> ops;
  for (Operation &op : *body)
    ops.push_back(&op);
  for (Operation *op : llvm::reverse(ops))
    if (isOpTriviallyDead(op))
      op->erase();
  func.setType(
      builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (auto [i, attrs] : llvm::enumerate(resultAttrs))
    func.setResultAttrs(i, attrs.getDictionary(context));
  return success();
}

/// `v` converted to `type`'s element type elementwise (PyTorch's `.to`).
static FailureOr<Value> convertFloats(GraphImporter &g, Value v,
                                      FloatType type) {
  return buildElementwise(
      g, {v},
      [&](OpBuilder &b, Location l, ValueRange a) {
        return seq::emitCast(b, l, a[0], type);
      },
      type);
}

LogicalResult GraphImporter::convertFloatInputsToF32(
    ArrayRef<const onnx::ValueInfoProto *> args, Block *body) {
  // seq's kernels compute in f32: a DOUBLE, FLOAT16 or BFLOAT16 graph input
  // keeps its dtype at the C interface and is converted on entry (f16 and
  // bf16 exactly; f64 rounded, which is said once).
  loc = FileLineColLoc::get(context, path, 0, 0);
  for (auto [i, in] : llvm::enumerate(args)) {
    Value arg = body->getArgument(i);
    auto element = dyn_cast<FloatType>(tensorType(arg).getElementType());
    if (!element || element.isF32())
      continue;
    float64Model |= element.isF64();
    if (element.isF64() && !warnedF64) {
      mlir::emitWarning(loc)
          << "graph input '" << in->name()
          << "' is float64: seqc computes in float32, rounding float64 "
             "inputs, and float64 outputs are float32 results widened";
      warnedF64 = true;
    }
    FailureOr<Value> f32 = convertFloats(*this, arg, builder.getF32Type());
    if (failed(f32))
      return failure();
    values[in->name()].tensor = *f32;
  }
  return success();
}

FailureOr<Value>
GraphImporter::convertFloatOutput(const onnx::ValueInfoProto &out, Value v) {
  // An output the graph declares DOUBLE, FLOAT16 or BFLOAT16 that seqc
  // computed in f32 is handed out in the declared dtype. DOUBLE only in a
  // float64 model: a scripted f32 model's exporter declares DOUBLE for
  // what PyTorch returns as f32 (a SequenceEmpty's default dtype).
  if (!out.type().has_tensor_type() || !tensorType(v).getElementType().isF32())
    return v;
  FloatType declared;
  switch (out.type().tensor_type().elem_type()) {
  case onnx::TensorProto::DOUBLE:
    if (!float64Model)
      return v;
    declared = builder.getF64Type();
    break;
  case onnx::TensorProto::FLOAT16:
    declared = builder.getF16Type();
    break;
  case onnx::TensorProto::BFLOAT16:
    declared = builder.getBF16Type();
    break;
  default:
    return v;
  }
  return convertFloats(*this, v, declared);
}

void GraphImporter::enterNode(const onnx::NodeProto &n) {
  node = &n;
  loc = NameLoc::get(
      builder.getStringAttr(n.name().empty() ? n.op_type() : n.name()),
      FileLineColLoc::get(context, path, 0, 0));
}

LogicalResult GraphImporter::importNode() {
  if (!node->domain().empty() && node->domain() != "ai.onnx") {
    nodeError() << "operators of domain '" << node->domain()
                << "' are not supported";
    return failure();
  }
  for (const std::string &in : node->input())
    if (!in.empty() && !values.count(in)) {
      bool definedLater =
          graph && llvm::any_of(graph->node(), [&](const onnx::NodeProto &n) {
            return llvm::is_contained(n.output(), in);
          });
      if (definedLater)
        nodeError() << "input '" << in << "' is not defined before the node "
                    << "(unsorted graphs are not supported)";
      else
        nodeError() << "input '" << in
                    << "' is not defined: no graph input, initializer or "
                       "node output has that name (a missing initializer?)";
      return failure();
    }
  // An ONNX name is defined once in a model (graph input, initializer or
  // one node's output, subgraphs included): a second definition would
  // silently change what the nodes after it read.
  for (const std::string &out : node->output())
    if (!out.empty() && values.count(out)) {
      nodeError() << "output '" << out
                  << "' is already defined (each ONNX value is defined once)";
      return failure();
    }
  StringRef op = node->op_type();
  bool handled = false;
  if (failed(checkIntegerDtypesAgree(*this, op)))
    return failure();
  if (failed(foldIntegerOp(*this, op, handled)))
    return failure();
  if (!handled && failed(importRecurrentOp(*this, op, handled)))
    return failure();
  if (!handled && failed(importControlFlowOp(*this, op, handled)))
    return failure();
  if (!handled && failed(importSequenceOp(*this, op, handled)))
    return failure();
  if (!handled && failed(importLayerOp(*this, op, handled)))
    return failure();
  if (!handled && failed(importConvOp(*this, op, handled)))
    return failure();
  if (!handled && failed(importReplicationOp(*this, op, handled)))
    return failure();
  if (!handled && failed(importPositionMaskOp(*this, op, handled)))
    return failure();
  if (!handled && failed(importLogicalOp(*this, op, handled)))
    return failure();
  if (!handled && failed(importScatterOp(*this, op, handled)))
    return failure();
  if (!handled && failed(importLossOp(*this, op, handled)))
    return failure();
  if (!handled && failed(importQuantizeOp(*this, op, handled)))
    return failure();
  if (!handled && failed(importIndexingOp(*this, op, handled)))
    return failure();
  if (!handled && failed(importReductionOp(*this, op, handled)))
    return failure();
  if (!handled && failed(importNormPoolOp(*this, op, handled)))
    return failure();
  if (!handled && failed(importElementwiseOp(*this, op, handled)))
    return failure();
  if (!handled && failed(importTensorOp(*this, op, handled)))
    return failure();
  if (!handled && failed(importReshapeOp(*this, op, handled)))
    return failure();
  if (!handled) {
    InFlightDiagnostic diag = nodeError();
    diag << "operator " << op << " is not supported";
    if (StringRef hint = unsupportedOpHint(op); !hint.empty())
      diag << ": " << hint;
    return failure();
  }
  // A size that is a constant but negative (a Reshape to [-5, 2], a Tile
  // by -1, an exporter's garbage) must stop here: every consumer assumes
  // static sizes are >= 0.
  for (int i = 0; i < node->output_size(); ++i) {
    auto it = values.find(node->output(i));
    if (it == values.end())
      continue;
    Type type = it->second.tensor     ? it->second.tensor.getType()
                : it->second.constant ? it->second.constant.getType()
                                      : Type();
    auto ranked = dyn_cast_or_null<RankedTensorType>(type);
    if (!ranked)
      continue;
    for (auto [d, size] : llvm::enumerate(ranked.getShape()))
      if (size < 0 && !ShapedType::isDynamic(size)) {
        nodeError() << "output " << i << " would have size " << size
                    << " in dimension " << d << "; sizes must be >= 0";
        return failure();
      }
  }
  return wrapHeldIntegerOutputs(*this, op);
}

} // namespace seqc::onnx_import
