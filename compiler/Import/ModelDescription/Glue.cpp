//===- Glue.cpp - the layers without weights ------------------------------===//
//
// Elementwise arithmetic with numpy broadcasting, concat, softmax,
// log_softmax, the sum / mean / max reductions, last, transpose (the
// positional embeddings are in PositionalLayers.cpp).
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/ModelDescription/Emitter.h"
#include "dialects/Seq/Utils/ActivationUtils.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/FrontEndBuilders.h"
#include "dialects/Seq/Utils/PointwiseMath.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace seqc {
namespace md {

//===----------------------------------------------------------------------===//
// Glue
//===----------------------------------------------------------------------===//

/// bool 0, integers 1, floats 2: torch's categories of types.
static int typeKind(Type t) {
  return isa<FloatType>(t) ? 2 : t.isInteger(1) ? 0 : 1;
}

Type promoteTensorTypes(Builder &b, Type x, bool xZeroDim, Type y,
                        bool yZeroDim) {
  if (xZeroDim == yZeroDim)
    return promoteTensorTypes(b, x, y);
  Type zeroDim = xZeroDim ? x : y, other = xZeroDim ? y : x;
  return typeKind(zeroDim) > typeKind(other) ? zeroDim : other;
}

Type promoteTensorTypes(Builder &b, Type x, Type y) {
  if (x == y)
    return x;
  auto kind = typeKind;
  if (kind(x) != kind(y))
    return kind(x) > kind(y) ? x : y;
  if (x.getIntOrFloatBitWidth() != y.getIntOrFloatBitWidth())
    return x.getIntOrFloatBitWidth() > y.getIntOrFloatBitWidth() ? x : y;
  return b.getF32Type(); // f16 and bf16
}

Type promoteWithScalar(Builder &b, Type tensor, bool floatScalar) {
  if (floatScalar && !isa<FloatType>(tensor))
    return b.getF32Type();
  if (tensor.isInteger(1))
    return b.getI64Type();
  return tensor;
}

/// a + b, a * b, a - b or a / b (`op` add, mul, sub, div) of floats, or
/// the first three of integers (two's complement wrapping, as PyTorch);
/// of bools, add is `or` and mul is `and` (torch's bool arithmetic).
static Value combine(OpBuilder &b, Location l, StringRef op, Value x, Value y) {
  if (getElementTypeOrSelf(x.getType()).isInteger(1))
    return op == "add" ? arith::OrIOp::create(b, l, x, y).getResult()
                       : arith::AndIOp::create(b, l, x, y).getResult();
  if (isa<IntegerType>(getElementTypeOrSelf(x.getType()))) {
    if (op == "add")
      return arith::AddIOp::create(b, l, x, y);
    if (op == "mul")
      return arith::MulIOp::create(b, l, x, y);
    return arith::SubIOp::create(b, l, x, y);
  }
  if (op == "add")
    return arith::AddFOp::create(b, l, x, y);
  if (op == "mul")
    return arith::MulFOp::create(b, l, x, y);
  if (op == "sub")
    return arith::SubFOp::create(b, l, x, y);
  return arith::DivFOp::create(b, l, x, y);
}

Value Emitter::mapElements(
    ArrayRef<Value> ins, ArrayRef<SmallVector<int64_t>> dimMaps,
    ArrayRef<int64_t> outShape, ArrayRef<Value> outDyn, Type resultElt,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  SmallVector<OpFoldResult> sizes;
  const Value *dyn = outDyn.begin();
  for (int64_t size : outShape)
    sizes.push_back(ShapedType::isDynamic(size)
                        ? OpFoldResult(*dyn++)
                        : OpFoldResult(b.getIndexAttr(size)));
  return seq::createMappedGeneric(b, here(), ins, dimMaps, sizes, resultElt,
                                  body);
}

FailureOr<Val> Emitter::mapBroadcast(
    ArrayRef<Val> operands, Type resultElt,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  FailureOr<Broadcast> shape = broadcast(operands);
  if (failed(shape))
    return failure();
  SmallVector<Value> ins;
  for (const Val &v : operands)
    ins.push_back(v.value);
  Val out;
  out.value = mapElements(ins, shape->maps, shape->shape, shape->dynamicSizes,
                          resultElt, body);
  out.dims = shape->dims;
  return out;
}

Value Emitter::elementwise(StringRef op, ArrayRef<Value> ins,
                           ArrayRef<SmallVector<int64_t>> dimMaps,
                           ArrayRef<int64_t> outShape, ArrayRef<Value> outDyn) {
  Type elt = cast<RankedTensorType>(ins[0].getType()).getElementType();
  return mapElements(ins, dimMaps, outShape, outDyn, elt,
                     [&](OpBuilder &nb, Location l, ValueRange args) {
                       Value acc = args[0];
                       for (Value a : args.drop_front())
                         acc = combine(nb, l, op, acc, a);
                       return acc;
                     });
}

FailureOr<Emitter::Broadcast> Emitter::broadcast(ArrayRef<Val> operands,
                                                 bool emitSizes) {
  // numpy broadcasting (seq::planBroadcast, shared with the ONNX
  // importer); in addition a named (dynamic) dimension must not meet a
  // different name, and the result keeps the names.
  SmallVector<RankedTensorType> types;
  for (const Val &v : operands)
    types.push_back(v.type());
  seq::BroadcastClash clash;
  FailureOr<seq::BroadcastPlan> plan = seq::planBroadcast(types, clash);
  int64_t rank = 0;
  for (const Val &v : operands)
    rank = std::max(rank, v.rank());
  auto report = [&](unsigned i, unsigned other, int64_t o) {
    error(current->operands[i].value.pos)
        << current->layer << " cannot broadcast "
        << describe(operands[i], current->operands[i].value.text) << " with "
        << describe(operands[other], current->operands[other].value.text)
        << " (numpy rules, shapes aligned on the right): dimension "
        << o - rank << " differs";
    return failure();
  };
  if (failed(plan))
    return report(clash.operand, clash.other, clash.resultDim);
  Broadcast out;
  out.shape = plan->shape;
  out.maps = plan->maps;
  out.dims.resize(rank);
  SmallVector<int> named(rank, -1); // the operand that named each dimension
  for (auto [i, v] : llvm::enumerate(operands))
    for (int64_t j = 0; j < v.rank(); ++j) {
      int64_t o = rank - v.rank() + j;
      if (v.type().getDimSize(j) == 1 || v.dims[j].empty())
        continue;
      if (named[o] < 0) {
        out.dims[o] = v.dims[j];
        named[o] = i;
      } else if (v.dims[j] != out.dims[o]) {
        return report(i, named[o], o);
      }
    }
  for (int64_t o = 0; emitSizes && o < rank; ++o) {
    if (!ShapedType::isDynamic(out.shape[o]))
      continue;
    auto [source, dim] = plan->source[o];
    out.dynamicSizes.push_back(dimValue(operands[source].value, dim));
  }
  return out;
}

FailureOr<Val> Emitter::emitElementwise(ArrayRef<Val> operands) {
  const Argument *value = keyword("value");
  if ((operands.size() == 1) != (value != nullptr)) {
    error(value ? value->keyPos : current->layerPos)
        << current->layer
        << (current->layer == "add" || current->layer == "mul"
                ? " combines two or more operands"
                : " combines two operands")
        << ", or one operand with value= (the right-hand side)";
    return failure();
  }
  // Floats, integers (i64 / i32: lengths and positions) or bools (a
  // mask times a value). Operands of different types compute as torch's
  // chained operators do: `a + b + c` is `(a + b) + c`, each step in the
  // type torch's promotion gives its two operands (two integers add
  // exactly before meeting a float). torch's `/` of integers is a float
  // division, which `to` makes explicit; `-` of a bool is refused, as by
  // torch.
  StringRef op = current->layer;
  SmallVector<Type> stepTypes; // the accumulated type after each operand
  bool accZeroDim = true;      // whether the operands so far are all 0-d
  for (auto [i, v] : llvm::enumerate(operands)) {
    Type t = v.type().getElementType();
    if (!isa<FloatType, IntegerType>(t)) {
      error(current->operands[i].value.pos)
          << op << " expects float, integer or bool operands; "
          << describe(v, current->operands[i].value.text);
      return failure();
    }
    stepTypes.push_back(i == 0
                            ? t
                            : promoteTensorTypes(b, stepTypes.back(),
                                                 accZeroDim, t, v.rank() == 0));
    accZeroDim = accZeroDim && v.rank() == 0;
  }
  if (value)
    stepTypes.back() = promoteWithScalar(
        b, stepTypes.back(), value->value.kind != Literal::Kind::Int);
  Type elt = stepTypes.back();
  if (op == "div" && !isa<FloatType>(elt)) {
    error(current->operands[0].value.pos)
        << op
        << " expects float operands (torch's / of integers gives floats: "
           "convert them with to(x, dtype=f32))"
        << "; " << describe(operands[0], current->operands[0].value.text);
    return failure();
  }
  for (auto [i, v] : llvm::enumerate(operands))
    if (op == "sub" && v.type().getElementType().isInteger(1)) {
      error(current->operands[i].value.pos)
          << "sub of a bool is refused, as by torch (to invert a mask: "
             "logical_not); "
          << describe(v, current->operands[i].value.text);
      return failure();
    }
  bool integers = isa<IntegerType>(elt);
  if (value) {
    // x op c, both converted to the promoted type.
    const Val &x = operands[0];
    FailureOr<Broadcast> shape = broadcast(operands);
    if (failed(shape))
      return failure();
    double c = value->value.floatValue;
    int64_t ci = value->value.intValue;
    Val out;
    out.value = mapElements(
        {x.value}, shape->maps, shape->shape, shape->dynamicSizes, elt,
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value scalar =
              integers ? arith::ConstantOp::create(
                             nb, l, nb.getIntegerAttr(elt, ci))
                             .getResult()
                       : seq::emitFloatConstant(nb, l, elt, c);
          return combine(nb, l, op, seq::emitCast(nb, l, args[0], elt),
                         scalar);
        });
    out.dims = shape->dims;
    return out;
  }
  if (llvm::any_of(operands, [&](const Val &v) {
        return v.type().getElementType() != elt;
      })) {
    // Left to right, each step's operands converted to that step's type
    // (as .to(dtype)).
    return mapBroadcast(
        operands, elt, [&](OpBuilder &nb, Location l, ValueRange args) {
          Value acc = args[0];
          for (auto [a, t] : llvm::zip(args.drop_front(),
                                       ArrayRef(stepTypes).drop_front()))
            acc = combine(nb, l, op, seq::emitCast(nb, l, acc, t),
                          seq::emitCast(nb, l, a, t));
          return acc;
        });
  }
  bool sameShape = llvm::all_of(
      operands, [&](const Val &v) { return v.type() == operands[0].type(); });
  if (sameShape) { // residual connections: plain arith on tensors
    FailureOr<Broadcast> shape = broadcast(operands, /*emitSizes=*/false);
    if (failed(shape))
      return failure();
    Val acc = operands[0];
    acc.dims = shape->dims;
    for (const Val &v : operands.drop_front())
      acc.value = combine(b, here(), current->layer, acc.value, v.value);
    return acc;
  }
  SmallVector<Value> ins;
  for (const Val &v : operands)
    ins.push_back(v.value);
  FailureOr<Broadcast> shape = broadcast(operands);
  if (failed(shape))
    return failure();
  Val out;
  out.value = elementwise(current->layer, ins, shape->maps, shape->shape,
                          shape->dynamicSizes);
  out.dims = shape->dims;
  return out;
}

