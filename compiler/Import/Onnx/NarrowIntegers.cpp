//===- NarrowIntegers.cpp - integer dtypes narrower than INT64 ------------===//
//
// seqc computes ONNX's integer dtypes narrower than INT64 (INT32, INT16,
// INT8, UINT32, UINT16, UINT8) in i64 and holds their values in their
// dtype's range: every value carries its ONNX dtype (OnnxValue::heldDtype)
// from where it enters (an INT32 graph input widened on entry, an
// initializer or Constant of such a dtype, a Cast to it), the ops that
// take their output dtype from an input pass it on, and those that can
// leave the range (Add, Mul, Neg, CumSum, ReduceSum, ...) wrap their
// results to it, as ONNX Runtime and PyTorch compute those dtypes
// (two's complement: uint8 250 + 10 is 4, int8 -(-128) is -128).
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace seqc::onnx_import {

int32_t heldIntegerDtype(int32_t dtype) {
  return dtype == onnx::TensorProto::INT32 || narrowIntegerType(dtype) ? dtype
                                                                       : 0;
}

/// The bit width and signedness of a held dtype.
static std::pair<unsigned, bool> heldWidth(int32_t dtype) {
  if (dtype == onnx::TensorProto::INT32)
    return {32u, true};
  return *narrowIntegerType(dtype);
}

/// Ops whose integer outputs hold values of their inputs (moved, selected
/// or compared, never combined into new ones): they pass the dtype on with
/// no wrap.
static bool keepsValues(StringRef op) {
  static const llvm::StringSet<> ops = {"Reshape",
                                        "Flatten",
                                        "Squeeze",
                                        "Unsqueeze",
                                        "Transpose",
                                        "Slice",
                                        "Gather",
                                        "GatherElements",
                                        "GatherND",
                                        "Concat",
                                        "Split",
                                        "Expand",
                                        "Tile",
                                        "Pad",
                                        "Identity",
                                        "Where",
                                        "Max",
                                        "Min",
                                        "ReduceMax",
                                        "ReduceMin",
                                        "Clip",
                                        "Compress",
                                        "ReverseSequence",
                                        "Trilu",
                                        "TopK",
                                        "Resize",
                                        "DepthToSpace",
                                        "SpaceToDepth",
                                        "Dropout",
                                        "Mod",
                                        "BitwiseAnd",
                                        "BitwiseOr",
                                        "BitwiseXor",
                                        "Relu",
                                        "Unique",
                                        "MaxPool",
                                        "SplitToSequence",
                                        "ConcatFromSequence",
                                        "SequenceAt",
                                        "Upsample"};
  return ops.contains(op);
}

/// The dtype a control-flow node's output `i` is declared with by its
/// subgraph (Loop's body output i + 1, after the condition; If's then
/// branch; Scan's body), or 0 when not declared.
static int32_t declaredSubgraphDtype(GraphImporter &g, StringRef op,
                                     unsigned i) {
  const onnx::AttributeProto *body =
      g.attr(op == "If" ? "then_branch" : "body");
  unsigned index = op == "Loop" ? i + 1 : i;
  if (!body || !body->has_g() ||
      static_cast<int>(index) >= body->g().output_size())
    return 0;
  const onnx::TypeProto &type = body->g().output(index).type();
  if (type.has_tensor_type())
    return type.tensor_type().elem_type();
  if (type.has_sequence_type() &&
      type.sequence_type().elem_type().has_tensor_type())
    return type.sequence_type().elem_type().tensor_type().elem_type();
  return 0;
}

/// The held dtype of the node's output `i`: a Cast's or a Constant's own,
/// a Loop's, If's or Scan's as its subgraph declares it, else the input
/// its ONNX type constraint ties it to (input 0 for most ops, Where's X,
/// OneHot's values); 0 when the output is INT64 whatever the inputs (Shape,
/// ArgMax, NonZero, TopK's indices) or its dtype is not held.
static int32_t outputDtype(GraphImporter &g, StringRef op, unsigned i) {
  if (op == "Cast")
    return heldIntegerDtype(static_cast<int32_t>(g.intAttr("to", 0)));
  if (op == "Constant" || op == "ConstantOfShape") {
    const onnx::AttributeProto *value = g.attr("value");
    return value ? heldIntegerDtype(value->t().data_type()) : 0;
  }
  if (op == "Loop" || op == "If" || op == "Scan")
    return heldIntegerDtype(declaredSubgraphDtype(g, op, i));
  // Quantization (QuantizeOps.cpp): QuantizeLinear's output has its zero
  // point's dtype (UINT8 without one), DynamicQuantizeLinear's data and
  // zero point are UINT8, MatMulInteger's accumulators INT32.
  if (op == "QuantizeLinear") {
    const OnnxValue *zeroPoint = g.input(2);
    return zeroPoint && zeroPoint->heldDtype ? zeroPoint->heldDtype
           : zeroPoint                       ? 0
                                             : onnx::TensorProto::UINT8;
  }
  if (op == "DynamicQuantizeLinear")
    return i == 1 ? 0 : onnx::TensorProto::UINT8;
  if (op == "MatMulInteger")
    return onnx::TensorProto::INT32;
  if (op == "QLinearMatMul") {
    const OnnxValue *zeroPoint = g.input(7);
    return zeroPoint ? zeroPoint->heldDtype : 0;
  }
  static const llvm::StringSet<> indexOutputs = {
      "Shape", "Size", "ArgMax", "ArgMin", "NonZero", "SequenceLength"};
  if (indexOutputs.contains(op) || ((op == "TopK" || op == "Unique") && i > 0))
    return 0;
  // (A sequence's elements take the dtype of the tensor inserted.)
  unsigned typed = op == "Where" || op == "CastLike" || op == "SequenceInsert"
                       ? 1
                   : op == "OneHot" ? 2
                                    : 0;
  const OnnxValue *in = g.input(typed);
  return in ? in->heldDtype : 0;
}

/// The ONNX integer dtype of input `i` (INT64 unless it holds a narrower
/// one); 0 when it is absent or not integer data (floats, bools).
static int32_t integerDtype(GraphImporter &g, unsigned i) {
  const OnnxValue *v = g.input(i);
  if (!v)
    return 0;
  if (v->heldDtype)
    return v->heldDtype;
  if (v->elements && !v->boolean)
    return onnx::TensorProto::INT64;
  Type element = v->tensor     ? tensorType(v->tensor).getElementType()
                 : v->constant ? v->constant.getElementType()
                               : Type();
  return element && element.isInteger(64) ? onnx::TensorProto::INT64 : 0;
}

LogicalResult checkIntegerDtypesAgree(GraphImporter &g, StringRef op) {
  // The ops whose inputs share one type (ONNX's constraint T), from the
  // first of them on: Where's X and Y, the rest all of theirs.
  static const llvm::StringSet<> sameType = {"Add",         "Sub",
                                             "Mul",         "Div",
                                             "Mod",         "Max",
                                             "Min",         "Sum",
                                             "Mean",        "Equal",
                                             "Less",        "Greater",
                                             "LessOrEqual", "GreaterOrEqual",
                                             "BitwiseAnd",  "BitwiseOr",
                                             "BitwiseXor",  "BitShift",
                                             "Concat",      "MatMul",
                                             "Gemm",        "Einsum",
                                             "Clip",        "Where"};
  if (!sameType.contains(op))
    return success();
  unsigned first = op == "Where" ? 1 : 0;
  std::optional<std::pair<unsigned, int32_t>> seen;
  for (int i = first; i < g.node->input_size(); ++i) {
    int32_t dtype = integerDtype(g, i);
    if (!dtype)
      continue;
    if (!seen) {
      seen = {i, dtype};
      continue;
    }
    if (dtype != seen->second) {
      g.nodeError() << "integer inputs " << seen->first << " and " << i
                    << " have different dtypes, " << onnxDtypeName(seen->second)
                    << " and " << onnxDtypeName(dtype) << " (" << op
                    << " takes one dtype for them: Cast one to the other's)";
      return failure();
    }
  }
  return success();
}

LogicalResult wrapHeldIntegerOutputs(GraphImporter &g, StringRef op) {
  // (A Cast and a Constant are made in range; a Loop's, If's and Scan's
  // values were wrapped by the subgraph's ops.)
  bool wrap = !keepsValues(op) && op != "Cast" && op != "Constant" &&
              op != "ConstantOfShape" && op != "Loop" && op != "If" &&
              op != "Scan";
  for (unsigned i = 0; i < g.numOutputs(); ++i) {
    if (!g.hasOutput(i))
      continue;
    OnnxValue *v = g.lookup(g.node->output(i));
    if (!v)
      continue;
    // (An op that passes its input through, a Cast to INT64 of i64 data,
    // copied the input's dtype: the output's is its own.)
    int32_t dtype = outputDtype(g, op, i);
    v->heldDtype = 0;
    if (!dtype)
      continue;
    // (Plain locals: a lambda below captures them; C++17 cannot capture
    // structured bindings.)
    auto [heldBits, heldSigned] = heldWidth(dtype);
    unsigned bits = heldBits;
    bool isSigned = heldSigned;
    Type element = v->tensor     ? tensorType(v->tensor).getElementType()
                   : v->constant ? v->constant.getElementType()
                                 : Type();
    // Symbolic shape elements (`Cast(Shape(x), INT32)`) hold the dtype
    // too, but are sizes: not wrapped.
    bool symbolic = !element && v->elements && !v->boolean;
    if (!symbolic && (!element || !element.isInteger(64)))
      continue;
    v->heldDtype = dtype;
    if (!wrap || symbolic)
      continue;
    if (v->constant) {
      SmallVector<int64_t> wrapped;
      for (const APInt &x : v->constant.getValues<APInt>()) {
        APInt narrow = x.trunc(bits);
        wrapped.push_back(isSigned
                              ? narrow.getSExtValue()
                              : static_cast<int64_t>(narrow.getZExtValue()));
      }
      v->constant =
          DenseElementsAttr::get(v->constant.getType(), ArrayRef(wrapped));
      if (v->tensor)
        v->tensor = Value();
      continue;
    }
    if (!v->tensor)
      continue;
    Type i64 = g.builder.getI64Type(), narrow = g.builder.getIntegerType(bits);
    FailureOr<Value> wrapped = buildElementwise(
        g, {v->tensor},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value t = arith::TruncIOp::create(b, l, narrow, a[0]);
          return isSigned ? arith::ExtSIOp::create(b, l, i64, t).getResult()
                          : arith::ExtUIOp::create(b, l, i64, t).getResult();
        },
        i64);
    if (failed(wrapped))
      return failure();
    v->tensor = *wrapped;
  }
  return success();
}

