//===- NormPoolOps.cpp - ONNX normalization and pooling layers ------------===//
//
// The layers of convolutional front ends and conformer-style blocks that
// PyTorch exports as their own ONNX operators: BatchNormalization (inference
// form, running statistics), InstanceNormalization (also how nn.GroupNorm
// exports), MaxPool / AveragePool over time ([B, C, T]) or over [H, W]
// ([B, C, H, W], as two 1-D passes), GlobalAveragePool
// / GlobalMaxPool and Resize over time (F.interpolate). Formulas are the
// ONNX operator documentation's (onnx.ai/onnx/operators); window sizes,
// ceil_mode and the average's divisor follow PyTorch's pooling kernels,
// which ONNX Runtime matches.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <limits>

using namespace mlir;
using namespace seqc;

namespace seqc::onnx_import {
namespace {

Value f32Constant(OpBuilder &b, Location loc, double v) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
}

Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// Checks that the per-channel parameter input `i` is a vector of x's
/// channel count (dimension 1); a channel count known only at run time is
/// checked then.
Value channelParameter(GraphImporter &g, Value x, unsigned i, StringRef name) {
  Value p = floatInput(g, i);
  if (!p)
    return Value();
  RankedTensorType pt = tensorType(p);
  if (pt.getRank() != 1 || pt.isDynamicDim(0)) {
    g.nodeError() << name << " (input " << i
                  << ") must be a vector of static size C, found "
                  << p.getType();
    return Value();
  }
  int64_t c = tensorType(x).getDimSize(1);
  if (!ShapedType::isDynamic(c)) {
    if (c != pt.getDimSize(0)) {
      g.nodeError() << name << " (input " << i << ") has " << pt.getDimSize(0)
                    << " entries, but the input has " << c << " channels";
      return Value();
    }
    return p;
  }
  Value channels = g.indexValue(g.dimSize(x, 1));
  Value ok = arith::CmpIOp::create(
      g.builder, g.loc, arith::CmpIPredicate::eq, channels,
      indexConstant(g.builder, g.loc, pt.getDimSize(0)));
  seq::createCheck(g.builder, g.loc, ok, channels,
                   seq::describeLocation(g.loc) + ": " + name.str() + " has " +
                       std::to_string(pt.getDimSize(0)) +
                       " entries, but the input has {} channels",
                   seq::CheckKind::shape);
  return p;
}

/// The input of a normalization or pooling node: f32, rank >= `minRank`
/// ([N, C, spatial...]).
Value layerInput(GraphImporter &g, int64_t minRank) {
  Value x = floatInput(g, 0);
  if (x && tensorType(x).getRank() < minRank) {
    g.nodeError() << "the input must have rank " << minRank
                  << " or more ([N, C, ...]), found " << x.getType();
    return Value();
  }
  return x;
}

/// y = (x - mean) / sqrt(var + epsilon) * scale + B per channel (dimension
/// 1), with the running statistics of a model in eval mode.
LogicalResult importBatchNorm(GraphImporter &g) {
  if (failed(g.checkAttrs({"epsilon", "momentum", "training_mode"})))
    return failure();
  if (g.intAttr("training_mode", 0) != 0 || g.hasOutput(1) || g.hasOutput(2)) {
    g.nodeError() << "training mode (batch statistics, running mean and "
                     "variance outputs) is not supported; export the model "
                     "in eval mode";
    return failure();
  }
  Value x = layerInput(g, 2);
  if (!x)
    return failure();
  SmallVector<Value> operands = {x};
  const char *names[] = {"scale", "B", "input_mean", "input_var"};
  for (unsigned i = 1; i <= 4; ++i) {
    Value p = channelParameter(g, x, i, names[i - 1]);
    if (!p)
      return failure();
    operands.push_back(p);
  }
  double epsilon = g.floatAttr("epsilon").value_or(1e-5f);
  int64_t rank = tensorType(x).getRank();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, g.context);
  AffineMap channel =
      AffineMap::get(rank, 0, g.builder.getAffineDimExpr(1), g.context);
  Value init = seq::createEmptyTensor(g.builder, g.loc, shapeOf(g, x),
                                      g.builder.getF32Type());
  auto generic = linalg::GenericOp::create(
      g.builder, g.loc, TypeRange{init.getType()}, operands, ValueRange{init},
      ArrayRef<AffineMap>{identity, channel, channel, channel, channel,
                          identity},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &b, Location l, ValueRange a) {
        Value invStd = math::RsqrtOp::create(
            b, l,
            arith::AddFOp::create(b, l, a[4], f32Constant(b, l, epsilon)));
        Value alpha = arith::MulFOp::create(b, l, a[1], invStd);
        Value centered = arith::SubFOp::create(b, l, a[0], a[3]);
        linalg::YieldOp::create(
            b, l,
            arith::AddFOp::create(
                b, l, arith::MulFOp::create(b, l, centered, alpha), a[2])
                .getResult());
      });
  g.setOutput(0, generic.getResult(0));
  return success();
}

