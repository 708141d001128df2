//===- ConvOps.cpp - ONNX Conv and ConvTranspose -------------------------===//
//
// Conv over [B, C, T] becomes seq.conv1d, ConvTranspose over [B, C, T] too
// (on its input spread out with zeros); Conv over [B, C, H, W] (the 2-D
// subsampling front ends of Conformer and other speech models) is
// seq.conv1d along W over the rows of H that each output row reads,
// gathered side by side as channels.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace seqc;

namespace seqc::onnx_import {
namespace {

/// Conv over [B, C, H, W] (nn.Conv2d; the ONNX operator documentation):
/// weight [Cout, C / group, KH, KW], optional bias [Cout], pads [h_begin,
/// w_begin, h_end, w_end]; the result is [B, Cout, Hout, Wout] with Hout =
/// (H + pads - dilation_h * (KH - 1) - 1) / stride_h + 1 (and Wout so).
/// Output row ho reads input rows ho * stride_h + kh * dilation_h (kh <
/// KH) of the zero-padded input: those rows, gathered as KH channels per
/// input channel ([B * Hout, C * KH, W], channel c * KH + kh), convolve
/// along W with the weight viewed [Cout, C / group * KH, KW] (the same
/// order), as seq.conv1d; groups stay contiguous blocks of channels.
LogicalResult importConv2d(GraphImporter &g, Value x, Value w) {
  OpBuilder &b = g.builder;
  Location loc = g.loc;
  RankedTensorType xt = tensorType(x), wt = tensorType(w);
  if (!wt.hasStaticShape()) {
    g.nodeError() << "the weight must have a static shape, found "
                  << w.getType();
    return failure();
  }
  auto pairAttr = [&](StringRef name) -> std::optional<SmallVector<int64_t>> {
    SmallVector<int64_t> v = g.intsAttr(name).value_or(SmallVector<int64_t>{1, 1});
    if (v.size() != 2 || v[0] < 1 || v[1] < 1) {
      g.nodeError() << name
                    << " must have two positive entries for a 2-D convolution";
      return std::nullopt;
    }
    return v;
  };
  auto stride = pairAttr("strides"), dilation = pairAttr("dilations");
  if (!stride || !dilation)
    return failure();
  std::optional<SmallVector<int64_t>> resolvedPads =
      windowPads(g, "a 2-D convolution", {xt.getDimSize(2), xt.getDimSize(3)},
                 {wt.getDimSize(2), wt.getDimSize(3)}, *stride, *dilation,
                 /*allowSame=*/true);
  if (!resolvedPads)
    return failure();
  SmallVector<int64_t> pads = *resolvedPads;
  if (auto kernel = g.intsAttr("kernel_shape");
      kernel && (kernel->size() != 2 || (*kernel)[0] != wt.getDimSize(2) ||
                 (*kernel)[1] != wt.getDimSize(3))) {
    g.nodeError() << "kernel_shape does not match the weight " << w.getType();
    return failure();
  }
  Value bias = g.hasInput(2) ? floatInput(g, 2) : Value();
  if (g.hasInput(2) && !bias)
    return failure();
  int64_t cout = wt.getDimSize(0), cinPerGroup = wt.getDimSize(1),
          kh = wt.getDimSize(2), kw = wt.getDimSize(3);
  int64_t group = g.intAttr("group", 1);
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  // The weight against the input and group, in the node's terms (the
  // seq.conv1d below sees C * KH gathered channels).
  if (kh < 1 || kw < 1 || cinPerGroup < 1 || cout < 1) {
    g.nodeError() << "the weight " << w.getType()
                  << " has an empty dimension";
    return failure();
  }
  if (group < 1 || cout % group != 0) {
    g.nodeError() << "group must be positive and divide the weight's "
                  << cout << " output channels, found " << group;
    return failure();
  }
  if (bias && (tensorType(bias).getRank() != 1 ||
               tensorType(bias).getDimSize(0) != cout)) {
    g.nodeError() << "the bias must be [" << cout << "] (one per output "
                  << "channel), found " << bias.getType();
    return failure();
  }
  int64_t weightChannels = cinPerGroup * group;
  if (std::optional<int64_t> c = getConstantIntValue(g.dimSize(x, 1))) {
    if (*c != weightChannels) {
      g.nodeError() << "the input has " << *c
                    << " channels, but the weight " << w.getType() << " in "
                    << group << " group(s) takes " << weightChannels << " ("
                    << cinPerGroup << " per group)";
      return failure();
    }
  } else {
    Value inputChannels = g.indexValue(g.dimSize(x, 1));
    seq::createCheck(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, inputChannels,
                              cst(weightChannels)),
        inputChannels,
        seq::describeLocation(loc) + ": the input has {} channels, but the "
            "weight takes " + std::to_string(weightChannels),
        seq::CheckKind::shape);
  }
  // The width the columns' convolution needs, checked here so that the
  // message says width (and names the node) as the height's does.
  int64_t spanW = (*dilation)[1] * (kw - 1);
  OpFoldResult paddedW = g.dimSize(x, 3);
  if (std::optional<int64_t> wStatic = getConstantIntValue(paddedW)) {
    if (*wStatic + pads[1] + pads[3] <= spanW) {
      g.nodeError() << "the input's width plus pads ("
                    << *wStatic + pads[1] + pads[3]
                    << ") is smaller than the dilated kernel (" << spanW + 1
                    << ")";
      return failure();
    }
  } else {
    Value wp = arith::AddIOp::create(b, loc, g.indexValue(paddedW),
                                     cst(pads[1] + pads[3]));
    seq::createCheck(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, wp,
                              cst(spanW)),
        wp,
        seq::describeLocation(loc) +
            ": the input's width plus pads is {}, smaller than the dilated "
            "kernel (" + std::to_string(spanW + 1) + ")",
        seq::CheckKind::shape);
  }