FailureOr<Val> Emitter::emitConcat(ArrayRef<Val> operands) {
  int64_t rank = operands[0].rank();
  FailureOr<int64_t> dim = normalizeDim(intKw("dim", -1), rank, "dim");
  if (failed(dim))
    return failure();
  SmallVector<Value> vals;
  for (size_t i = 0; i < operands.size(); ++i) {
    const Val &v = operands[i];
    bool ok = v.rank() == rank &&
              v.type().getElementType() == operands[0].type().getElementType();
    // Sizes agree, and run-time ones are not named apart ([B, T, 6] with
    // [B, S, 6]: T and S are different inputs' lengths).
    for (int64_t d = 0; ok && d < rank; ++d)
      ok = d == *dim ||
           (v.type().getDimSize(d) == operands[0].type().getDimSize(d) &&
            (v.dims[d].empty() || operands[0].dims[d].empty() ||
             v.dims[d] == operands[0].dims[d]));
    if (!ok) {
      error(current->operands[i].value.pos)
          << "concat needs operands of one dtype that agree except in "
             "dimension "
          << *dim << "; "
          << describe(operands[0], current->operands[0].value.text) << ", "
          << describe(v, current->operands[i].value.text);
      return failure();
    }
    vals.push_back(v.value);
  }
  Val out = operands[0];
  out.value = tensor::ConcatOp::create(b, here(), *dim, vals);
  out.dims[*dim] = "";
  return out;
}

