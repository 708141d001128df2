//===- Recurrences.cpp - lstm, gru and rnn layers -------------------------===//
//
// nn.LSTM / nn.GRU / nn.RNN state_dicts into seq.lstm / seq.gru / seq.rnn,
// one op per layer, with optional initial states and the final states
// h_n / c_n exposed as the values `NAME.h_n` and `NAME.c_n`.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/ModelDescription/Emitter.h"
#include "dialects/Seq/Utils/CheckUtils.h"

using namespace mlir;

namespace seqc {
namespace md {

/// Rows of a `[G*H, C]` matrix (or `[G*H]` vector) in PyTorch's gate order,
/// appended to `out` in ONNX's order.
static void appendReordered(std::vector<float> &out, const WeightTensor &w,
                            ArrayRef<int> order, int64_t gateRows) {
  int64_t cols = w.shape.size() == 2 ? w.shape[1] : 1;
  for (int g : order) {
    const float *begin = w.data.data() + g * gateRows * cols;
    out.insert(out.end(), begin, begin + gateRows * cols);
  }
}

/// What a W_hh of the wrong shape usually means, in the user's terms: an
/// A checkpoint of a bidirectional or deeper recurrence read as a one-way
/// or shallower one compiles (its weights are there) into another model:
/// only the generic "weights not used" warning would say so.
void Emitter::warnIfMoreRecurrence(bool bidirectional, int64_t numLayers) {
  if (!weights.isOpen())
    return;
  std::string own = prefix() + ".weight_ih_l";
  bool reverse = !bidirectional && weights.contains(own + "0_reverse");
  int64_t layers = numLayers;
  while (weights.contains(own + std::to_string(layers)))
    ++layers;
  if (!reverse && layers == numLayers)
    return;
  InFlightDiagnostic diag = mlir::emitWarning(loc(current->layerPos));
  diag << "the weights file also has ";
  if (reverse)
    diag << "'" << own << "0_reverse'";
  if (reverse && layers > numLayers)
    diag << " and ";
  if (layers > numLayers)
    diag << "'" << own << numLayers << "'";
  diag << ", which this " << current->layer << " does not read: the "
       << "checkpoint's nn."
       << (current->layer == "lstm"  ? "LSTM"
           : current->layer == "gru" ? "GRU"
                                     : "RNN");
  if (reverse)
    diag << " is bidirectional";
  if (layers > numLayers)
    diag << (reverse ? " with " : " has ") << layers << " layers";
  diag << "; add";
  if (reverse)
    diag << " bidirectional=true";
  if (layers > numLayers)
    diag << (reverse ? "," : "") << " num_layers=" << layers;
  diag << " to compute it";
}

/// nn.LSTM(proj_size=P) read without proj_size (the file has weight_hr),
/// or another recurrence's weights (a GRU's 3 gates under `lstm`).
static std::string recurrentWeightHint(const WeightTensor &whh, int64_t gates,
                                       int64_t projSize,
                                       const Weights &weights) {
  if (whh.shape.size() != 2 || whh.shape[1] <= 0)
    return "";
  int64_t rows = whh.shape[0], cols = whh.shape[1];
  std::string hr = whh.name;
  if (size_t at = hr.rfind("weight_hh"); at != std::string::npos)
    hr.replace(at, 9, "weight_hr");
  if (projSize == 0 && hr != whh.name && weights.contains(hr))
    return "the file has '" + hr +
           "': an nn.LSTM with proj_size=" + std::to_string(cols) +
           "; add proj_size=" + std::to_string(cols);
  for (auto [other, layer] : {std::pair<int64_t, const char *>(4, "lstm"),
                              std::pair<int64_t, const char *>(3, "gru"),
                              std::pair<int64_t, const char *>(1, "rnn")})
    if (other != gates && rows == other * cols)
      return "its " + std::to_string(rows) + " rows are " +
             std::to_string(other) + " gate(s) of " + std::to_string(cols) +
             ": the weights of a " + layer + "?";
  return "";
}

FailureOr<Val> Emitter::emitRecurrence(ArrayRef<Val> operands) {
  const Val &x = operands[0];
  StringRef kind = current->layer;
  int64_t gates = kind == "lstm" ? 4 : kind == "gru" ? 3 : 1;
  // PyTorch i,f,g,o -> ONNX i,o,f,c; r,z,n -> z,r,h.
  SmallVector<int> order = kind == "lstm"  ? SmallVector<int>{0, 3, 1, 2}
                           : kind == "gru" ? SmallVector<int>{1, 0, 2}
                                           : SmallVector<int>{0};
  int64_t numLayers = intKw("num_layers", 1);
  if (numLayers < 1) {
    error(keyword("num_layers")->keyPos) << "num_layers must be at least 1";
    return failure();
  }
  bool bidirectional = boolKw("bidirectional", false);
  bool batchFirst = batchFirstFor(x, 0);
  bool hasBias = boolKw("bias", true);
  int64_t projSize = intKw("proj_size", 0);
  if (projSize < 0) {
    error(keyword("proj_size")->keyPos)
        << "proj_size must be at least 0 (0: no projection), found "
        << projSize;
    return failure();
  }
  int64_t numDirs = bidirectional ? 2 : 1;
  if (failed(expectFloat(x, 3,
                         batchFirst ? "a float [B, T, I] input"
                                    : "a float [T, B, I] input")))
    return failure();

  // PyTorch's h0 [num_layers*D, B, Hout] and c0 [num_layers*D, B, H];
  // batch_first does not change their layout.
  const Val *h0 = operands.size() > 1 ? &operands[1] : nullptr;
  const Val *c0 = operands.size() > 2 ? &operands[2] : nullptr;
  int64_t batchDim = batchFirst ? 0 : 1;
  SmallVector<Value> finalH, finalC;

  warnIfMoreRecurrence(bidirectional, numLayers);

  Val cur = x;
  int64_t hidden = -1;
  for (int64_t layer = 0; layer < numLayers; ++layer) {
    FailureOr<int64_t> inputSize = staticDim(cur, 2, "feature size");
    if (failed(inputSize))
      return failure();
    std::vector<float> w, r, bias, proj;
    int64_t hiddenOut = 0;
    for (int64_t dir = 0; dir < numDirs; ++dir) {
      std::string suffix =
          "_l" + std::to_string(layer) + (dir ? "_reverse" : "");
      FailureOr<WeightTensor> wih = weight("weight_ih" + suffix);
      if (failed(wih))
        return failure();
      if (hidden < 0) {
        if (wih->shape.size() != 2 || wih->shape[0] % gates != 0 ||
            wih->shape[0] == 0) {
          InFlightDiagnostic diag = error(current->layerPos);
          diag << "weight '" << wih->name << "' is " << formatShape(wih->shape)
               << "; a " << kind << " needs [" << gates << "*hidden, input]";
          diag.attachNote(weights.getLocation())
              << "'" << wih->name << "' is read from '" << weights.getPath()
              << "'";
          return failure();
        }
        hidden = wih->shape[0] / gates;
        if (failed(checkKwAgainst("hidden", hidden, *wih, "hidden size")))
          return failure();
        // torch.nn.LSTM: "proj_size has to be smaller than hidden_size".
        if (projSize >= hidden) {
          error(keyword("proj_size")->keyPos)
              << "proj_size (" << projSize
              << ") must be smaller than the hidden size (" << hidden
              << ", from '" << wih->name << "')";
          return failure();
        }
      }
      hiddenOut = projSize > 0 ? projSize : hidden;
      std::string layerInput = layer == 0 ? "the input's feature size"
                                          : "the previous layer's output";
      if (failed(expectShape(*wih, {gates * hidden, *inputSize},
                             "hidden=" + std::to_string(hidden) + " with " +
                                 layerInput + " " +
                                 std::to_string(*inputSize))))
        return failure();
      FailureOr<WeightTensor> whh = weight("weight_hh" + suffix);
      if (failed(whh) ||
          failed(expectShape(
              *whh, {gates * hidden, hiddenOut},
              "hidden=" + std::to_string(hidden) +
                  (projSize ? " proj_size=" + std::to_string(projSize)
                            : std::string()),
              recurrentWeightHint(*whh, gates, projSize, weights))))
        return failure();
      appendReordered(w, *wih, order, hidden);
      appendReordered(r, *whh, order, hidden);
      if (projSize > 0) {
        FailureOr<WeightTensor> whr = weight("weight_hr" + suffix);
        if (failed(whr) || failed(expectShape(*whr, {projSize, hidden},
                                              "proj_size with hidden")))
          return failure();
        proj.insert(proj.end(), whr->data.begin(), whr->data.end());
      }
      if (hasBias) {
        FailureOr<WeightTensor> bih = weight("bias_ih" + suffix);
        if (failed(bih) ||
            failed(expectShape(*bih, {gates * hidden}, "the gate bias")))
          return failure();
        FailureOr<WeightTensor> bhh = weight("bias_hh" + suffix);
        if (failed(bhh) ||
            failed(expectShape(*bhh, {gates * hidden}, "the gate bias")))
          return failure();
        appendReordered(bias, *bih, order, hidden);
        appendReordered(bias, *bhh, order, hidden);
      }
    }

    if (layer == 0) {
      if (h0 && failed(checkInitialState(*h0, 1, numLayers * numDirs, x,
                                         batchDim, hiddenOut)))
        return failure();
      if (c0 && failed(checkInitialState(*c0, 2, numLayers * numDirs, x,
                                         batchDim, hidden)))
        return failure();
    }
    Value wc = constant({numDirs, gates * hidden, *inputSize}, w);
    Value rc = constant({numDirs, gates * hidden, hiddenOut}, r);
    Value bc =
        hasBias ? constant({numDirs, 2 * gates * hidden}, bias) : Value();
    Value pc =
        projSize > 0 ? constant({numDirs, projSize, hidden}, proj) : Value();
    // y: [T, D, B, Hout] or [B, T, D, Hout]; states [D, B, .] or [B, D, .].
    int64_t d0 = cur.type().getDimSize(0), d1 = cur.type().getDimSize(1);
    Type f32 = b.getF32Type();
    RankedTensorType yType, hType, cType;
    if (batchFirst) {
      yType = RankedTensorType::get({d0, d1, numDirs, hiddenOut}, f32);
      hType = RankedTensorType::get({d0, numDirs, hiddenOut}, f32);
      cType = RankedTensorType::get({d0, numDirs, hidden}, f32);
    } else {
      yType = RankedTensorType::get({d0, numDirs, d1, hiddenOut}, f32);
      hType = RankedTensorType::get({numDirs, d1, hiddenOut}, f32);
      cType = RankedTensorType::get({numDirs, d1, hidden}, f32);
    }
    auto direction =
        bidirectional ? seq::Direction::bidirectional : seq::Direction::forward;
    auto layout =
        batchFirst ? seq::Layout::batch_major : seq::Layout::time_major;
    Value ih =
        h0 ? initialState(*h0, layer, numDirs, hType, batchFirst) : Value();
    Value ic =
        c0 ? initialState(*c0, layer, numDirs, cType, batchFirst) : Value();
    Value y, yh, yc;
    // Each layer of a stack is one op: named by its layer, so that the
    // states a stream carries (the header's list) and any message tell the
    // layers apart.
    Location opLoc =
        numLayers > 1
            ? Location(NameLoc::get(
                  b.getStringAttr("layer " + std::to_string(layer)), here()))
            : here();
    if (kind == "lstm") {
      auto op = seq::LstmOp::create(b, opLoc, yType, hType, cType, cur.value,
                                    wc, rc, bc, ih, ic, Value(), pc, Value(),
                                    (uint64_t)hidden, direction, layout,
                                    ArrayAttr(), FloatAttr(), false);
      y = op.getY(), yh = op.getYH(), yc = op.getYC();
    } else if (kind == "gru") {
      auto op = seq::GruOp::create(b, opLoc, yType, hType, cur.value, wc, rc,
                                   bc, ih, Value(), (uint64_t)hidden, direction,
                                   layout, ArrayAttr(), FloatAttr(), true);
      y = op.getY(), yh = op.getYH();
    } else {
      ArrayAttr acts;
      if (nameKw("nonlinearity", "tanh") == "relu") {
        Attribute relu =
            seq::ActivationAttr::get(ctx, seq::ActivationKind::relu);
        acts = b.getArrayAttr(SmallVector<Attribute>(numDirs, relu));
      }
      auto op = seq::RnnOp::create(b, opLoc, yType, hType, cur.value, wc, rc,
                                   bc, ih, Value(), (uint64_t)hidden, direction,
                                   layout, acts, FloatAttr());
      y = op.getY(), yh = op.getYH();
    }
    // Final states in PyTorch's [D, B, .] layout, stacked over layers below.
    auto toDirMajor = [&](Value v) {
      return batchFirst ? transpose(Val{v, {"", "", ""}}, {1, 0, 2}).value : v;
    };
    finalH.push_back(toDirMajor(yh));
    if (yc)
      finalC.push_back(toDirMajor(yc));
    // PyTorch's output: [T, B, D*Hout] ([B, T, D*Hout] batch-first).
    Val seqOut{y, {cur.dims[0], "", cur.dims[1], ""}};
    if (batchFirst) {
      seqOut.dims = {cur.dims[0], cur.dims[1], "", ""};
    } else if (numDirs == 2) {
      seqOut = transpose(seqOut, {0, 2, 1, 3});
    } else {
      seqOut.value = tensor::CollapseShapeOp::create(
          b, here(), seqOut.value,
          SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}});
      cur = Val{seqOut.value, {cur.dims[0], cur.dims[1], ""}};
      continue;
    }
    Value collapsed = tensor::CollapseShapeOp::create(
        b, here(), seqOut.value,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
    cur = Val{collapsed, {seqOut.dims[0], seqOut.dims[1], ""}};
  }
  // `NAME.h_n` [num_layers*D, B, Hout] and `NAME.c_n` [num_layers*D, B, H].
  SmallVector<std::string> stateDims = {"", x.dims[batchDim], ""};
  auto stackLayers = [&](ArrayRef<Value> parts) {
    return parts.size() == 1
               ? parts[0]
               : tensor::ConcatOp::create(b, here(), 0, parts).getResult();
  };
  values[current->name + ".h_n"] = Val{stackLayers(finalH), stateDims};
  state[current->name + ".h_n"] = 2;
  if (!finalC.empty()) {
    values[current->name + ".c_n"] = Val{stackLayers(finalC), stateDims};
    state[current->name + ".c_n"] = 2;
  }
  return cur;
}

LogicalResult Emitter::checkInitialState(const Val &s, unsigned operand,
                                         int64_t rows, const Val &x,
                                         int64_t batchDim, int64_t size) {
  const Argument &arg = current->operands[operand];
  SmallVector<int64_t> want = {rows, x.type().getDimSize(batchDim), size};
  bool ok = isa<FloatType>(s.type().getElementType()) && s.rank() == 3;
  for (int64_t d = 0; ok && d < 3; ++d)
    ok = s.type().isDynamicDim(d) || ShapedType::isDynamic(want[d]) ||
         s.type().getDimSize(d) == want[d];
  // A named batch dimension must be the input's, and the input's batch
  // may not name the rows or the features (a state passed batch first,
  // [B, num_layers*D, H], as PyTorch never takes it).
  if (ok && !s.dims[1].empty() && !x.dims[batchDim].empty())
    ok = s.dims[1] == x.dims[batchDim];
  if (ok && !x.dims[batchDim].empty())
    ok = s.dims[0] != x.dims[batchDim] && s.dims[2] != x.dims[batchDim];
  if (ok) {
    // A run-time row count or size must be the layers' (PyTorch refuses
    // others; slicing the layers' rows would ignore extra ones).
    for (int64_t d : {int64_t(0), int64_t(2)}) {
      if (!s.type().isDynamicDim(d))
        continue;
      Value size = dimValue(s.value, d);
      Value equal = arith::CmpIOp::create(
          b, here(), arith::CmpIPredicate::eq, size,
          arith::ConstantIndexOp::create(b, here(), want[d]));
      seq::createCheck(b, here(), equal, size,
                       current->layer + " '" + current->name + "' at " +
                           seq::describeLocation(here()) + ": its initial " +
                           (operand == 1 ? "h0" : "c0") + " has {} " +
                           (d == 0 ? "rows" : "features") + "; it must have " +
                           std::to_string(want[d]) +
                           (d == 0 ? " (num_layers*D)"
                                   : (operand == 1 ? " (Hout)" : " (H)")),
                       seq::CheckKind::shape);
    }
    return success();
  }
  std::string batch = !x.dims[batchDim].empty() ? x.dims[batchDim]
                      : ShapedType::isDynamic(want[1])
                          ? std::string("?")
                          : std::to_string(want[1]);
  error(arg.value.pos) << "the initial " << (operand == 1 ? "h0" : "c0")
                       << " of " << current->layer << " '" << current->name
                       << "' must be f32[num_layers*D, B, "
                       << (operand == 1 ? "Hout" : "H") << "] = f32[" << rows
                       << ", " << batch << ", " << size << "]"
                       << (batchDim == 0 ? " (batch second, also with "
                                           "batch_first, as in PyTorch)"
                                         : "")
                       << "; " << describe(s, arg.value.text);
  return failure();
}

Value Emitter::initialState(const Val &s, int64_t layer, int64_t numDirs,
                            RankedTensorType opType, bool batchFirst) {
  // Rows [layer*D, (layer+1)*D) of [num_layers*D, B, S], as the op wants it.
  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(layer * numDirs),
                                       b.getIndexAttr(0), b.getIndexAttr(0)};
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(numDirs),
                                     dimFold(s.value, 1), dimFold(s.value, 2)};
  SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
  auto sliceType = RankedTensorType::get(
      {numDirs, s.type().getDimSize(1), s.type().getDimSize(2)},
      s.type().getElementType());
  Value v = tensor::ExtractSliceOp::create(b, here(), sliceType, s.value,
                                           offsets, sizes, strides);
  if (batchFirst)
    v = transpose(Val{v, {"", "", ""}}, {1, 0, 2}).value;
  if (v.getType() != opType)
    v = tensor::CastOp::create(b, here(), opType, v);
  return v;
}

} // namespace md
} // namespace seqc
