// oneDNN peer for bench/bench.py: runs one forward-inference LSTM, GRU or
// tanh RNN layer with oneDNN's RNN primitives on weights given in PyTorch's
// layout, checks the output against PyTorch's, and prints the median
// latency.
//
//   onednn_rnn lstm|gru|rnn T B I H DIR RUNS
//
// DIR holds raw little-endian float32 files written by bench.py:
//   x.f32          input, (T, B, I)                    (PyTorch's seq-first)
//   w_ih.f32       weight_ih_l0, (G*H, I)     G = 4 (LSTM), 3 (GRU), 1 (RNN)
//   w_hh.f32       weight_hh_l0, (G*H, H)
//   b_ih.f32       bias_ih_l0, (G*H)
//   b_hh.f32       bias_hh_l0, (G*H)
//   expected.f32   PyTorch's output, (T, B, H)
//
// Gate orders: PyTorch LSTM is i,f,g,o and oneDNN's lstm_forward is
// i,f,c~,o (the same). PyTorch GRU is r,z,n; oneDNN's lbr_gru_forward
// (linear-before-reset, PyTorch's GRU form) is u(=z),r,o(=n), with a fourth
// bias gate u' added to the recurrent part of o inside r*(...):
//   bias = [b_ih_z + b_hh_z, b_ih_r + b_hh_r, b_ih_n, b_hh_n].
// An RNN (vanilla_rnn_forward, tanh) has one gate and the bias b_ih + b_hh.
// Weights go to oneDNN's ldigo layout: (layers, dirs, I, gates, H).
//
// Prints one line "median_ms X" (after warmup). Exits 1 on a usage or I/O
// error, 2 when the output differs from PyTorch's by more than 1e-4 relative
// to max(1, max|expected|). Threads: whatever the OpenMP runtime under
// libdnnl is given (bench.py sets OMP_NUM_THREADS=1).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>

#include "oneapi/dnnl/dnnl.hpp"

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

static std::vector<float> readFile(const std::string &path, size_t count) {
  std::vector<float> data(count);
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) {
    std::fprintf(stderr, "onednn_rnn: cannot open %s\n", path.c_str());
    std::exit(1);
  }
  size_t got = std::fread(data.data(), sizeof(float), count, f);
  bool extra = std::fgetc(f) != EOF;
  std::fclose(f);
  if (got != count || extra) {
    std::fprintf(stderr, "onednn_rnn: %s: expected %zu floats\n", path.c_str(),
                 count);
    std::exit(1);
  }
  return data;
}

// PyTorch (G*H, K) with PyTorch gate order -> oneDNN ldigo (1, 1, K, G, H)
// with gate g of the output taken from PyTorch gate order[g].
static std::vector<float> toLdigo(const std::vector<float> &w, int gates,
                                  const int *order, long k, long h) {
  std::vector<float> out(w.size());
  for (int g = 0; g < gates; ++g)
    for (long o = 0; o < h; ++o)
      for (long i = 0; i < k; ++i)
        out[(i * gates + g) * h + o] = w[(order[g] * h + o) * k + i];
  return out;
}