FailureOr<Val> Emitter::emitSoftmax(const Val &x) {
  if (failed(expectFloat(x, -1, "a float input")))
    return failure();
  FailureOr<int64_t> dim = normalizeDim(intKw("dim", -1), x.rank(), "dim");
  if (failed(dim))
    return failure();
  SmallVector<Value> dyn;
  for (int64_t d = 0; d < x.rank(); ++d)
    if (x.type().isDynamicDim(d))
      dyn.push_back(dimValue(x.value, d));
  Value init = emptyTensor(x.type().getShape(), dyn, x.type().getElementType());
  Val out = x;
  out.value =
      linalg::SoftmaxOp::create(b, here(), x.type(), x.value, init, *dim)
          .getResult()[0];
  return out;
}

Value Emitter::reduceAlong(Value x, int64_t dim, StringRef kind, Value shift) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> shape;
  SmallVector<Value> dyn;
  SmallVector<AffineExpr> kept;
  for (int64_t d = 0; d < rank; ++d) {
    if (d == dim)
      continue;
    shape.push_back(type.getDimSize(d));
    if (type.isDynamicDim(d))
      dyn.push_back(dimValue(x, d));
    kept.push_back(b.getAffineDimExpr(d));
  }
  Type elt = type.getElementType();
  bool integers = isa<IntegerType>(elt);
  TypedAttr start =
      integers ? TypedAttr(b.getIntegerAttr(
                     elt, kind == "max" ? APInt::getSignedMinValue(
                                              elt.getIntOrFloatBitWidth())
                                        : APInt(elt.getIntOrFloatBitWidth(), 0)))
               : TypedAttr(b.getFloatAttr(
                     elt, kind == "max"
                              ? -std::numeric_limits<double>::infinity()
                              : 0.0));
  Value init =
      linalg::FillOp::create(b, here(),
                             ValueRange{arith::ConstantOp::create(b, here(),
                                                                  start)},
                             ValueRange{emptyTensor(shape, dyn, elt)})
          .getResult(0);
  AffineMap row = AffineMap::get(rank, 0, kept, ctx);
  SmallVector<Value> ins = {x};
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
  if (shift) {
    ins.push_back(shift);
    maps.push_back(row);
  }
  maps.push_back(row);
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  iters[dim] = utils::IteratorType::reduction;
  return linalg::GenericOp::create(
             b, here(), TypeRange{init.getType()}, ins, ValueRange{init}, maps,
             iters,
             [&](OpBuilder &nb, Location l, ValueRange a) {
               Value v = a[0], acc = a.back();
               if (shift) // sum of exp(x - shift)
                 v = math::ExpOp::create(nb, l,
                                         arith::SubFOp::create(nb, l, v, a[1]));
               Value next;
               if (integers) // wrapping, as torch
                 next = kind == "max"
                            ? arith::MaxSIOp::create(nb, l, acc, v).getResult()
                            : arith::AddIOp::create(nb, l, acc, v).getResult();
               else
                 next = kind == "max"
                            ? arith::MaximumFOp::create(nb, l, acc, v).getResult()
                            : arith::AddFOp::create(nb, l, acc, v).getResult();
               linalg::YieldOp::create(nb, l, next);
             })
      .getResult(0);
}