/// Sum (or max) of x [N, C, spatial...] over the spatial dimensions: [N, C].
Value reduceSpatial(
    GraphImporter &g, Value x, bool isMax, ValueRange extraInputs = {},
    function_ref<Value(OpBuilder &, Location, ValueRange)> element = nullptr) {
  int64_t rank = tensorType(x).getRank();
  SmallVector<OpFoldResult> sizes = shapeOf(g, x);
  Value init = seq::createEmptyTensor(g.builder, g.loc, {sizes[0], sizes[1]},
                                      g.builder.getF32Type());
  double start = isMax ? -std::numeric_limits<double>::infinity() : 0.0;
  init = linalg::FillOp::create(
             g.builder, g.loc, ValueRange{f32Constant(g.builder, g.loc, start)},
             ValueRange{init})
             .getResult(0);
  AffineMap rows = AffineMap::get(
      rank, 0, {g.builder.getAffineDimExpr(0), g.builder.getAffineDimExpr(1)},
      g.context);
  SmallVector<Value> inputs = {x};
  SmallVector<AffineMap> maps = {
      AffineMap::getMultiDimIdentityMap(rank, g.context)};
  for (Value extra : extraInputs) {
    inputs.push_back(extra);
    maps.push_back(rows);
  }
  maps.push_back(rows);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::reduction);
  iterators[0] = iterators[1] = utils::IteratorType::parallel;
  return linalg::GenericOp::create(
             g.builder, g.loc, TypeRange{init.getType()}, inputs,
             ValueRange{init}, maps, iterators,
             [&](OpBuilder &b, Location l, ValueRange a) {
               Value v = element ? element(b, l, a.drop_back()) : a[0];
               Value acc = a.back();
               linalg::YieldOp::create(
                   b, l,
                   isMax ? arith::MaximumFOp::create(b, l, acc, v).getResult()
                         : arith::AddFOp::create(b, l, acc, v).getResult());
             })
      .getResult(0);
}

/// The number of spatial elements of x [N, C, spatial...] as an f32.
Value spatialCount(GraphImporter &g, Value x) {
  Value count = indexConstant(g.builder, g.loc, 1);
  for (int64_t d = 2; d < tensorType(x).getRank(); ++d)
    count = arith::MulIOp::create(g.builder, g.loc, count,
                                  g.indexValue(g.dimSize(x, d)));
  return arith::UIToFPOp::create(
      g.builder, g.loc, g.builder.getF32Type(),
      arith::IndexCastOp::create(g.builder, g.loc, g.builder.getI64Type(),
                                 count));
}

/// [N, C] statistics `stats` broadcast against x [N, C, spatial...] in an
/// elementwise generic producing x's shape.
Value perInstance(GraphImporter &g, Value x, ValueRange stats,
                  ValueRange channelParams,
                  function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = tensorType(x).getRank();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, g.context);
  AffineMap rows = AffineMap::get(
      rank, 0, {g.builder.getAffineDimExpr(0), g.builder.getAffineDimExpr(1)},
      g.context);
  AffineMap channel =
      AffineMap::get(rank, 0, g.builder.getAffineDimExpr(1), g.context);
  SmallVector<Value> inputs = {x};
  SmallVector<AffineMap> maps = {identity};
  for (Value s : stats) {
    inputs.push_back(s);
    maps.push_back(rows);
  }
  for (Value p : channelParams) {
    inputs.push_back(p);
    maps.push_back(channel);
  }
  maps.push_back(identity);
  Value init = seq::createEmptyTensor(g.builder, g.loc, shapeOf(g, x),
                                      g.builder.getF32Type());
  return linalg::GenericOp::create(
             g.builder, g.loc, TypeRange{init.getType()}, inputs,
             ValueRange{init}, maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &b, Location l, ValueRange a) {
               linalg::YieldOp::create(b, l, body(b, l, a.drop_back()));
             })
      .getResult(0);
}