  // Rows padded with zeros (the columns' pads go to seq.conv1d).
  Type f32 = xt.getElementType();
  if (pads[0] || pads[2]) {
    SmallVector<int64_t> shape(xt.getShape());
    if (!ShapedType::isDynamic(shape[2]))
      shape[2] += pads[0] + pads[2];
    SmallVector<OpFoldResult> low(4, b.getIndexAttr(0)),
        high(4, b.getIndexAttr(0));
    low[2] = b.getIndexAttr(pads[0]);
    high[2] = b.getIndexAttr(pads[2]);
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(f32));
    x = tensor::PadOp::create(b, loc, RankedTensorType::get(shape, f32), x,
                              low, high, zero)
            .getResult();
  }
  // Hout = (Hp - span - 1) / stride + 1 needs Hp > span.
  int64_t span = (*dilation)[0] * (kh - 1);
  Value hp = g.indexValue(g.dimSize(x, 2));
  std::optional<int64_t> staticHp = getConstantIntValue(g.dimSize(x, 2));
  if (staticHp && *staticHp <= span) {
    g.nodeError() << "the input's height plus pads (" << *staticHp
                  << ") is smaller than the dilated kernel (" << span + 1
                  << ")";
    return failure();
  }
  if (!staticHp)
    seq::createCheck(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, hp, cst(span)),
        hp,
        seq::describeLocation(loc) +
            ": the input's height plus pads is {}, smaller than the dilated "
            "kernel (" + std::to_string(span + 1) + ")",
        seq::CheckKind::shape);
  OpFoldResult hout =
      staticHp ? OpFoldResult(b.getIndexAttr((*staticHp - span - 1) /
                                                 (*stride)[0] +
                                             1))
               : OpFoldResult(
                     arith::AddIOp::create(
                         b, loc,
                         arith::DivUIOp::create(
                             b, loc,
                             arith::SubIOp::create(b, loc, hp, cst(span + 1)),
                             cst((*stride)[0])),
                         cst(1))
                         .getResult());

  // cols[b, ho, c, k, w] = x[b, c, ho * stride_h + k * dilation_h, w].
  OpFoldResult batch = g.dimSize(x, 0), channels = g.dimSize(x, 1),
               width = g.dimSize(x, 3);
  Value cols = seq::createEmptyTensor(
      b, loc, {batch, hout, channels, b.getIndexAttr(kh), width}, f32);
  AffineExpr bd = b.getAffineDimExpr(0), hd = b.getAffineDimExpr(1),
             cd = b.getAffineDimExpr(2), kd = b.getAffineDimExpr(3),
             wd = b.getAffineDimExpr(4);
  cols = linalg::GenericOp::create(
             b, loc, TypeRange{cols.getType()}, ValueRange{x}, ValueRange{cols},
             ArrayRef<AffineMap>{
                 AffineMap::get(5, 0,
                                {bd, cd, hd * (*stride)[0] + kd * (*dilation)[0],
                                 wd},
                                b.getContext()),
                 b.getMultiDimIdentityMap(5)},
             SmallVector<utils::IteratorType>(5, utils::IteratorType::parallel),
             [](OpBuilder &nb, Location l, ValueRange a) {
               linalg::YieldOp::create(nb, l, a[0]);
             })
             .getResult(0);
  // (The collapsed types are inferred: [B * Hout, C * KH, W] and [Cout,
  // C / group * KH, KW].)
  Value rows = tensor::CollapseShapeOp::create(
      b, loc, cols, ArrayRef<ReassociationIndices>{{0, 1}, {2, 3}, {4}});
  Value w2 = tensor::CollapseShapeOp::create(
      b, loc, w, ArrayRef<ReassociationIndices>{{0}, {1, 2}, {3}});
  int64_t wStatic = xt.getDimSize(3), wout = ShapedType::kDynamic;
  if (!ShapedType::isDynamic(wStatic))
    wout = (wStatic + pads[1] + pads[3] - (*dilation)[1] * (kw - 1) - 1) /
               (*stride)[1] +
           1;
  Value conv = seq::Conv1dOp::create(
                b, loc,
                RankedTensorType::get(
                    {cast<RankedTensorType>(rows.getType()).getDimSize(0), cout,
                     wout},
                    f32),
                rows, w2, bias, b.getI64IntegerAttr((*stride)[1]),
                b.getI64IntegerAttr((*dilation)[1]),
                b.getI64IntegerAttr(group),
                b.getDenseI64ArrayAttr({pads[1], pads[3]}), UnitAttr())
                .getResult();
  // [B * Hout, Cout, Wout] -> [B, Cout, Hout, Wout], element [b, co, ho,
  // wo] from row b * Hout + ho: read by index rather than through
  // expand_shape, whose split of one run-time size into two (B, Hout)
  // expand-strided-metadata cannot lower (LLVM 22).
  Value houtValue = g.indexValue(hout);
  Value out = seq::createEmptyTensor(
      b, loc, {batch, b.getIndexAttr(cout), hout, g.dimSize(conv, 2)}, f32);
  Value y = linalg::GenericOp::create(
          b, loc, TypeRange{out.getType()}, ValueRange{}, ValueRange{out},
          ArrayRef<AffineMap>{b.getMultiDimIdentityMap(4)},
          SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
          [&](OpBuilder &nb, Location l, ValueRange) {
            auto index = [&](int64_t d) -> Value {
              return linalg::IndexOp::create(nb, l, d);
            };
            Value row = arith::AddIOp::create(
                nb, l, arith::MulIOp::create(nb, l, index(0), houtValue),
                index(2));
            linalg::YieldOp::create(
                nb, l,
                tensor::ExtractOp::create(nb, l, conv,
                                          ValueRange{row, index(1), index(3)})
                    .getResult());
          })
          .getResult(0);
  g.setOutput(0, y);
  return success();
}