FailureOr<Val> Emitter::emitLogSoftmax(const Val &x) {
  if (failed(expectFloat(x, -1, "a float input")))
    return failure();
  FailureOr<int64_t> dim = normalizeDim(intKw("dim", -1), x.rank(), "dim");
  if (failed(dim))
    return failure();
  // x - m - log(sum(exp(x - m))), m the maximum along dim (PyTorch's
  // log_softmax): no exp overflows, and tiny probabilities keep their
  // logarithm instead of underflowing to log(0).
  Value m = reduceAlong(x.value, *dim, "max");
  Value sum = reduceAlong(x.value, *dim, "sum", m);
  int64_t rank = x.rank();
  SmallVector<AffineExpr> kept;
  for (int64_t d = 0; d < rank; ++d)
    if (d != *dim)
      kept.push_back(b.getAffineDimExpr(d));
  AffineMap row = AffineMap::get(rank, 0, kept, ctx);
  SmallVector<Value> dyn;
  for (int64_t d = 0; d < rank; ++d)
    if (x.type().isDynamicDim(d))
      dyn.push_back(dimValue(x.value, d));
  Value init = emptyTensor(x.type().getShape(), dyn, x.type().getElementType());
  Val out = x;
  out.value =
      linalg::GenericOp::create(
          b, here(), TypeRange{init.getType()}, ValueRange{x.value, m, sum},
          ValueRange{init},
          ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank), row, row,
                              b.getMultiDimIdentityMap(rank)},
          SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
          [&](OpBuilder &nb, Location l, ValueRange a) {
            Value shifted = arith::SubFOp::create(nb, l, a[0], a[1]);
            linalg::YieldOp::create(
                nb, l,
                arith::SubFOp::create(nb, l, shifted,
                                      math::LogOp::create(nb, l, a[2]))
                    .getResult());
          })
          .getResult(0);
  return out;
}

