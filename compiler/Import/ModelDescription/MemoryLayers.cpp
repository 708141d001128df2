//===- MemoryLayers.cpp - the .seq ntm layer ----------------------------===//
//
// A Neural Turing Machine (Graves et al., "Neural Turing Machines", 2014)
// with an LSTM controller, emitted as one seq.scan whose step runs the
// controller, addresses the memory with every head (seq.content_address,
// seq.address_interpolate, seq.address_shift, seq.address_sharpen), reads
// and writes it. The weights are those of the PyTorch module in
// examples/seq-models/ntm_reference.py (its state_dict); docs/
// ModelDescription.md lists them.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/ModelDescription/Emitter.h"
#include "dialects/Seq/Utils/TensorUtils.h"

using namespace mlir;

namespace seqc {
namespace md {

namespace {

/// The sizes of an NTM, from its weights.
struct NtmSizes {
  int64_t input, hidden, rows, width, readHeads, writeHeads, shifts;
  /// Head parameters: key (W), beta, g, shift (S), gamma; write heads also
  /// erase (W) and add (W).
  int64_t readParams() const { return width + shifts + 3; }
  int64_t writeParams() const { return 3 * width + shifts + 3; }
};

/// Rows [0, rows) and columns [begin, end) of a row-major [rows, cols]
/// weight.
WeightTensor columns(const WeightTensor &w, int64_t begin, int64_t end) {
  WeightTensor out;
  out.name = w.name;
  int64_t rows = w.shape[0], cols = w.shape[1];
  out.shape = {rows, end - begin};
  for (int64_t r = 0; r < rows; ++r)
    out.data.insert(out.data.end(), w.data.begin() + r * cols + begin,
                    w.data.begin() + r * cols + end);
  return out;
}

/// The tensors of `parts` stacked along dimension 0.
WeightTensor stackRows(ArrayRef<WeightTensor> parts) {
  WeightTensor out = parts.front();
  out.shape[0] = 0;
  out.data.clear();
  for (const WeightTensor &p : parts) {
    out.shape[0] += p.shape[0];
    out.data.insert(out.data.end(), p.data.begin(), p.data.end());
  }
  return out;
}

} // namespace

FailureOr<Val> Emitter::emitNtm(const Val &x) {
  if (failed(expectFloat(x, 3, "a float [T, B, input] input")))
    return failure();
  FailureOr<int64_t> inputSize = staticDim(x, 2, "input size");
  if (failed(inputSize))
    return failure();
  auto read = [&](StringRef suffix, int64_t rank, StringRef what) {
    return weightOfRank(suffix, rank, "an NTM", what);
  };
  auto count = [&](StringRef group) {
    int64_t n = 0;
    while (weights.contains(prefix() + "." + group.str() + "." +
                            std::to_string(n) + ".weight"))
      ++n;
    return n;
  };

  // The sizes come from the weights; keywords, when given, must agree.
  FailureOr<WeightTensor> memoryBias = read("memory_bias", 2, "[N, W]");
  FailureOr<WeightTensor> hh = read("controller.weight_hh", 2, "[4 * H, H]");
  if (failed(memoryBias) || failed(hh))
    return failure();
  NtmSizes s;
  s.input = *inputSize;
  s.rows = memoryBias->shape[0];
  s.width = memoryBias->shape[1];
  s.hidden = hh->shape[1];
  s.readHeads = count("read_heads");
  s.writeHeads = count("write_heads");
  if (s.readHeads + s.writeHeads == 0) {
    error(current->layerPos)
        << "ntm '" << current->name << "' has no heads: expected weights '"
        << prefix() << ".read_heads.0.weight' and/or '" << prefix()
        << ".write_heads.0.weight'";
    return failure();
  }
  FailureOr<WeightTensor> firstHead =
      s.readHeads ? read("read_heads.0.weight", 2, "[W + S + 3, H]")
                  : read("write_heads.0.weight", 2, "[3 * W + S + 3, H]");
  if (failed(firstHead))
    return failure();
  // P = W + S + 3 for a read head, 3 * W + S + 3 for a write head.
  s.shifts = firstHead->shape[0] - 3 - (s.readHeads ? 1 : 3) * s.width;
  if (s.rows < 1 || s.width < 1 || s.hidden < 1 || s.shifts < 1 ||
      s.shifts % 2 == 0) {
    error(current->layerPos)
        << "ntm '" << current->name << "' weights give N = " << s.rows
        << " rows of W = " << s.width << ", H = " << s.hidden
        << " and a shift kernel of S = " << s.shifts
        << "; all must be at least 1 and S odd";
    return failure();
  }
  if (failed(checkKwAgainst("memory_rows", s.rows, *memoryBias, "N")) ||
      failed(checkKwAgainst("memory_width", s.width, *memoryBias, "W")) ||
      failed(checkKwAgainst("hidden", s.hidden, *hh, "H")) ||
      failed(checkKwAgainst("shift_range", s.shifts, *firstHead, "S")) ||
      failed(expectShape(*hh, {4 * s.hidden, s.hidden},
                         "an LSTM controller of hidden size H")))
    return failure();
  for (auto [kw, counted, group] :
       {std::tuple{"read_heads", s.readHeads, "read_heads"},
        {"write_heads", s.writeHeads, "write_heads"}})
    if (const Argument *a = keyword(kw); a && a->value.intValue != counted) {
      error(a->keyPos) << kw << "=" << a->value.intValue << " but the weights "
                       << "have " << counted << " ('" << prefix() << "."
                       << group << ".N.weight' for N = 0.." << counted - 1
                       << ")";
      return failure();
    }
  int64_t readSize = s.readHeads * s.width;
  int64_t controllerIn = s.input + readSize;
  FailureOr<WeightTensor> ih =
      read("controller.weight_ih", 2, "[4 * H, input + R * W]");
  FailureOr<WeightTensor> biasIh = read("controller.bias_ih", 1, "[4 * H]");
  FailureOr<WeightTensor> biasHh = read("controller.bias_hh", 1, "[4 * H]");
  FailureOr<WeightTensor> hBias = read("h_bias", 1, "[H]");
  FailureOr<WeightTensor> cBias = read("c_bias", 1, "[H]");
  if (failed(ih) || failed(biasIh) || failed(biasHh) || failed(hBias) ||
      failed(cBias) ||
      failed(expectShape(*ih, {4 * s.hidden, controllerIn},
                         "an input of " + std::to_string(s.input) +
                             " features and R * W = " +
                             std::to_string(readSize) + " read values")) ||
      failed(expectShape(*biasIh, {4 * s.hidden}, "4 * H")) ||
      failed(expectShape(*biasHh, {4 * s.hidden}, "4 * H")) ||
      failed(expectShape(*hBias, {s.hidden}, "H")) ||
      failed(expectShape(*cBias, {s.hidden}, "H")))
    return failure();
  std::optional<WeightTensor> readBias;
  if (s.readHeads) {
    FailureOr<WeightTensor> w = read("read_bias", 2, "[R, W]");
    if (failed(w) || failed(expectShape(*w, {s.readHeads, s.width},
                                        "R read heads of width W")))
      return failure();
    readBias = std::move(*w);
  }
  // Each group's heads as one linear layer: [heads * P, H] and [heads * P].
  auto heads =
      [&](StringRef group, int64_t count,
          int64_t params) -> FailureOr<std::pair<WeightTensor, WeightTensor>> {
    SmallVector<WeightTensor> ws, bs;
    for (int64_t k = 0; k < count; ++k) {
      std::string base = group.str() + "." + std::to_string(k);
      FailureOr<WeightTensor> w = read(base + ".weight", 2, "[P, H]");
      FailureOr<WeightTensor> bias = read(base + ".bias", 1, "[P]");
      std::string why = group.str() == "read_heads"
                            ? "a read head (key W, beta, g, S shifts, gamma)"
                            : "a write head (key W, beta, g, S shifts, "
                              "gamma, erase W, add W)";
      if (failed(w) || failed(bias) ||
          failed(expectShape(*w, {params, s.hidden}, why)) ||
          failed(expectShape(*bias, {params}, why)))
        return failure();
      ws.push_back(std::move(*w));
      bs.push_back(std::move(*bias));
    }
    return std::make_pair(stackRows(ws), stackRows(bs));
  };
  FailureOr<std::pair<WeightTensor, WeightTensor>> readHeads =
      heads("read_heads", s.readHeads, s.readParams());
  FailureOr<std::pair<WeightTensor, WeightTensor>> writeHeads =
      heads("write_heads", s.writeHeads, s.writeParams());
  if (failed(readHeads) || failed(writeHeads))
    return failure();

  Location l = here();
  Type f32 = b.getF32Type();
  Value batch = dimValue(x.value, 1);
  // The input's share of the controller's gates, for all steps at once,
  // with both biases: x W_ih[:, :I]^T + b_ih + b_hh.
  WeightTensor gateBias = *biasIh;
  for (auto [g, extra] : llvm::zip(gateBias.data, biasHh->data))
    g += extra;
  Val gatesIn = linearOp(x, columns(*ih, 0, s.input), &gateBias);
  WeightTensor readToGates = columns(*ih, s.input, controllerIn);

  // Initial values, broadcast over the batch: the learned memory, read
  // values and controller state; zero head weightings.
  auto broadcast = [&](ArrayRef<int64_t> shape, ArrayRef<float> data) {
    SmallVector<int64_t> outShape = {ShapedType::kDynamic};
    SmallVector<int64_t> dims;
    for (auto [i, size] : llvm::enumerate(shape)) {
      outShape.push_back(size);
      dims.push_back(static_cast<int64_t>(i) + 1);
    }
    return elementwise("add", {constant(shape, data)}, {dims}, outShape,
                       {batch});
  };
  auto zeros = [&](int64_t heads) {
    std::vector<float> data(s.rows, 0.0f);
    SmallVector<int64_t> outShape = {ShapedType::kDynamic, heads, s.rows};
    return elementwise("add", {constant({s.rows}, data)}, {{2}}, outShape,
                       {batch});
  };
  SmallVector<Value> inits = {broadcast({s.hidden}, hBias->data),
                              broadcast({s.hidden}, cBias->data),
                              broadcast({s.rows, s.width}, memoryBias->data)};
  if (s.readHeads) {
    inits.push_back(broadcast({readSize}, readBias->data));
    inits.push_back(zeros(s.readHeads));
  }
  if (s.writeHeads)
    inits.push_back(zeros(s.writeHeads));
  int64_t outSize = s.hidden + readSize;
  Value outs =
      emptyTensor({ShapedType::kDynamic, ShapedType::kDynamic, outSize},
                  {dimValue(x.value, 0), batch}, f32);

  auto scan = seq::ScanOp::create(
      b, l, inits, ValueRange{gatesIn.value}, ValueRange{outs},
      /*reverse=*/false,
      [&](OpBuilder &nb, Location nl, Value, ValueRange carried,
          ValueRange slices) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
        auto act = [&](seq::ActivationKind kind, Value v) -> Value {
          return seq::ActivationOp::create(
              b, nl, seq::ActivationAttr::get(ctx, kind), v);
        };
        auto linear = [&](Value v, const WeightTensor &w,
                          const WeightTensor *bias) {
          return linearOp({v, {"", ""}}, w, bias).value;
        };
        auto cols = [&](Value v, int64_t offset, int64_t size) {
          return seq::extractLastDimRange(b, nl, v, offset, size);
        };
        // Column `offset` of [B, heads, P] as [B, heads].
        auto column = [&](Value v, int64_t offset) -> Value {
          Value one = cols(v, offset, 1);
          auto type = cast<RankedTensorType>(one.getType());
          return tensor::CollapseShapeOp::create(
              b, nl,
              RankedTensorType::get({type.getDimSize(0), type.getDimSize(1)},
                                    f32),
              one, SmallVector<ReassociationIndices>{{0}, {1, 2}});
        };
        Value h = carried[0], c = carried[1], memory = carried[2];
        unsigned next = 3;
        Value readPrev = s.readHeads ? carried[next++] : Value();
        Value readWeights = s.readHeads ? carried[next++] : Value();
        Value writeWeights = s.writeHeads ? carried[next++] : Value();

        // The controller: an LSTM cell (PyTorch's gate order i, f, g, o)
        // on [x_t, r_{t-1}].
        Value gates =
            arith::AddFOp::create(b, nl, slices[0], linear(h, *hh, nullptr));
        if (s.readHeads)
          gates = arith::AddFOp::create(b, nl, gates,
                                        linear(readPrev, readToGates, nullptr));
        auto gate = [&](int64_t k, seq::ActivationKind kind) {
          return act(kind, cols(gates, k * s.hidden, s.hidden));
        };
        Value i = gate(0, seq::ActivationKind::sigmoid);
        Value f = gate(1, seq::ActivationKind::sigmoid);
        Value g = gate(2, seq::ActivationKind::tanh);
        Value o = gate(3, seq::ActivationKind::sigmoid);
        Value cNext =
            arith::AddFOp::create(b, nl, arith::MulFOp::create(b, nl, f, c),
                                  arith::MulFOp::create(b, nl, i, g));
        Value hNext = arith::MulFOp::create(
            b, nl, o, act(seq::ActivationKind::tanh, cNext));

        // One group of heads: their parameters [B, heads, P] from h, and
        // the addressing of NTM eq. 5-9 from the previous weighting.
        auto address = [&](const std::pair<WeightTensor, WeightTensor> &w,
                           int64_t count, int64_t params, Value previous) {
          Value flat = linear(hNext, w.first, &w.second);
          auto type =
              RankedTensorType::get({ShapedType::kDynamic, count, params}, f32);
          Value p = tensor::ExpandShapeOp::create(
              b, nl, type, flat, SmallVector<ReassociationIndices>{{0}, {1, 2}},
              SmallVector<OpFoldResult>{
                  tensor::DimOp::create(b, nl, flat, 0).getResult(),
                  b.getIndexAttr(count), b.getIndexAttr(params)});
          Value key = cols(p, 0, s.width);
          Value strength =
              act(seq::ActivationKind::softplus, column(p, s.width));
          Value interpolation =
              act(seq::ActivationKind::sigmoid, column(p, s.width + 1));
          Value shiftLogits = cols(p, s.width + 2, s.shifts);
          Value shiftInit = tensor::EmptyOp::create(
              b, nl,
              ArrayRef<OpFoldResult>{
                  tensor::DimOp::create(b, nl, p, 0).getResult(),
                  b.getIndexAttr(count), b.getIndexAttr(s.shifts)},
              f32);
          Value shift = linalg::SoftmaxOp::create(b, nl, shiftInit.getType(),
                                                  shiftLogits, shiftInit, 2)
                            .getResult()[0];
          // gamma = 1 + softplus: an affine activation of the softplus.
          Value sharpness = seq::ActivationOp::create(
              b, nl,
              seq::ActivationAttr::get(ctx, seq::ActivationKind::affine,
                                       APFloat(1.0f), APFloat(1.0f)),
              act(seq::ActivationKind::softplus,
                  column(p, s.width + 2 + s.shifts)));
          auto weightsType = previous.getType();
          Value content = seq::ContentAddressOp::create(
              b, nl, weightsType, memory, key, strength,
              APFloat(1e-8f)); // F.cosine_similarity's default eps
          Value gated = seq::AddressInterpolateOp::create(
              b, nl, weightsType, content, previous, interpolation);
          Value shifted =
              seq::AddressShiftOp::create(b, nl, weightsType, gated, shift);
          Value sharpened = seq::AddressSharpenOp::create(
              b, nl, weightsType, shifted, sharpness, APFloat(0.0f));
          return std::make_pair(p, sharpened);
        };

        SmallVector<Value> yields = {hNext, cNext};
        Value memoryNext = memory;
        Value readFlat;
        SmallVector<Value> weightings;
        if (s.readHeads) {
          auto [p, w] =
              address(*readHeads, s.readHeads, s.readParams(), readWeights);
          (void)p;
          auto readType = RankedTensorType::get(
              {ShapedType::kDynamic, s.readHeads, s.width}, f32);
          Value reads = seq::MemoryReadOp::create(b, nl, readType, memory, w);
          readFlat = tensor::CollapseShapeOp::create(
              b, nl,
              RankedTensorType::get({ShapedType::kDynamic, readSize}, f32),
              reads, SmallVector<ReassociationIndices>{{0}, {1, 2}});
          weightings.push_back(w);
        }
        if (s.writeHeads) {
          auto [p, w] =
              address(*writeHeads, s.writeHeads, s.writeParams(), writeWeights);
          int64_t base = s.width + s.shifts + 3;
          Value erase =
              act(seq::ActivationKind::sigmoid, cols(p, base, s.width));
          Value add =
              act(seq::ActivationKind::tanh, cols(p, base + s.width, s.width));
          memoryNext = seq::MemoryWriteOp::create(b, nl, memory.getType(),
                                                  memory, w, erase, add);
          weightings.push_back(w);
        }
        yields.push_back(memoryNext);
        if (s.readHeads)
          yields.push_back(readFlat);
        yields.append(weightings);
        // The step's output: [h_t, r_t].
        Value output =
            s.readHeads ? tensor::ConcatOp::create(b, nl, /*dim=*/1,
                                                   ValueRange{hNext, readFlat})
                              .getResult()
                        : hNext;
        yields.push_back(output);
        seq::YieldOp::create(b, nl, yields);
      });
  Val out;
  out.value = scan.getOutputs()[0];
  out.dims = {x.dims[0], x.dims[1], ""};
  return out;
}

} // namespace md
} // namespace seqc