/// y = scale * (x - mean) / sqrt(var + epsilon) + B with mean and (biased)
/// variance of each instance and channel over the spatial dimensions.
LogicalResult importInstanceNorm(GraphImporter &g) {
  if (failed(g.checkAttrs({"epsilon"})))
    return failure();
  Value x = layerInput(g, 3);
  if (!x)
    return failure();
  Value scale = channelParameter(g, x, 1, "scale");
  Value bias = scale ? channelParameter(g, x, 2, "B") : Value();
  if (!bias)
    return failure();
  double epsilon = g.floatAttr("epsilon").value_or(1e-5f);
  Value count = spatialCount(g, x);
  // The corrected two-pass algorithm (Chan, Golub and LeVeque 1983): a
  // first mean m1, then the sums of d = x - m1 and of d^2, mean = m1 +
  // sum(d) / n and var = (sum(d^2) - sum(d)^2 / n) / n. Data far from 0
  // (a sensor's raw values, 1e4 +- 1) lose m1's rounding error in f32's
  // plain sum (four times PyTorch's error at 1e4); the residuals' sums do
  // not.
  auto divide = [&](OpBuilder &b, Location l, ValueRange a) {
    return arith::DivFOp::create(b, l, a[0], count).getResult();
  };
  Value first =
      perInstance(g, reduceSpatial(g, x, /*isMax=*/false), {}, {}, divide);
  Value residuals = reduceSpatial(
      g, x, /*isMax=*/false, {first},
      [](OpBuilder &b, Location l, ValueRange a) {
        return arith::SubFOp::create(b, l, a[0], a[1]).getResult();
      });
  Value squares =
      reduceSpatial(g, x, /*isMax=*/false, {first},
                    [](OpBuilder &b, Location l, ValueRange a) {
                      Value d = arith::SubFOp::create(b, l, a[0], a[1]);
                      return arith::MulFOp::create(b, l, d, d).getResult();
                    });
  Value shift = perInstance(g, residuals, {}, {}, divide);
  Value mean = perInstance(
      g, first, {shift}, {}, [](OpBuilder &b, Location l, ValueRange a) {
        return arith::AddFOp::create(b, l, a[0], a[1]).getResult();
      });
  // sum(d^2) - sum(d) * shift: the squares about the corrected mean.
  Value centered = perInstance(
      g, squares, {residuals, shift}, {},
      [](OpBuilder &b, Location l, ValueRange a) {
        return arith::SubFOp::create(b, l, a[0],
                                     arith::MulFOp::create(b, l, a[1], a[2]))
            .getResult();
      });
  g.setOutput(
      0,
      perInstance(
          g, x, {mean, centered}, {scale, bias},
          [&](OpBuilder &b, Location l, ValueRange a) {
            Value var = arith::DivFOp::create(b, l, a[2], count);
            Value invStd = math::RsqrtOp::create(
                b, l,
                arith::AddFOp::create(b, l, var, f32Constant(b, l, epsilon)));
            Value centered = arith::SubFOp::create(b, l, a[0], a[1]);
            Value scaled = arith::MulFOp::create(
                b, l, a[3], arith::MulFOp::create(b, l, centered, invStd));
            return arith::AddFOp::create(b, l, scaled, a[4]).getResult();
          }));
  return success();
}

/// GlobalAveragePool / GlobalMaxPool: [N, C, spatial...] -> [N, C, 1...].
LogicalResult importGlobalPool(GraphImporter &g, bool isMax) {
  if (failed(g.checkAttrs({})))
    return failure();
  Value x = layerInput(g, 3);
  if (!x)
    return failure();
  Value r = reduceSpatial(g, x, isMax);
  if (!isMax) {
    Value count = spatialCount(g, x);
    r = perInstance(g, r, {}, {}, [&](OpBuilder &b, Location l, ValueRange a) {
      return arith::DivFOp::create(b, l, a[0], count).getResult();
    });
  }
  int64_t rank = tensorType(x).getRank();
  SmallVector<OpFoldResult> sizes = shapeOf(g, x);
  sizes.resize(2);
  SmallVector<ReassociationIndices> groups = {{0}, {1}};
  for (int64_t d = 2; d < rank; ++d) {
    sizes.push_back(g.builder.getIndexAttr(1));
    groups.back().push_back(d);
  }
  auto type =
      RankedTensorType::get(seq::getStaticShape(sizes), g.builder.getF32Type());
  g.setOutput(
      0, tensor::ExpandShapeOp::create(g.builder, g.loc, type, r, groups, sizes)
             .getResult());
  return success();
}

/// One axis of a pooling window (ONNX's kernel_shape, strides, dilations
/// and pads along it).
struct PoolWindow {
  int64_t kernel, stride, dilation, padBegin, padEnd;
};