int main(int argc, char **argv) {
  if (argc != 8) {
    std::fprintf(stderr, "usage: onednn_rnn lstm|gru|rnn T B I H DIR RUNS\n");
    return 1;
  }
  std::string kind = argv[1];
  long T = std::atol(argv[2]), B = std::atol(argv[3]), I = std::atol(argv[4]),
       H = std::atol(argv[5]);
  std::string dir = argv[6];
  int runs = std::atoi(argv[7]);
  bool lstm = kind == "lstm", gru = kind == "gru", rnn = kind == "rnn";
  if ((!lstm && !gru && !rnn) || T <= 0 || B <= 0 || I <= 0 || H <= 0 ||
      runs <= 0) {
    std::fprintf(stderr, "onednn_rnn: bad arguments\n");
    return 1;
  }
  int G = lstm ? 4 : gru ? 3 : 1;

  auto x = readFile(dir + "/x.f32", T * B * I);
  auto wIh = readFile(dir + "/w_ih.f32", G * H * I);
  auto wHh = readFile(dir + "/w_hh.f32", G * H * H);
  auto bIh = readFile(dir + "/b_ih.f32", G * H);
  auto bHh = readFile(dir + "/b_hh.f32", G * H);
  auto expected = readFile(dir + "/expected.f32", T * B * H);

  static const int lstmOrder[] = {0, 1, 2, 3}; // i,f,g,o -> i,f,c~,o
  static const int gruOrder[] = {1, 0, 2};     // r,z,n -> u(z),r,o(n)
  static const int rnnOrder[] = {0};
  const int *order = lstm ? lstmOrder : gru ? gruOrder : rnnOrder;
  auto wLayer = toLdigo(wIh, G, order, I, H);
  auto wIter = toLdigo(wHh, G, order, H, H);
  // LSTM: i,f,c~,o; lbr_gru: u,r,o plus u'; RNN: one.
  const int biasGates = rnn ? 1 : 4;
  std::vector<float> bias(biasGates * H);
  for (int g = 0; g < G; ++g)
    for (long o = 0; o < H; ++o) {
      float in = bIh[order[g] * H + o], rec = bHh[order[g] * H + o];
      // lbr_gru: o gets only b_ih_n; b_hh_n is the separate u' gate.
      bias[g * H + o] = (gru && g == 2) ? in : in + rec;
    }
  if (gru)
    for (long o = 0; o < H; ++o)
      bias[3 * H + o] = bHh[2 * H + o];

  engine eng(engine::kind::cpu, 0);
  stream strm(eng);

  memory::desc srcLayerMd({T, B, I}, dt::f32, tag::tnc);
  memory::desc wLayerUserMd({1, 1, I, G, H}, dt::f32, tag::ldigo);
  memory::desc wIterUserMd({1, 1, H, G, H}, dt::f32, tag::ldigo);
  memory::desc biasMd({1, 1, biasGates, H}, dt::f32, tag::ldgo);
  memory::desc dstLayerMd({T, B, H}, dt::f32, tag::tnc);
  // Let oneDNN pick its preferred weight layout (as a deployed model would
  // reorder weights once at load time).
  memory::desc wLayerAnyMd({1, 1, I, G, H}, dt::f32, tag::any);
  memory::desc wIterAnyMd({1, 1, H, G, H}, dt::f32, tag::any);
  memory::desc none;

  primitive prim;
  memory::desc wLayerMd, wIterMd, scratchMd;
  if (lstm) {
    lstm_forward::desc d(prop_kind::forward_inference,
                         rnn_direction::unidirectional_left2right, srcLayerMd,
                         none, none, wLayerAnyMd, wIterAnyMd, biasMd,
                         dstLayerMd, none, none);
    lstm_forward::primitive_desc pd(d, eng);
    wLayerMd = pd.weights_layer_desc();
    wIterMd = pd.weights_iter_desc();
    scratchMd = pd.scratchpad_desc();
    prim = lstm_forward(pd);
  } else if (rnn) {
    vanilla_rnn_forward::desc d(prop_kind::forward_inference,
                                algorithm::eltwise_tanh,
                                rnn_direction::unidirectional_left2right,
                                srcLayerMd, none, wLayerAnyMd, wIterAnyMd,
                                biasMd, dstLayerMd, none);
    vanilla_rnn_forward::primitive_desc pd(d, eng);
    wLayerMd = pd.weights_layer_desc();
    wIterMd = pd.weights_iter_desc();
    scratchMd = pd.scratchpad_desc();
    prim = vanilla_rnn_forward(pd);
  } else {
    lbr_gru_forward::desc d(prop_kind::forward_inference,
                            rnn_direction::unidirectional_left2right,
                            srcLayerMd, none, wLayerAnyMd, wIterAnyMd, biasMd,
                            dstLayerMd, none);
    lbr_gru_forward::primitive_desc pd(d, eng);
    wLayerMd = pd.weights_layer_desc();
    wIterMd = pd.weights_iter_desc();
    scratchMd = pd.scratchpad_desc();
    prim = lbr_gru_forward(pd);
  }

  memory srcMem(srcLayerMd, eng, x.data());
  memory biasMem(biasMd, eng, bias.data());
  memory wLayerUser(wLayerUserMd, eng, wLayer.data());
  memory wIterUser(wIterUserMd, eng, wIter.data());
  memory wLayerMem(wLayerMd, eng), wIterMem(wIterMd, eng);
  reorder(wLayerUser, wLayerMem).execute(strm, wLayerUser, wLayerMem);
  reorder(wIterUser, wIterMem).execute(strm, wIterUser, wIterMem);
  std::vector<float> y(T * B * H);
  memory dstMem(dstLayerMd, eng, y.data());
  memory scratchMem(scratchMd, eng);

  std::unordered_map<int, memory> args = {
      {DNNL_ARG_SRC_LAYER, srcMem},     {DNNL_ARG_WEIGHTS_LAYER, wLayerMem},
      {DNNL_ARG_WEIGHTS_ITER, wIterMem}, {DNNL_ARG_BIAS, biasMem},
      {DNNL_ARG_DST_LAYER, dstMem},     {DNNL_ARG_SCRATCHPAD, scratchMem}};

  prim.execute(strm, args);
  strm.wait();

  float scale = 1.0f, err = 0.0f;
  for (size_t i = 0; i < y.size(); ++i) {
    scale = std::max(scale, std::fabs(expected[i]));
    float d = std::fabs(y[i] - expected[i]);
    if (!(d <= err)) err = std::isnan(d) ? INFINITY : d; // NaN counts as bad
  }
  if (!(err <= 1e-4f * scale)) {
    std::fprintf(stderr,
                 "onednn_rnn: %s output differs from PyTorch by %g "
                 "(tolerance %g)\n",
                 kind.c_str(), err, 1e-4f * scale);
    return 2;
  }

  for (int i = 0; i < 5; ++i) {
    prim.execute(strm, args);
    strm.wait();
  }
  std::vector<double> samples;
  samples.reserve(runs);
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    prim.execute(strm, args);
    strm.wait();
    auto stop = std::chrono::steady_clock::now();
    samples.push_back(
        std::chrono::duration<double, std::milli>(stop - start).count());
  }
  std::sort(samples.begin(), samples.end());
  double median = runs % 2 ? samples[runs / 2]
                           : 0.5 * (samples[runs / 2 - 1] + samples[runs / 2]);
  std::printf("median_ms %.6f max_abs_err %g\n", median, err);
  return 0;
}