FailureOr<Val> Emitter::emitReduction(const Val &x) {
  // torch.sum of integers or bools sums in i64; torch.amax keeps an
  // integer type; torch.mean needs floats.
  StringRef kind = current->layer;
  Type elt = x.type().getElementType();
  bool ok = kind == "mean" ? isa<FloatType>(elt)
            : kind == "max" ? !elt.isInteger(1)
                            : true;
  if (!ok || x.rank() < 1) {
    error(current->operands[0].value.pos)
        << kind
        << (kind == "mean" ? " expects a float input (torch.mean of integers "
                             "is refused: convert with to(x, dtype=f32))"
            : kind == "max" ? " expects a float or integer input"
                            : " expects an input")
        << " of rank 1 or more; " << describe(x, current->operands[0].value.text);
    return failure();
  }
  FailureOr<int64_t> dim = normalizeDim(intKw("dim", -1), x.rank(), "dim");
  if (failed(dim))
    return failure();
  if (kind == "max" && x.type().getDimSize(*dim) == ShapedType::kDynamic) {
    // torch.amax refuses an empty dimension (it has no maximum). (Static
    // sizes are positive: .seq inputs and weights have no empty ones.)
    Value n = dimValue(x.value, *dim);
    seq::createCheck(
        b, here(),
        arith::CmpIOp::create(b, here(), arith::CmpIPredicate::sgt, n,
                              arith::ConstantIndexOp::create(b, here(), 0)),
        n,
        seq::describeLocation(here()) + ": max over dimension " +
            std::to_string(*dim) + " of '" + current->operands[0].value.text +
            "', which has {} elements (torch.amax refuses an empty one)",
        seq::CheckKind::shape);
  }
  Value source = x.value;
  if (kind == "sum" && isa<IntegerType>(elt) && !elt.isInteger(64)) {
    Type i64 = b.getI64Type();
    FailureOr<Val> wide = mapBroadcast(
        {x}, i64, [&](OpBuilder &nb, Location l, ValueRange a) {
          return seq::emitCast(nb, l, a[0], i64);
        });
    if (failed(wide))
      return failure();
    source = wide->value;
  }
  Value r = reduceAlong(source, *dim, kind == "max" ? "max" : "sum");
  if (kind == "mean") {
    // sum / n; an empty dimension gives NaN, as torch.mean.
    Value n = arith::UIToFPOp::create(
        b, here(), x.type().getElementType(),
        arith::IndexCastOp::create(b, here(), b.getI64Type(),
                                   dimValue(x.value, *dim)));
    auto rt = cast<RankedTensorType>(r.getType());
    SmallVector<Value> dyn;
    for (int64_t d = 0; d < rt.getRank(); ++d)
      if (rt.isDynamicDim(d))
        dyn.push_back(dimValue(r, d));
    Value init = emptyTensor(rt.getShape(), dyn, rt.getElementType());
    AffineMap id = b.getMultiDimIdentityMap(rt.getRank());
    r = linalg::GenericOp::create(
            b, here(), TypeRange{rt}, ValueRange{r}, ValueRange{init},
            ArrayRef<AffineMap>{id, id},
            SmallVector<utils::IteratorType>(rt.getRank(),
                                             utils::IteratorType::parallel),
            [&](OpBuilder &nb, Location l, ValueRange a) {
              linalg::YieldOp::create(
                  nb, l, arith::DivFOp::create(nb, l, a[0], n).getResult());
            })
            .getResult(0);
  }
  Val out;
  out.value = r;
  out.dims = x.dims;
  out.dims.erase(out.dims.begin() + *dim);
  if (boolKw("keepdim", false)) {
    // A unit dimension back in place of the reduced one.
    auto rt = cast<RankedTensorType>(r.getType());
    SmallVector<int64_t> shape(rt.getShape());
    shape.insert(shape.begin() + *dim, 1);
    // Each result dimension is its own group; the unit one joins the
    // group of its left neighbour (or of its right one at the front).
    SmallVector<ReassociationIndices> groups;
    for (int64_t j = 0; j < rt.getRank(); ++j)
      groups.push_back({j < *dim ? j : j + 1});
    if (!groups.empty()) {
      if (*dim == 0)
        groups.front().insert(groups.front().begin(), 0);
      else
        groups[*dim - 1].push_back(*dim);
    }
    SmallVector<OpFoldResult> sizes;
    for (int64_t d = 0, j = 0; d < (int64_t)shape.size(); ++d) {
      if (d == *dim) {
        sizes.push_back(b.getIndexAttr(1));
        continue;
      }
      sizes.push_back(rt.isDynamicDim(j)
                          ? OpFoldResult(dimValue(r, j))
                          : OpFoldResult(b.getIndexAttr(rt.getDimSize(j))));
      ++j;
    }
    out.value = tensor::ExpandShapeOp::create(
        b, here(), RankedTensorType::get(shape, rt.getElementType()), r, groups,
        sizes);
    out.dims.insert(out.dims.begin() + *dim, "");
  }
  return out;
}