/// MaxPool / AveragePool of the last dimension of x [N, C, T] -> [N, C,
/// Tout] with Tout = floor_or_ceil((T + pad_l + pad_r - dilation * (K - 1)
/// - 1) / stride) + 1; with ceil_mode a window that would start past the
/// input and its left padding is dropped (PyTorch's rule). Padding never
/// wins a max; the average divides by the window's elements inside the
/// input, or (count_include_pad) inside the padded input.
FailureOr<Value> poolLastAxis(GraphImporter &g, Value x, PoolWindow w,
                              bool isMax, bool ceilMode, bool includePad) {
  int64_t pl = w.padBegin, pr = w.padEnd, s = w.stride, d = w.dilation;
  int64_t window = d * (w.kernel - 1) + 1;
  if (pl >= window || pr >= window) {
    // PyTorch: "pad should be at most half of effective kernel size".
    g.nodeError() << "pads " << pl << ", " << pr
                  << " must be smaller than the window (" << window << ")";
    return failure();
  }

  // Tout, folded when T is static.
  OpBuilder &b = g.builder;
  Location loc = g.loc;
  Value t = g.indexValue(g.dimSize(x, 2));
  Value span = arith::SubIOp::create(
      b, loc, arith::AddIOp::create(b, loc, t, indexConstant(b, loc, pl + pr)),
      indexConstant(b, loc, window));
  // With ceil_mode a last window that only starts inside the padded input
  // counts (ONNX and PyTorch: ceil(span / stride) + 1 outputs), so a window
  // up to stride - 1 longer than it still gives one output.
  int64_t slack = ceilMode ? s - 1 : 0;
  Value spanOk = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::sge,
      arith::AddIOp::create(b, loc, span, indexConstant(b, loc, slack)),
      indexConstant(b, loc, 0));
  std::optional<int64_t> staticT = getConstantIntValue(g.dimSize(x, 2));
  if (staticT && *staticT + pl + pr + slack < window) {
    g.nodeError() << "the window (" << window << ") is longer than the "
                  << "padded input (" << *staticT + pl + pr << ")";
    return failure();
  }
  if (!staticT)
    seq::createCheck(b, loc, spanOk, t,
                     seq::describeLocation(loc) + ": the window (" +
                         std::to_string(window) +
                         ") is longer than the padded input (T = {} plus " +
                         std::to_string(pl + pr) + " steps of padding)",
                     seq::CheckKind::shape);
  Value rounded = ceilMode ? arith::AddIOp::create(b, loc, span,
                                                   indexConstant(b, loc, s - 1))
                                 .getResult()
                           : span;
  Value tout = arith::AddIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, rounded, indexConstant(b, loc, s)),
      indexConstant(b, loc, 1));
  if (ceilMode) {
    Value lastStart = arith::MulIOp::create(
        b, loc, arith::SubIOp::create(b, loc, tout, indexConstant(b, loc, 1)),
        indexConstant(b, loc, s));
    Value pastEnd = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::sge, lastStart,
        arith::AddIOp::create(b, loc, t, indexConstant(b, loc, pl)));
    tout = arith::SelectOp::create(
        b, loc, pastEnd,
        arith::SubIOp::create(b, loc, tout, indexConstant(b, loc, 1)), tout);
  }
  OpFoldResult toutSize = tout;
  if (staticT) {
    int64_t sp = *staticT + pl + pr - window;
    int64_t n = (ceilMode ? sp + s - 1 : sp) / s + 1;
    if (ceilMode && (n - 1) * s >= *staticT + pl)
      --n;
    toutSize = b.getIndexAttr(n);
  }
  SmallVector<OpFoldResult> sizes = shapeOf(g, x);
  sizes[2] = toutSize;

  // One generic over (n, c, t, j): j walks the window, reading x at
  // t * stride - pad_l + j * dilation when that is inside the input.
  Value init = seq::createEmptyTensor(b, loc, sizes, g.builder.getF32Type());
  double start = isMax ? -std::numeric_limits<double>::infinity() : 0.0;
  init = linalg::FillOp::create(b, loc, ValueRange{f32Constant(b, loc, start)},
                                ValueRange{init})
             .getResult(0);
  Value windowInit = seq::createEmptyTensor(b, loc, {b.getIndexAttr(w.kernel)},
                                            g.builder.getF32Type());
  auto outMap = AffineMap::get(
      4, 0,
      {b.getAffineDimExpr(0), b.getAffineDimExpr(1), b.getAffineDimExpr(2)},
      g.context);
  auto windowMap = AffineMap::get(4, 0, {b.getAffineDimExpr(3)}, g.context);
  using It = utils::IteratorType;
  Value pooled =
      linalg::GenericOp::create(
          b, loc, TypeRange{init.getType()}, ValueRange{windowInit},
          ValueRange{init}, ArrayRef<AffineMap>{windowMap, outMap},
          ArrayRef<It>{It::parallel, It::parallel, It::parallel, It::reduction},
          [&](OpBuilder &ib, Location l, ValueRange a) {
            auto cst = [&](int64_t v) { return indexConstant(ib, l, v); };
            Value n = linalg::IndexOp::create(ib, l, 0);
            Value c = linalg::IndexOp::create(ib, l, 1);
            Value ot = linalg::IndexOp::create(ib, l, 2);
            Value j = linalg::IndexOp::create(ib, l, 3);
            Value pos = arith::AddIOp::create(
                ib, l,
                arith::SubIOp::create(
                    ib, l, arith::MulIOp::create(ib, l, ot, cst(s)), cst(pl)),
                arith::MulIOp::create(ib, l, j, cst(d)));
            Value inside = arith::AndIOp::create(
                ib, l,
                arith::CmpIOp::create(ib, l, arith::CmpIPredicate::sge, pos,
                                      cst(0)),
                arith::CmpIOp::create(ib, l, arith::CmpIPredicate::slt, pos,
                                      t));
            Value clamped = arith::SelectOp::create(ib, l, inside, pos, cst(0));
            Value v =
                tensor::ExtractOp::create(ib, l, x, ValueRange{n, c, clamped});
            Value acc = a[1];
            Value next =
                isMax ? arith::MaximumFOp::create(ib, l, acc, v).getResult()
                      : arith::AddFOp::create(ib, l, acc, v).getResult();
            linalg::YieldOp::create(
                ib, l,
                arith::SelectOp::create(ib, l, inside, next, acc).getResult());
          })
          .getResult(0);
  if (isMax)
    return pooled;
  // The divisor of output step t: the window's taps first + j * dilation
  // (j in [0, K), first = t * stride - pad_l) inside the padded input, or
  // (unless count_include_pad) inside the input: j from ceil((lo - first) /
  // dilation) to ceil((hi - first) / dilation), clipped to [0, K). A
  // dilated window whose taps all fall in the padding (count_include_pad
  // off) averages nothing: NaN, as in ONNX's reference implementation.
  Value out = seq::createEmptyTensor(b, loc, sizes, g.builder.getF32Type());
  AffineMap identity = AffineMap::getMultiDimIdentityMap(3, g.context);
  return linalg::GenericOp::create(
             b, loc, TypeRange{out.getType()}, ValueRange{pooled},
             ValueRange{out}, ArrayRef<AffineMap>{identity, identity},
             ArrayRef<It>{It::parallel, It::parallel, It::parallel},
             [&](OpBuilder &ib, Location l, ValueRange a) {
               auto cst = [&](int64_t v) { return indexConstant(ib, l, v); };
               Value ot = linalg::IndexOp::create(ib, l, 2);
               Value first = arith::SubIOp::create(
                   ib, l, arith::MulIOp::create(ib, l, ot, cst(s)), cst(pl));
               Value lo = includePad ? cst(-pl) : cst(0);
               Value hi =
                   includePad
                       ? arith::AddIOp::create(ib, l, t, cst(pr)).getResult()
                       : t;
               auto taps = [&](Value bound) -> Value {
                 return arith::CeilDivSIOp::create(
                     ib, l, arith::SubIOp::create(ib, l, bound, first), cst(d));
               };
               Value jBegin = arith::MaxSIOp::create(ib, l, taps(lo), cst(0));
               Value jEnd =
                   arith::MinSIOp::create(ib, l, taps(hi), cst(w.kernel));
               Value count = arith::MaxSIOp::create(
                   ib, l, arith::SubIOp::create(ib, l, jEnd, jBegin), cst(0));
               Value countF = arith::SIToFPOp::create(
                   ib, l, ib.getF32Type(),
                   arith::IndexCastOp::create(ib, l, ib.getI64Type(), count));
               linalg::YieldOp::create(
                   ib, l,
                   arith::DivFOp::create(ib, l, a[0], countF).getResult());
             })
      .getResult(0);
}