LogicalResult importConv(GraphImporter &g) {
  if (failed(g.checkAttrs({"auto_pad", "dilations", "group", "kernel_shape",
                           "pads", "strides"})))
    return failure();
  Value x = floatInput(g, 0), w = floatInput(g, 1);
  if (!x || !w)
    return failure();
  if (tensorType(x).getRank() == 4 && tensorType(w).getRank() == 4)
    return importConv2d(g, x, w);
  if (tensorType(x).getRank() != 3 || tensorType(w).getRank() != 3) {
    g.nodeError() << "only 1-D and 2-D convolution ([B, C, T] or [B, C, "
                     "H, W] input) are supported, found input "
                  << x.getType() << " and weight " << w.getType();
    return failure();
  }
  auto one = [&](StringRef name) -> std::optional<int64_t> {
    auto v = g.intsAttr(name);
    if (!v)
      return 1;
    if (v->size() != 1) {
      g.nodeError() << name << " must have one entry for a 1-D convolution";
      return std::nullopt;
    }
    return (*v)[0];
  };
  auto dilation = one("dilations"), stride = one("strides");
  if (!dilation || !stride)
    return failure();
  std::optional<std::pair<int64_t, int64_t>> padPair = oneDimPads(
      g, "a 1-D convolution", tensorType(x).getDimSize(2),
      tensorType(w).getDimSize(2), *stride, *dilation, /*allowSame=*/true);
  if (!padPair)
    return failure();
  SmallVector<int64_t> pads = {padPair->first, padPair->second};
  Value bias = g.hasInput(2) ? floatInput(g, 2) : Value();
  if (g.hasInput(2) && !bias)
    return failure();
  RankedTensorType xt = tensorType(x), wt = tensorType(w);
  int64_t t = xt.getDimSize(2), k = wt.getDimSize(2),
          tout = ShapedType::kDynamic;
  if (!ShapedType::isDynamic(t) && !ShapedType::isDynamic(k))
    tout = (t + pads[0] + pads[1] - *dilation * (k - 1) - 1) / *stride + 1;
  auto type = RankedTensorType::get({xt.getDimSize(0), wt.getDimSize(0), tout},
                                    xt.getElementType());
  auto op = seq::Conv1dOp::create(
      g.builder, g.loc, type, x, w, bias, g.builder.getI64IntegerAttr(*stride),
      g.builder.getI64IntegerAttr(*dilation),
      g.builder.getI64IntegerAttr(g.intAttr("group", 1)),
      g.builder.getDenseI64ArrayAttr(pads), UnitAttr());
  g.setOutput(0, op.getResult());
  return success();
}