FailureOr<Val> Emitter::emitLast(const Val &x) {
  FailureOr<int64_t> dim = normalizeDim(intKw("dim", 0), x.rank(), "dim");
  if (failed(dim))
    return failure();
  // The default follows PyTorch's [time, batch, ...] layout; on a
  // batch-first value it would take the last sequence of the batch.
  if (!keyword("dim") && namesBatchFirst(x))
    mlir::emitWarning(loc(current->operands[0].value.pos))
        << "last takes the last entry of dimension 0 (x[-1], the last step "
           "of a [time, batch, ...] value), but "
        << describe(x, current->operands[0].value.text)
        << " names dimension 0 its batch: add dim=1 for the last time step "
           "(x[:, -1]), or dim=0 to keep this";
  return lastAlong(x, *dim, /*keepDim=*/false);
}

FailureOr<Val> Emitter::lastAlong(const Val &x, int64_t dim, bool keepDim) {
  SmallVector<OpFoldResult> offsets, sizes, strides;
  SmallVector<int64_t> shape;
  Val out;
  for (int64_t d = 0; d < x.rank(); ++d) {
    strides.push_back(b.getIndexAttr(1));
    if (d == dim && !x.type().isDynamicDim(d)) {
      // A static extent needs neither a check nor a computed offset.
      int64_t extent = x.type().getDimSize(d);
      if (extent < 1) {
        error(current->operands[0].value.pos)
            << current->layer << " of "
            << describe(x, current->operands[0].value.text) << ": dimension "
            << d << " is empty";
        return failure();
      }
      offsets.push_back(b.getIndexAttr(extent - 1));
      sizes.push_back(b.getIndexAttr(1));
      if (keepDim) {
        shape.push_back(1);
        out.dims.push_back("");
      }
      continue;
    }
    if (d == dim) {
      Value size = dimValue(x.value, d);
      Value one = arith::ConstantIndexOp::create(b, here(), 1);
      // PyTorch's x[-1] on an empty dimension is an IndexError.
      seq::createCheck(b, here(),
                       arith::CmpIOp::create(
                           b, here(), arith::CmpIPredicate::sge, size, one),
                       size,
                       current->layer + " at " + seq::describeLocation(here()) +
                           ": " + describe(x, current->operands[0].value.text) +
                           ", whose dimension " + std::to_string(d) +
                           " has {} entries; the last one needs at least one",
                       seq::CheckKind::shape);
      offsets.push_back(
          arith::SubIOp::create(b, here(), size, one).getResult());
      sizes.push_back(b.getIndexAttr(1));
      if (keepDim) {
        shape.push_back(1);
        out.dims.push_back("");
      }
      continue;
    }
    offsets.push_back(b.getIndexAttr(0));
    sizes.push_back(dimFold(x.value, d));
    shape.push_back(x.type().getDimSize(d));
    out.dims.push_back(x.dims[d]);
  }
  auto type = RankedTensorType::get(shape, x.type().getElementType());
  out.value = tensor::ExtractSliceOp::create(b, here(), type, x.value, offsets,
                                             sizes, strides);
  return out;
}

FailureOr<Val> Emitter::emitTranspose(const Val &x) {
  FailureOr<int64_t> d0 = normalizeDim(intKw("dim0", 0), x.rank(), "dim0");
  if (failed(d0))
    return failure();
  FailureOr<int64_t> d1 = normalizeDim(intKw("dim1", 0), x.rank(), "dim1");
  if (failed(d1))
    return failure();
  SmallVector<int64_t> perm;
  for (int64_t d = 0; d < x.rank(); ++d)
    perm.push_back(d);
  std::swap(perm[*d0], perm[*d1]);
  return transpose(x, perm);
}

FailureOr<Val> Emitter::emitPermute(const Val &x) {
  const Argument *kw = keyword("dims");
  SmallVector<int64_t> perm;
  SmallVector<bool> seen(x.rank(), false);
  for (const Literal &item : kw->value.items) {
    int64_t d = item.intValue;
    bool ok = item.kind == Literal::Kind::Int && d >= -x.rank() && d < x.rank();
    if (ok && d < 0)
      d += x.rank();
    if (!ok || seen[d]) {
      error(item.pos) << "permute needs dims=[...] to order all " << x.rank()
                      << " dimensions of the operand once each (like "
                      << "torch.permute); found '" << item.text << "' in "
                      << kw->value.text;
      return failure();
    }
    seen[d] = true;
    perm.push_back(d);
  }
  if ((int64_t)perm.size() != x.rank()) {
    error(kw->value.pos) << "permute needs dims=[...] to order all " << x.rank()
                         << " dimensions of the operand; " << kw->value.text
                         << " has " << perm.size();
    return failure();
  }
  return transpose(x, perm);
}