/// Pools the last two dimensions of x [N, C, H, W] as two 1-D poolings,
/// along W then along H: a max over a rectangle is the max over its rows of
/// each row's max; an average is the average over rows of each row's
/// average, since the elements counted (inside the input, or the padded
/// input) are a rectangle too. Each pass sees [N, C * rows, length].
FailureOr<Value> pool2d(GraphImporter &g, Value x, PoolWindow h, PoolWindow w,
                        bool isMax, bool ceilMode, bool includePad) {
  OpBuilder &b = g.builder;
  Location loc = g.loc;
  auto along = [&](Value v, PoolWindow window) -> FailureOr<Value> {
    SmallVector<ReassociationIndices> groups = {{0}, {1, 2}, {3}};
    Value rows = tensor::CollapseShapeOp::create(b, loc, v, groups);
    FailureOr<Value> pooled =
        poolLastAxis(g, rows, window, isMax, ceilMode, includePad);
    if (failed(pooled))
      return failure();
    SmallVector<OpFoldResult> sizes = shapeOf(g, v);
    sizes[3] = g.dimSize(*pooled, 2);
    SmallVector<int64_t> shape;
    for (OpFoldResult size : sizes)
      shape.push_back(getConstantIntValue(size).value_or(ShapedType::kDynamic));
    return tensor::ExpandShapeOp::create(
               b, loc, RankedTensorType::get(shape, b.getF32Type()), *pooled,
               groups, sizes)
        .getResult();
  };
  FailureOr<Value> y = along(x, w);
  if (failed(y))
    return failure();
  y = along(seq::createTranspose(b, loc, *y, {0, 1, 3, 2}), h);
  if (failed(y))
    return failure();
  return seq::createTranspose(b, loc, *y, {0, 1, 3, 2});
}

/// AveragePool of x [N, C, T] with stride 1, dilation 1 and its padding
/// counted (or none): seq.conv1d of C groups, each a [1, 1, k] filter of
/// 1/k, padded as the pool is: y[n, c, t] = sum_j x[n, c, t + j - pad_l] /
/// k (the ONNX AveragePool formula with count_include_pad, which is also
/// the average with no padding).
/// A fixed T shorter than the window is left to poolLastAxis's message.
static Value averageAsConvolution(GraphImporter &g, Value x, int64_t k,
                                  int64_t channels,
                                  std::pair<int64_t, int64_t> pads) {
  OpBuilder &b = g.builder;
  auto weightType = RankedTensorType::get({channels, 1, k}, b.getF32Type());
  Value weight = arith::ConstantOp::create(
      b, g.loc,
      DenseElementsAttr::get(weightType, b.getF32FloatAttr(1.0f / k)));
  RankedTensorType xt = tensorType(x);
  int64_t t = xt.getDimSize(2), tout = ShapedType::kDynamic;
  if (!ShapedType::isDynamic(t))
    tout = t + pads.first + pads.second - k + 1;
  auto type = RankedTensorType::get({xt.getDimSize(0), channels, tout},
                                    xt.getElementType());
  return seq::Conv1dOp::create(
             b, g.loc, type, x, weight, /*bias=*/Value(),
             b.getI64IntegerAttr(1), b.getI64IntegerAttr(1),
             b.getI64IntegerAttr(channels),
             b.getDenseI64ArrayAttr({pads.first, pads.second}), UnitAttr())
      .getResult();
}