/// The ONNX dtype of a graph input or output (0 for a non-tensor).
static int32_t declaredElemType(const onnx::ValueInfoProto &info) {
  return info.type().has_tensor_type() ? info.type().tensor_type().elem_type()
                                       : 0;
}

LogicalResult widenIntegerInputs(GraphImporter &g,
                                 ArrayRef<const onnx::ValueInfoProto *> args,
                                 Block *body) {
  for (auto [i, in] : llvm::enumerate(args)) {
    Value arg = body->getArgument(i);
    int32_t dtype = declaredElemType(*in);
    if (dtype != onnx::TensorProto::INT32 && dtype != onnx::TensorProto::INT8 &&
        dtype != onnx::TensorProto::UINT8)
      continue;
    Type i64 = g.builder.getI64Type();
    FailureOr<Value> wide = buildElementwise(
        g, {arg},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          if (dtype == onnx::TensorProto::UINT8)
            return arith::ExtUIOp::create(b, l, i64, a[0]);
          return arith::ExtSIOp::create(b, l, i64, a[0]);
        },
        i64);
    if (failed(wide))
      return failure();
    OnnxValue *value = g.lookup(in->name());
    value->tensor = *wide;
    value->heldDtype = dtype;
  }
  return success();
}

FailureOr<Value> narrowIntegerOutput(GraphImporter &g,
                                     const onnx::ValueInfoProto &out, Value v) {
  // An output the graph declares INT32, INT8 or UINT8, held as i64 in its
  // dtype's range, is narrowed back (UINT8's bits, an i8 at the interface
  // that the signature calls u8).
  int32_t dtype = declaredElemType(out);
  unsigned bits =
      dtype == onnx::TensorProto::INT32 ? 32
      : dtype == onnx::TensorProto::INT8 || dtype == onnx::TensorProto::UINT8
          ? 8
          : 0;
  if (!bits || !tensorType(v).getElementType().isInteger(64))
    return v;
  Type narrow = g.builder.getIntegerType(bits);
  return buildElementwise(
      g, {v},
      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        return arith::TruncIOp::create(b, l, narrow, a[0]);
      },
      narrow);
}

} // namespace seqc::onnx_import