/// A reshape that keeps the operand's run-time dimensions, in order, each
/// as one output dimension, and only regroups the fixed sizes between them
/// (heads split off the features: [T, B, 6] -> [T, B, 2, 3]), as a
/// collapse_shape of each run of fixed sizes into one and an expand_shape
/// into the output's: ops a step function follows per time step, where
/// tensor.reshape is opaque. Null for any other reshape. `sourceDims[i]`:
/// the operand dimension output dimension i names, or -1.
static Value regroupFixedDims(OpBuilder &b, Location loc, Value x,
                              RankedTensorType outType,
                              ArrayRef<int64_t> sourceDims,
                              ArrayRef<Value> sizes) {
  auto inType = cast<RankedTensorType>(x.getType());
  // Groups: each run-time dimension alone, each run of fixed ones together;
  // keys: the operand dimension of a run-time group (-1 - product for a
  // fixed run, distinct from any dimension).
  auto groupsOf = [](RankedTensorType type, auto sourceOf,
                     SmallVector<ReassociationIndices> &groups,
                     SmallVector<int64_t> &keys) {
    bool inFixedRun = false;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (type.isDynamicDim(d)) {
        int64_t source = sourceOf(d);
        if (source < 0)
          return false;
        groups.push_back({d});
        keys.push_back(source);
        inFixedRun = false;
        continue;
      }
      if (!inFixedRun) {
        groups.emplace_back();
        keys.push_back(-1);
        inFixedRun = true;
      }
      groups.back().push_back(d);
      keys.back() *= type.getDimSize(d);
      if (keys.back() >= 0 || keys.back() < -(int64_t(1) << 62))
        return false; // a size of 0, or one past any tensor
    }
    return true;
  };
  SmallVector<ReassociationIndices> inGroups, outGroups;
  SmallVector<int64_t> inKeys, outKeys;
  if (inType.getRank() == 0 || outType.getRank() == 0 ||
      !groupsOf(
          inType, [](int64_t d) { return d; }, inGroups, inKeys) ||
      !groupsOf(
          outType, [&](int64_t d) { return sourceDims[d]; }, outGroups,
          outKeys) ||
      inKeys != outKeys)
    return Value();
  SmallVector<int64_t> common;
  for (int64_t key : inKeys)
    common.push_back(key >= 0 ? ShapedType::kDynamic : -key);
  Value v = x;
  if (inGroups.size() != static_cast<size_t>(inType.getRank()))
    v = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get(common, inType.getElementType()), v,
        inGroups);
  if (outGroups.size() != static_cast<size_t>(outType.getRank())) {
    SmallVector<OpFoldResult> outSizes;
    for (auto [d, size] : llvm::enumerate(sizes))
      outSizes.push_back(outType.isDynamicDim(d) ? OpFoldResult(size)
                                                 : OpFoldResult(b.getIndexAttr(
                                                       outType.getDimSize(d))));
    v = tensor::ExpandShapeOp::create(b, loc, outType, v, outGroups, outSizes);
  }
  return v;
}