/// MaxPool / AveragePool over time ([N, C, T], poolLastAxis) or over the
/// last two dimensions ([N, C, H, W], pool2d: a CRNN's nn.MaxPool2d).
LogicalResult importPool(GraphImporter &g, bool isMax) {
  SmallVector<StringRef> known = {"auto_pad", "ceil_mode", "kernel_shape",
                                  "pads", "strides"};
  known.push_back(isMax ? "dilations" : "count_include_pad");
  // AveragePool has dilations from opset 19 (the window's elements
  // averaged are the dilated ones, as MaxPool's maximum is over them).
  if (!isMax && g.opset >= 19)
    known.push_back("dilations");
  if (isMax)
    known.push_back("storage_order");
  if (failed(g.checkAttrs(known)))
    return failure();
  if (g.hasOutput(1)) {
    g.nodeError() << "the Indices output is not supported";
    return failure();
  }
  Value x = floatInput(g, 0);
  if (!x)
    return failure();
  int64_t rank = tensorType(x).getRank();
  if (rank != 3 && rank != 4) {
    g.nodeError() << "only 1-D and 2-D pooling ([N, C, T] or [N, C, H, W] "
                     "input) is supported, found "
                  << x.getType();
    return failure();
  }
  bool ceilMode = g.intAttr("ceil_mode", 0) != 0;
  bool includePad = g.intAttr("count_include_pad", 0) != 0;
  FailureOr<Value> y;
  if (rank == 3) {
    // kernel_shape is required by the ONNX schema, checked before import.
    const char *what = "1-D pooling";
    std::optional<int64_t> k = oneDimAttr(g, "kernel_shape", 1, 1, what),
                           stride = oneDimAttr(g, "strides", 1, 1, what),
                           dilation = oneDimAttr(g, "dilations", 1, 1, what);
    if (!k || !stride || !dilation)
      return failure();
    std::optional<std::pair<int64_t, int64_t>> pads =
        oneDimPads(g, what, tensorType(x).getDimSize(2), *k, *stride, *dilation,
                   /*allowSame=*/true);
    if (!pads)
      return failure();
    int64_t channels = tensorType(x).getDimSize(1),
            t = tensorType(x).getDimSize(2);
    bool padded = pads->first != 0 || pads->second != 0;
    bool fits =
        ShapedType::isDynamic(t) || t + pads->first + pads->second >= *k;
    if (!isMax && *stride == 1 && *dilation == 1 && (!padded || includePad) &&
        !ShapedType::isDynamic(channels) && fits) {
      // A moving average (stride 1, zeros counted) is a depthwise
      // convolution of 1/k taps (the same sums): as seq.conv1d it is
      // vectorized as one, and a left-padded one (a causal moving average,
      // AvgPool1d after F.pad(x, (k - 1, 0))) streams as a causal conv.
      y = averageAsConvolution(g, x, *k, channels, *pads);
    } else {
      y = poolLastAxis(g, x,
                       {*k, *stride, *dilation, pads->first, pads->second},
                       isMax, ceilMode, includePad);
    }
  } else {
    auto pairAttr = [&](StringRef name, int64_t dflt,
                        int64_t min) -> std::optional<SmallVector<int64_t>> {
      SmallVector<int64_t> v =
          g.intsAttr(name).value_or(SmallVector<int64_t>{dflt, dflt});
      if (v.size() != 2 || v[0] < min || v[1] < min || v[0] > kMaxWindowAttr ||
          v[1] > kMaxWindowAttr) {
        g.nodeError() << name << " must be two entries in [" << min
                      << ", 2^31) for 2-D pooling";
        return std::nullopt;
      }
      return v;
    };
    auto k = pairAttr("kernel_shape", 1, 1), stride = pairAttr("strides", 1, 1),
         dilation = pairAttr("dilations", 1, 1);
    if (!k || !stride || !dilation)
      return failure();
    RankedTensorType xt = tensorType(x);
    std::optional<SmallVector<int64_t>> pads =
        windowPads(g, "2-D pooling", {xt.getDimSize(2), xt.getDimSize(3)}, *k,
                   *stride, *dilation, /*allowSame=*/true);
    if (!pads)
      return failure();
    y = pool2d(g, x,
               {(*k)[0], (*stride)[0], (*dilation)[0], (*pads)[0], (*pads)[2]},
               {(*k)[1], (*stride)[1], (*dilation)[1], (*pads)[1], (*pads)[3]},
               isMax, ceilMode, includePad);
  }
  if (failed(y))
    return failure();
  g.setOutput(0, *y);
  return success();
}