/// ConvTranspose over time (nn.ConvTranspose1d): x [N, Cin, T], weight
/// [Cin, Cout / group, K], optional bias [Cout]; the result is [N, Cout,
/// Tout] with Tout = stride * (T - 1) + output_padding + dilation * (K - 1)
/// + 1 - pad_l - pad_r (the ONNX operator documentation). It is the
/// gradient of a convolution, computed as one: x spread `stride` apart
/// into zeros, padded by dilation * (K - 1) - pad on each side (plus
/// output_padding on the right), then seq.conv1d with the weight's input
/// and output channels swapped per group and its taps reversed.
LogicalResult importConvTranspose(GraphImporter &g) {
  if (failed(
          g.checkAttrs({"auto_pad", "dilations", "group", "kernel_shape",
                        "output_padding", "output_shape", "pads", "strides"})))
    return failure();
  Value x = floatInput(g, 0), w = floatInput(g, 1);
  if (!x || !w)
    return failure();
  RankedTensorType xt = tensorType(x), wt = tensorType(w);
  if (xt.getRank() != 3 || wt.getRank() != 3) {
    g.nodeError() << "only 1-D transposed convolution ([N, C, T] input, "
                     "[Cin, Cout / group, K] weight) is supported, found "
                  << x.getType() << " and " << w.getType();
    return failure();
  }
  if (!wt.hasStaticShape()) {
    g.nodeError() << "the weight must have a static shape, found "
                  << w.getType();
    return failure();
  }
  if (g.attr("output_shape")) {
    g.nodeError() << "output_shape is not supported (give pads and "
                     "output_padding, as torch.onnx.export does)";
    return failure();
  }
  const char *what = "a 1-D transposed convolution";
  std::optional<int64_t> stride = oneDimAttr(g, "strides", 1, 1, what),
                         dilation = oneDimAttr(g, "dilations", 1, 1, what),
                         outPad = oneDimAttr(g, "output_padding", 0, 0, what);
  if (!stride || !dilation || !outPad)
    return failure();
  // A transposed convolution takes explicit pads or VALID. Its SAME sizes
  // the output stride * T, a rule of its own that seqc does not take: it
  // is refused by name (the issue note lists it).
  std::optional<std::pair<int64_t, int64_t>> pads =
      oneDimPads(g, what, tensorType(x).getDimSize(2), /*kernel=*/1, *stride,
                 *dilation, /*allowSame=*/false);
  if (!pads)
    return failure();
  int64_t s = *stride, d = *dilation, op = *outPad;
  if (op >= s && op >= d) {
    // PyTorch: "output padding must be smaller than either stride or
    // dilation".
    g.nodeError() << "output_padding " << op
                  << " must be smaller than the stride (" << s
                  << ") or the dilation (" << d << ")";
    return failure();
  }
  int64_t group = g.intAttr("group", 1);
  int64_t cin = wt.getDimSize(0), coutG = wt.getDimSize(1),
          k = wt.getDimSize(2);
  if (group < 1 || cin % group != 0) {
    g.nodeError() << "group " << group << " must divide the weight's " << cin
                  << " input channels";
    return failure();
  }
  if (k < 1) {
    g.nodeError() << "the kernel must have at least one tap";
    return failure();
  }
  if (auto ks = g.intsAttr("kernel_shape");
      ks && *ks != SmallVector<int64_t>{k}) {
    g.nodeError() << "kernel_shape does not match the weight's " << k
                  << " taps";
    return failure();
  }
  if (!xt.isDynamicDim(1) && xt.getDimSize(1) != cin) {
    g.nodeError() << "the input has " << xt.getDimSize(1)
                  << " channels, but the weight expects " << cin;
    return failure();
  }
  Value bias = g.hasInput(2) ? floatInput(g, 2) : Value();
  if (g.hasInput(2) && !bias)
    return failure();
  int64_t cinG = cin / group, cout = coutG * group;

  OpBuilder &b = g.builder;
  Location loc = g.loc;
  auto cst = [&](OpBuilder &ob, Location l, int64_t v) {
    return arith::ConstantIndexOp::create(ob, l, v);
  };
  // The equivalent convolution's weight [Cout, Cin / group, K]:
  // w2[gi * CoutG + o, i, j] = w[gi * CinG + i, o, K - 1 - j].
  Value w2Init = seq::createEmptyTensor(
      b, loc, {b.getIndexAttr(cout), b.getIndexAttr(cinG), b.getIndexAttr(k)},
      b.getF32Type());
  Value w2 =
      linalg::GenericOp::create(
          b, loc, TypeRange{w2Init.getType()}, ValueRange{}, ValueRange{w2Init},
          ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(3, g.context)},
          SmallVector<utils::IteratorType>(3, utils::IteratorType::parallel),
          [&](OpBuilder &ib, Location l, ValueRange) {
            Value o = linalg::IndexOp::create(ib, l, 0);
            Value i = linalg::IndexOp::create(ib, l, 1);
            Value j = linalg::IndexOp::create(ib, l, 2);
            Value gi = arith::DivUIOp::create(ib, l, o, cst(ib, l, coutG));
            Value src = arith::AddIOp::create(
                ib, l, arith::MulIOp::create(ib, l, gi, cst(ib, l, cinG)), i);
            Value oc = arith::RemUIOp::create(ib, l, o, cst(ib, l, coutG));
            Value tap = arith::SubIOp::create(ib, l, cst(ib, l, k - 1), j);
            linalg::YieldOp::create(
                ib, l,
                tensor::ExtractOp::create(ib, l, w, ValueRange{src, oc, tap})
                    .getResult());
          })
          .getResult(0);

  // x spread `stride` apart: Ts = (T - 1) * stride + 1, which needs T >= 1.
  Value t = g.indexValue(g.dimSize(x, 2));
  std::optional<int64_t> staticT = getConstantIntValue(g.dimSize(x, 2));
  if (staticT && *staticT < 1) {
    g.nodeError() << "the input has no time steps";
    return failure();
  }
  if (!staticT)
    seq::createCheck(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, t,
                              cst(b, loc, 1)),
        t,
        seq::describeLocation(loc) +
            ": a transposed convolution needs at least one time step, the "
            "input has {}",
        seq::CheckKind::shape);
  int64_t span = d * (k - 1);
  int64_t padL = span - pads->first, padR = span - pads->second + op;
  int64_t cropL = std::max<int64_t>(-padL, 0),
          cropR = std::max<int64_t>(-padR, 0);
  padL = std::max<int64_t>(padL, 0);
  padR = std::max<int64_t>(padR, 0);
  auto add = [&](OpFoldResult a, int64_t c) -> OpFoldResult {
    if (auto v = getConstantIntValue(a))
      return b.getIndexAttr(*v + c);
    return arith::AddIOp::create(b, loc, g.indexValue(a), cst(b, loc, c))
        .getResult();
  };
  auto mul = [&](OpFoldResult a, int64_t c) -> OpFoldResult {
    if (auto v = getConstantIntValue(a))
      return b.getIndexAttr(*v * c);
    return arith::MulIOp::create(b, loc, g.indexValue(a), cst(b, loc, c))
        .getResult();
  };
  if (xt.getDimSize(0) == 0) {
    // No batch: an empty result (the spread-out copy below would insert
    // into an empty dimension, which tensor.insert_slice rejects).
    OpFoldResult tout = add(add(mul(add(g.dimSize(x, 2), -1), s), 1),
                            padL + padR - span - cropL - cropR);
    g.setOutput(0, seq::createEmptyTensor(
                       b, loc, {b.getIndexAttr(0), b.getIndexAttr(cout), tout},
                       b.getF32Type()));
    return success();
  }
  OpFoldResult spread = add(mul(add(g.dimSize(x, 2), -1), s), 1);
  OpFoldResult stuffedLength = add(spread, padL + padR);
  OpFoldResult n = g.dimSize(x, 0), c = g.dimSize(x, 1);
  Value stuffed = zeroF32Tensor(g, {n, c, stuffedLength});
  stuffed = tensor::InsertSliceOp::create(
      b, loc, x, stuffed,
      ArrayRef<OpFoldResult>{b.getIndexAttr(0), b.getIndexAttr(0),
                             b.getIndexAttr(padL)},
      ArrayRef<OpFoldResult>{n, c, g.dimSize(x, 2)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1),
                             b.getIndexAttr(s)});

  // Conv output length: stuffed - span; the wanted Tout lies cropL in.
  OpFoldResult convLength = add(stuffedLength, -span);
  std::optional<int64_t> convStatic = getConstantIntValue(convLength);
  auto convType = RankedTensorType::get(
      {xt.getDimSize(0), cout, convStatic.value_or(ShapedType::kDynamic)},
      b.getF32Type());
  Value y = seq::Conv1dOp::create(
                b, loc, convType, stuffed, w2, bias, b.getI64IntegerAttr(1),
                b.getI64IntegerAttr(d), b.getI64IntegerAttr(group),
                b.getDenseI64ArrayAttr({0, 0}), UnitAttr())
                .getResult();
  if (cropL || cropR) {
    OpFoldResult tout = add(convLength, -cropL - cropR);
    y = tensor::ExtractSliceOp::create(
        b, loc, y,
        ArrayRef<OpFoldResult>{b.getIndexAttr(0), b.getIndexAttr(0),
                               b.getIndexAttr(cropL)},
        ArrayRef<OpFoldResult>{g.dimSize(y, 0), b.getIndexAttr(cout), tout},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1),
                               b.getIndexAttr(1)});
  }
  g.setOutput(0, y);
  return success();
}

} // namespace

LogicalResult importConvOp(GraphImporter &g, StringRef op, bool &handled) {
  handled = true;
  if (op == "Conv")
    return importConv(g);
  if (op == "ConvTranspose")
    return importConvTranspose(g);
  handled = false;
  return success();
}

} // namespace seqc::onnx_import