FailureOr<Val> Emitter::emitReshape(const Val &x) {
  // shape=[...]: a fixed size, a dimension name of the operand (its size,
  // kept dynamic and named) or -1 (the rest, at most once).
  const Argument *kw = keyword("shape");
  SmallVector<int64_t> shape;
  SmallVector<std::string> dims;
  SmallVector<Value> sizes;
  // The operand dimension each output dimension names, -1 for the others.
  SmallVector<int64_t> sourceDims;
  int64_t inferred = -1, fixedOut = 1;
  llvm::StringSet<> usedNames;
  for (const Literal &item : kw->value.items) {
    if (item.kind == Literal::Kind::Ident) {
      auto it = llvm::find(x.dims, item.text);
      if (it == x.dims.end() || !usedNames.insert(item.text).second) {
        error(item.pos) << "'" << item.text << "' is not a dimension name of "
                        << describe(x, current->operands[0].value.text)
                        << (it == x.dims.end() ? "" : " left to use");
        return failure();
      }
      int64_t d = it - x.dims.begin();
      shape.push_back(x.type().getDimSize(d));
      dims.push_back(item.text);
      sizes.push_back(dimValue(x.value, d));
      sourceDims.push_back(d);
      continue;
    }
    if (item.intValue == -1 && inferred < 0) {
      inferred = shape.size();
      shape.push_back(ShapedType::kDynamic);
      dims.push_back("");
      sizes.push_back(Value());
      sourceDims.push_back(-1);
      continue;
    }
    if (item.intValue < 1) {
      error(item.pos) << "reshape sizes are positive, a dimension name or "
                      << "one -1; found '" << item.text << "' in "
                      << kw->value.text;
      return failure();
    }
    // Sizes whose product passes 2^63 cannot keep any tensor's elements
    // (and would wrap in the element-count arithmetic below).
    if (llvm::MulOverflow(fixedOut, item.intValue, fixedOut)) {
      error(kw->value.pos) << "reshape to " << kw->value.text
                           << ": the sizes multiply past 2^63 elements";
      return failure();
    }
    shape.push_back(item.intValue);
    dims.push_back("");
    sizes.push_back(arith::ConstantIndexOp::create(b, here(), item.intValue));
    sourceDims.push_back(-1);
  }
  // The operand's elements not covered by a named dimension: fixed sizes
  // and unnamed dynamic ones.
  int64_t fixedIn = 1;
  bool dynamicRest = false;
  for (int64_t d = 0; d < x.rank(); ++d) {
    if (!x.dims[d].empty() && usedNames.contains(x.dims[d]))
      continue;
    if (x.type().isDynamicDim(d))
      dynamicRest = true;
    else if (llvm::MulOverflow(fixedIn, x.type().getDimSize(d), fixedIn)) {
      error(kw->value.pos) << "reshape of "
                           << describe(x, current->operands[0].value.text)
                           << ": its sizes multiply past 2^63 elements";
      return failure();
    }
  }
  bool ok = inferred >= 0 ? dynamicRest || fixedIn % fixedOut == 0
                          : !dynamicRest && fixedIn == fixedOut;
  if (!ok) {
    error(kw->value.pos) << "reshape to " << kw->value.text << " does not "
                         << "keep the elements of "
                         << describe(x, current->operands[0].value.text)
                         << (dynamicRest && inferred < 0
                                 ? " (a dynamic dimension needs its name or -1)"
                                 : "");
    return failure();
  }
  if (inferred >= 0) {
    if (!dynamicRest) {
      shape[inferred] = fixedIn / fixedOut;
      sizes[inferred] =
          arith::ConstantIndexOp::create(b, here(), shape[inferred]);
    } else {
      Value total = arith::ConstantIndexOp::create(b, here(), 1);
      for (int64_t d = 0; d < x.rank(); ++d)
        total = arith::MulIOp::create(b, here(), total, dimValue(x.value, d));
      Value known = arith::ConstantIndexOp::create(b, here(), 1);
      for (auto [i, v] : llvm::enumerate(sizes))
        if ((int64_t)i != inferred)
          known = arith::MulIOp::create(b, here(), known, v);
      // PyTorch rejects a -1 that is ambiguous (other sizes multiply to 0)
      // or does not divide the element count; so does the run.
      Value zero = arith::ConstantIndexOp::create(b, here(), 0);
      Value one = arith::ConstantIndexOp::create(b, here(), 1);
      Value knownIsZero = arith::CmpIOp::create(
          b, here(), arith::CmpIPredicate::eq, known, zero);
      Value divisor =
          arith::SelectOp::create(b, here(), knownIsZero, one, known);
      Value divides = arith::CmpIOp::create(
          b, here(), arith::CmpIPredicate::eq,
          arith::RemUIOp::create(b, here(), total, divisor), zero);
      seq::createCheck(
          b, here(),
          arith::AndIOp::create(
              b, here(), divides,
              arith::XOrIOp::create(
                  b, here(), knownIsZero,
                  arith::ConstantIntOp::create(b, here(), 1, 1))),
          total,
          "reshape at " + seq::describeLocation(here()) + ": " +
              describe(x, current->operands[0].value.text) + " has {} " +
              "elements, which the sizes " + kw->value.text +
              " do not divide (or they multiply to 0, leaving -1 ambiguous)",
          seq::CheckKind::shape);
      sizes[inferred] = arith::DivUIOp::create(b, here(), total, divisor);
    }
  }
  Val out;
  out.dims = dims;
  auto outType = RankedTensorType::get(shape, x.type().getElementType());
  if (Value regrouped =
          regroupFixedDims(b, here(), x.value, outType, sourceDims, sizes)) {
    out.value = regrouped;
    return out;
  }
  // An explicit type: with no sizes (a reshape to a scalar) there is no
  // element to infer it from.
  Value shapeTensor = tensor::FromElementsOp::create(
      b, here(),
      RankedTensorType::get({(int64_t)sizes.size()}, b.getIndexType()), sizes);
  out.value =
      tensor::ReshapeOp::create(b, here(), outType, x.value, shapeTensor);
  return out;
}

} // namespace md
} // namespace seqc