/// Resize along the last dimension (F.interpolate of [N, C, T]): mode
/// nearest (nearest_mode floor, ceil, round_prefer_floor,
/// round_prefer_ceil) or linear, coordinate_transformation_mode
/// asymmetric, half_pixel, pytorch_half_pixel or align_corners, the output
/// length from `scales` (floor(T * scale)) or `sizes`. Source positions
/// follow the ONNX formulas; linear clamps a position before the first
/// element to it, as PyTorch's upsample_linear1d does.
LogicalResult importResize(GraphImporter &g) {
  if (failed(g.checkAttrs(
          {"antialias", "axes", "coordinate_transformation_mode",
           "cubic_coeff_a", "exclude_outside", "extrapolation_value",
           "keep_aspect_ratio_policy", "mode", "nearest_mode"})))
    return failure();
  Value x = floatInput(g, 0);
  if (!x)
    return failure();
  int64_t rank = tensorType(x).getRank();
  std::string mode = g.stringAttr("mode").value_or("nearest");
  std::string transform =
      g.stringAttr("coordinate_transformation_mode").value_or("half_pixel");
  std::string nearest =
      g.stringAttr("nearest_mode").value_or("round_prefer_floor");
  if (mode != "nearest" && mode != "linear") {
    g.nodeError() << "mode '" << mode
                  << "' is not supported (nearest or linear)";
    return failure();
  }
  if (transform != "asymmetric" && transform != "half_pixel" &&
      transform != "pytorch_half_pixel" && transform != "align_corners") {
    g.nodeError() << "coordinate_transformation_mode '" << transform
                  << "' is not supported (asymmetric, half_pixel, "
                     "pytorch_half_pixel or align_corners)";
    return failure();
  }
  if (nearest != "floor" && nearest != "ceil" &&
      nearest != "round_prefer_floor" && nearest != "round_prefer_ceil") {
    g.nodeError() << "nearest_mode '" << nearest << "' is not valid";
    return failure();
  }
  if (g.attr("axes") || g.intAttr("antialias", 0) != 0 || rank < 1) {
    g.nodeError() << "axes and antialias are not supported";
    return failure();
  }
  OpBuilder &b = g.builder;
  Location loc = g.loc;
  Value t = g.indexValue(g.dimSize(x, rank - 1));
  Value tF = arith::UIToFPOp::create(
      b, loc, b.getF32Type(),
      arith::IndexCastOp::create(b, loc, b.getI64Type(), t));
  Value outLength, scale; // scale: output steps per input step
  if (g.hasInput(2) && !g.hasInput(3)) {
    const OnnxValue *in = g.input(2);
    if (!in->constant || !in->constant.getElementType().isF32() ||
        in->constant.getNumElements() != rank) {
      g.nodeError() << "scales must be a constant f32 vector of " << rank
                    << " entries";
      return failure();
    }
    SmallVector<float> scales(in->constant.getValues<float>());
    for (int64_t d = 0; d + 1 < rank; ++d)
      if (scales[d] != 1.0f) {
        g.nodeError() << "only the last dimension may be resized (scale "
                      << scales[d] << " for dimension " << d << ")";
        return failure();
      }
    if (!(scales.back() > 0)) {
      g.nodeError() << "the scale must be positive, found " << scales.back();
      return failure();
    }
    scale = f32Constant(b, loc, scales.back());
    outLength = arith::IndexCastOp::create(
        b, loc, b.getIndexType(),
        arith::FPToSIOp::create(
            b, loc, b.getI64Type(),
            math::FloorOp::create(b, loc,
                                  arith::MulFOp::create(b, loc, tF, scale))));
  } else if (g.hasInput(3)) {
    std::optional<SmallVector<OpFoldResult>> sizes = g.intsInput(3);
    if (!sizes || (int64_t)sizes->size() != rank) {
      g.nodeError() << "sizes must be an integer vector of " << rank
                    << " entries";
      return failure();
    }
    for (int64_t d = 0; d + 1 < rank; ++d) {
      Value want = g.indexValue((*sizes)[d]),
            have = g.indexValue(g.dimSize(x, d));
      seq::createCheck(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, want, have),
          want,
          seq::describeLocation(loc) + ": sizes asks dimension " +
              std::to_string(d) +
              " to become {}; only the last dimension may be resized",
          seq::CheckKind::shape);
    }
    outLength = g.indexValue(sizes->back());
    Value lF = arith::UIToFPOp::create(
        b, loc, b.getF32Type(),
        arith::IndexCastOp::create(b, loc, b.getI64Type(), outLength));
    scale = arith::DivFOp::create(b, loc, lF, tF);
  } else {
    g.nodeError() << "needs scales (input 2) or sizes (input 3)";
    return failure();
  }
  // An empty input has nothing to read from (and no scale).
  Value nonEmpty = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, t,
                                         indexConstant(b, loc, 1));
  seq::createCheck(b, loc, nonEmpty, t,
                   seq::describeLocation(loc) +
                       ": resizing needs a non-empty last dimension, which "
                       "has {}",
                   seq::CheckKind::shape);
  SmallVector<OpFoldResult> outSizes = shapeOf(g, x);
  if (auto c = getConstantIntValue(OpFoldResult(outLength)))
    outSizes.back() = b.getIndexAttr(*c);
  else
    outSizes.back() = outLength;
  Value init = seq::createEmptyTensor(b, loc, outSizes, b.getF32Type());
  bool linear = mode == "linear";
  g.setOutput(
      0,
      linalg::GenericOp::create(
          b, loc, TypeRange{init.getType()}, ValueRange{}, ValueRange{init},
          ArrayRef<AffineMap>{
              AffineMap::getMultiDimIdentityMap(rank, g.context)},
          SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
          [&](OpBuilder &ib, Location l, ValueRange) {
            auto fc = [&](double v) { return f32Constant(ib, l, v); };
            SmallVector<Value> at;
            for (int64_t d = 0; d < rank; ++d)
              at.push_back(linalg::IndexOp::create(ib, l, d));
            Value i = arith::UIToFPOp::create(
                ib, l, ib.getF32Type(),
                arith::IndexCastOp::create(ib, l, ib.getI64Type(), at.back()));
            Value lenF = arith::UIToFPOp::create(
                ib, l, ib.getF32Type(),
                arith::IndexCastOp::create(ib, l, ib.getI64Type(), outLength));
            Value src;
            if (transform == "asymmetric") {
              src = arith::DivFOp::create(ib, l, i, scale);
            } else if (transform == "align_corners") {
              // i * (T - 1) / (L - 1), 0 for one output step.
              Value num = arith::MulFOp::create(
                  ib, l, i, arith::SubFOp::create(ib, l, tF, fc(1)));
              Value den = arith::SubFOp::create(ib, l, lenF, fc(1));
              Value single = arith::CmpFOp::create(
                  ib, l, arith::CmpFPredicate::OLE, lenF, fc(1));
              src = arith::SelectOp::create(
                  ib, l, single, fc(0), arith::DivFOp::create(ib, l, num, den));
            } else {
              src = arith::SubFOp::create(
                  ib, l,
                  arith::DivFOp::create(
                      ib, l, arith::AddFOp::create(ib, l, i, fc(0.5)), scale),
                  fc(0.5));
              if (transform == "pytorch_half_pixel")
                src = arith::SelectOp::create(
                    ib, l,
                    arith::CmpFOp::create(ib, l, arith::CmpFPredicate::OGT,
                                          lenF, fc(1)),
                    src, fc(0));
            }
            Value last = arith::SubFOp::create(ib, l, tF, fc(1));
            auto toIndex = [&](Value f) -> Value {
              f = arith::MinimumFOp::create(
                  ib, l, arith::MaximumFOp::create(ib, l, f, fc(0)), last);
              return arith::IndexCastOp::create(
                  ib, l, ib.getIndexType(),
                  arith::FPToSIOp::create(ib, l, ib.getI64Type(), f));
            };
            auto read = [&](Value index) -> Value {
              SmallVector<Value> where(at);
              where.back() = index;
              return tensor::ExtractOp::create(ib, l, x, where);
            };
            Value result;
            if (!linear) {
              Value r;
              if (nearest == "floor")
                r = math::FloorOp::create(ib, l, src);
              else if (nearest == "ceil")
                r = math::CeilOp::create(ib, l, src);
              else if (nearest == "round_prefer_ceil")
                r = math::FloorOp::create(
                    ib, l, arith::AddFOp::create(ib, l, src, fc(0.5)));
              else
                r = math::CeilOp::create(
                    ib, l, arith::SubFOp::create(ib, l, src, fc(0.5)));
              result = read(toIndex(r));
            } else {
              Value clamped = arith::MaximumFOp::create(ib, l, src, fc(0));
              Value low = math::FloorOp::create(ib, l, clamped);
              Value frac = arith::SubFOp::create(ib, l, clamped, low);
              Value v0 = read(toIndex(low));
              Value v1 =
                  read(toIndex(arith::AddFOp::create(ib, l, low, fc(1))));
              result = arith::AddFOp::create(
                  ib, l,
                  arith::MulFOp::create(
                      ib, l, v0, arith::SubFOp::create(ib, l, fc(1), frac)),
                  arith::MulFOp::create(ib, l, v1, frac));
            }
            linalg::YieldOp::create(ib, l, result);
          })
          .getResult(0));
  return success();
}

} // namespace

LogicalResult importNormPoolOp(GraphImporter &g, StringRef op, bool &handled) {
  handled = true;
  if (op == "BatchNormalization")
    return importBatchNorm(g);
  if (op == "InstanceNormalization")
    return importInstanceNorm(g);
  if (op == "GlobalAveragePool" || op == "GlobalMaxPool")
    return importGlobalPool(g, op == "GlobalMaxPool");
  if (op == "MaxPool" || op == "AveragePool")
    return importPool(g, op == "MaxPool");
  if (op == "Resize")
    return importResize(g);
  handled = false;
  return success();
}

} // namespace seqc::onnx_import
