#!/usr/bin/python3
"""Exports the small PyTorch models that test the ONNX importer's layer and
indexing ops beyond the core set of make_models.py: normalization
(BatchNorm1d, InstanceNorm1d, GroupNorm), pooling (MaxPool1d, AvgPool1d,
adaptive pooling to one step), F.interpolate (Resize), ConvTranspose1d,
PReLU, Flatten, TopK / sort, logsumexp, std, fmod, IsNaN / IsInf, Celu, the
inverse trigonometric functions, clamped integer ids, integer arithmetic on
positions (T5 buckets, ALiBi, Hugging Face masks), broadcasts against
one-element time slices, flips, index tensors, gathers and scatters; and,
with onnx.helper and NumPy's results, the hyperbolic functions torch 1.13
cannot export.

Run with Debian's python3 (python3-torch 1.13, python3-onnx 1.12):

    /usr/bin/python3 test/Import/Onnx/make_layer_models.py [OUT_DIR] [--only NAME...]

It writes, like make_models.py, OUT_DIR/NAME.onnx (exported at T=5, B=3
with dynamic sequence and batch axes) and PyTorch's inputs and results at
two other (T, B) for run_models.py, and with onnx.helper the malformed
graphs of layer-errors.test into Inputs/.
"""

import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_models import TEST_SHAPES, export_models  # noqa: E402

C = 6  # channels


class ConvFrontEnd(nn.Module):
    """A speech/TCN front end: Conv1d, BatchNorm1d, per-channel PReLU,
    MaxPool1d (ceil_mode, padding), ConvTranspose1d back up, GroupNorm and
    AvgPool1d (ceil_mode, padding, count_include_pad off). Every stage is
    an output so a mismatch names its op."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(C, C, 3, padding=1)
        self.bn = nn.BatchNorm1d(C)
        # Running statistics unlike the defaults (as after training).
        self.bn.running_mean.uniform_(-0.5, 0.5)
        self.bn.running_var.uniform_(0.5, 2.0)
        self.prelu = nn.PReLU(C, init=0.1)
        self.up = nn.ConvTranspose1d(C, 4, 4, stride=2, padding=1,
                                     output_padding=1)
        self.gn = nn.GroupNorm(2, 4)

    def forward(self, x):
        a = self.prelu(self.bn(self.conv(x)))
        m = F.max_pool1d(a, 3, stride=2, padding=1, ceil_mode=True)
        u = self.gn(self.up(m))
        p = F.avg_pool1d(u, 3, stride=2, padding=1, ceil_mode=True,
                         count_include_pad=False)
        return a, m, u, p


class ConvTransposes(nn.Module):
    """ConvTranspose1d variants: groups with dilation and output_padding,
    stride 3 without bias, and padding past dilation * (K - 1) (the
    equivalent convolution's output cropped)."""

    def __init__(self):
        super().__init__()
        self.grouped = nn.ConvTranspose1d(C, 4, 3, stride=2, dilation=2,
                                          groups=2, output_padding=1)
        self.strided = nn.ConvTranspose1d(C, 3, 2, stride=3, bias=False)
        self.cropped = nn.ConvTranspose1d(C, 2, 2, stride=3, padding=2)

    def forward(self, x):
        return self.grouped(x), self.strided(x), self.cropped(x)


class Pools(nn.Module):
    """MaxPool1d with dilation and padding, AvgPool1d counting the padding
    (floor mode), and adaptive average / max pooling to one step (ONNX
    GlobalAveragePool / GlobalMaxPool)."""

    def forward(self, x):
        return (F.max_pool1d(x, 2, stride=1, padding=1, dilation=2),
                F.avg_pool1d(x, 2, stride=2, padding=1,
                             count_include_pad=True),
                F.adaptive_avg_pool1d(x, 1), F.adaptive_max_pool1d(x, 1))


class FeatureOps(nn.Module):
    """Batch-first [B, T, C] glue: InstanceNorm1d over time, BatchNorm1d on
    flattened [B * T, C] rows, Flatten, logsumexp, std, fmod, Celu, the
    inverse trigonometric functions, GELU and LayerNorm without weights
    (whose output dims torch 1.13 names after the op), IsNaN / IsInf masks and embedding ids clamped in
    int64."""

    def __init__(self):
        super().__init__()
        self.inorm = nn.InstanceNorm1d(C, affine=True)
        self.bn = nn.BatchNorm1d(C)
        self.bn.running_mean.uniform_(-0.5, 0.5)
        self.bn.running_var.uniform_(0.5, 2.0)
        self.emb = nn.Embedding(10, 3)

    def forward(self, x):
        n = self.inorm(x.transpose(1, 2)).transpose(1, 2)
        b = self.bn(x.reshape(-1, C)).reshape(x.shape)
        flat = torch.flatten(x, 1)
        stats = torch.stack([torch.logsumexp(x, -1), x.std(-1)], -1)
        c = x.clamp(-0.9, 0.9)
        math_ = torch.cat([torch.fmod(x, 0.7), F.celu(x, 0.5), torch.atan(x),
                           torch.asin(c), torch.acos(c), torch.tan(c),
                           F.gelu(x)], -1)
        masks = torch.stack([torch.isnan(torch.log(x)).float(),
                             torch.isinf(1 / (x > 0).float()).float()], -1)
        ids = (x[..., 0] * 4).long().clamp(0, 9)
        # Outputs of their own: torch 1.13 names their dims "Muly_dim_0",
        # "Divln_dim_1", ... although they are x's B and T.
        return (n, b, flat, stats, math_, masks, self.emb(ids), F.gelu(x),
                F.layer_norm(x, (C,)))


class Selection(nn.Module):
    """TopK values and indices (largest and smallest, along features and
    along time) and a full sort, as greedy / beam heads use them, and a
    sort of int64 lengths."""

    def forward(self, x):
        top, top_i = torch.topk(x, 3, dim=-1)
        low, low_i = torch.topk(x, 2, dim=1, largest=False)
        s, s_i = torch.sort(x, dim=-1, descending=True)
        # int64 lengths sorted as pack_padded_sequence(enforce_sorted=False)
        # does (ties keep their order: stable in both).
        lengths = (x[..., 0] > 0).sum(1) * 10 + torch.arange(x.shape[0])
        by_length, order = torch.sort(lengths, descending=True)
        return (top, top_i, low, low_i, s, s_i,
                torch.stack([by_length, order]).float())


def t5_bucket(rel, buckets=8, max_distance=16):
    """T5's relative_position_bucket (bidirectional), as Hugging Face
    writes it."""
    half = buckets // 2
    ret = (rel > 0).long() * half
    n = torch.abs(rel)
    max_exact = half // 2
    large = max_exact + (torch.log(n.float() / max_exact) /
                         math.log(max_distance / max_exact) *
                         (half - max_exact)).long()
    large = torch.min(large, torch.full_like(large, half - 1))
    return ret + torch.where(n < max_exact, n, large)


class IndexMath(nn.Module):
    """Integer tensors as values: T5 relative-position buckets (Sub, Abs,
    Min, Where, Mul on int64), ALiBi distances, a Hugging Face int64
    attention mask made an additive bias and position ids (CumSum), and
    integer division and remainder of negative distances; then broadcasts
    against one-element time slices (x - x[:, :1], x[:, -1:].expand_as(x))
    and repeat_interleave, whose shape arithmetic concatenates an empty
    constant."""

    def __init__(self):
        super().__init__()
        self.rel = nn.Embedding(8, 2)

    def forward(self, x):
        T = x.shape[1]
        pos = torch.arange(T)
        rel = pos[None, :] - pos[:, None]
        bias = self.rel(t5_bucket(rel)).permute(2, 0, 1)
        scores = (x @ x.transpose(1, 2))[:, None] + bias[None]
        alibi = -0.5 * rel.abs().float()
        mask = (x[..., 0] > -1.0).long()
        pad = (1 - mask[:, None, None, :]).float() * -1e4
        att = (scores + alibi + pad).softmax(-1).sum(1)
        ids = mask.cumsum(-1) * mask - 1
        divmod_ = torch.stack([torch.div(rel, 3, rounding_mode="trunc"),
                               rel % 3], -1)
        return (att, ids.float(), divmod_.float(), x - x[:, :1],
                x[:, -1:].expand_as(x) + x, x.repeat_interleave(2, dim=2))


class Reorder(nn.Module):
    """Time reversed and strided (torch.flip, x.flip via a descending
    arange, x[:, ::2]), rows picked by constant and by computed indices
    (index_select, gather of the argmax step), torch.where against a Python
    float (a DOUBLE constant in torch 1.13's export), a float arange
    (sinusoidal positions)."""

    def forward(self, x):
        T = x.shape[1]
        flipped = torch.flip(x, [1])
        backwards = x[:, torch.arange(T - 1, -1, -1)]
        strided = x[:, ::2]
        picked = x[:, :, torch.tensor([5, 0, 2])]
        best = x[..., 0].argmax(1)                       # [B]
        at_best = x[torch.arange(x.shape[0]), best]      # [B, C]
        clipped = torch.where(x > 0, x, 0.25)
        freqs = torch.exp(torch.arange(0, C, 2.0) * (-math.log(100.0) / C))
        angles = torch.arange(T, dtype=torch.float32)[:, None] * freqs
        return (flipped, backwards, strided, picked, at_best, clipped,
                torch.cat([angles.sin(), angles.cos()], -1))


class Scatters(nn.Module):
    """torch.gather of computed indices (GatherElements), Tensor.scatter
    and scatter_add with repeated indices (ScatterElements, reduction add),
    and assignments in forward: y[:, 0] = 1 and a key/value-cache-style
    write of the last step at a computed position (ScatterND)."""

    def forward(self, x):
        B, T = x.shape[0], x.shape[1]
        order = x.argsort(-1)
        gathered = torch.gather(x, 2, order[..., :3])
        slot = (x[..., :2].abs() * 2).long().clamp(0, C - 1)
        scattered = torch.zeros_like(x).scatter(2, slot, x[..., :2])
        summed = torch.zeros(B, T, C).scatter_add(2, slot.repeat(1, 1, 2),
                                                  x[..., :4])
        y = x.clone()
        y[:, 0] = 1.0
        cache = torch.zeros(B, T + 2, C)
        cache[:, T] = x[:, -1]
        return gathered, scattered, summed, y, cache


class Resample(nn.Module):
    """F.interpolate over time (ONNX Resize): nearest by a scale and to a
    size, linear with half-pixel and align-corners coordinates, and a
    fractional scale."""

    def forward(self, x):
        return (F.interpolate(x, scale_factor=2, mode="nearest"),
                F.interpolate(x, size=7, mode="nearest"),
                F.interpolate(x, scale_factor=2, mode="linear"),
                F.interpolate(x, scale_factor=3, mode="linear",
                              align_corners=True),
                F.interpolate(x, scale_factor=1.5, mode="linear"))


def channels_first(T, B, rng):
    return {"x": rng.standard_normal((B, C, T)).astype(np.float32)}


def batch_first(T, B, rng):
    return {"x": rng.standard_normal((B, T, C)).astype(np.float32)}


BF = {"x": {0: "B", 1: "T"}}
CF = {"x": {0: "B", 2: "T"}}
MODELS = [
    ("conv_front_end", ConvFrontEnd, 14, channels_first,
     ["a", "m", "u", "p"], CF),
    ("conv_transposes", ConvTransposes, 14, channels_first,
     ["grouped", "strided", "cropped"], CF),
    ("pools", Pools, 14, channels_first, ["max", "avg", "gavg", "gmax"], CF),
    ("feature_ops", FeatureOps, 14, batch_first,
     ["n", "b", "flat", "stats", "math", "masks", "emb", "gelu", "ln"], BF),
    ("selection", Selection, 14, batch_first,
     ["top", "top_i", "low", "low_i", "s", "s_i", "lengths"], BF),
    ("reorder", Reorder, 14, batch_first,
     ["flipped", "backwards", "strided", "picked", "at_best", "clipped",
      "positions"], BF),
    ("scatters", Scatters, 16, batch_first,
     ["gathered", "scattered", "summed", "assigned", "cache"], BF),
    ("resample", Resample, 14, channels_first,
     ["nearest", "sized", "linear", "corners", "fractional"], CF),
    ("index_math", IndexMath, 14, batch_first,
     ["att", "ids", "divmod", "centered", "last", "interleaved"], BF),
]


def write_hyperbolic_model(out_dir):
    """Sinh, Cosh, Asinh, Acosh and Atanh (ONNX ops torch 1.13 cannot
    export) made with onnx.helper, with NumPy's results."""
    from onnx import TensorProto, helper

    ops = [("Sinh", np.sinh, lambda x: x), ("Cosh", np.cosh, lambda x: x),
           ("Asinh", np.arcsinh, lambda x: x),
           ("Acosh", np.arccosh, lambda x: np.abs(x) + 1),
           ("Atanh", np.arctanh, lambda x: np.tanh(x))]
    nodes, outputs = [], []
    for i, (op, _, _) in enumerate(ops):
        # Acosh reads |x| + 1 and Atanh tanh(x): inside their domains.
        src = "x"
        if op == "Acosh":
            nodes += [helper.make_node("Abs", ["x"], ["ax"]),
                      helper.make_node("Add", ["ax", "one"], ["x1"])]
            src = "x1"
        if op == "Atanh":
            nodes.append(helper.make_node("Tanh", ["x"], ["tx"]))
            src = "tx"
        nodes.append(helper.make_node(op, [src], [op.lower()]))
        outputs.append(helper.make_tensor_value_info(
            op.lower(), TensorProto.FLOAT, ["B", "T", C]))
    graph = helper.make_graph(
        nodes, "hyperbolic",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       ["B", "T", C])], outputs,
        initializer=[helper.make_tensor("one", TensorProto.FLOAT, [], [1.0])])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 14)])
    with open(os.path.join(out_dir, "hyperbolic.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    rng = np.random.default_rng(5)
    for T, B in TEST_SHAPES:
        x = rng.standard_normal((B, T, C)).astype(np.float32)
        np.save(os.path.join(out_dir, f"hyperbolic.t{T}.in.x.npy"), x)
        for op, f, domain in ops:
            y = f(domain(x.astype(np.float64))).astype(np.float32)
            np.save(os.path.join(out_dir, f"hyperbolic.t{T}.out.{op.lower()}.npy"),
                    y)


def write_error_inputs(in_dir):
    """The layer graphs the importer refuses, each with its message."""
    from onnx import TensorProto, helper

    rng = np.random.default_rng(11)

    def const(name, shape):
        return helper.make_tensor(
            name, TensorProto.FLOAT, shape,
            rng.standard_normal(shape).astype(np.float32).flatten().tolist())

    def ints(name, values):
        return helper.make_tensor(name, TensorProto.INT64, [len(values)],
                                  values)

    def save(name, node, inputs, inits=(), opset=14, outputs=None):
        graph = helper.make_graph(
            [node], name, inputs,
            outputs or [helper.make_tensor_value_info(
                "y", TensorProto.FLOAT, None)],
            initializer=list(inits))
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", opset)])
        with open(os.path.join(in_dir, name + ".onnx"), "wb") as f:
            f.write(model.SerializeToString())

    f32 = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
    bn_params = [const(n, [4]) for n in ("s", "b", "mean")] + [
        helper.make_tensor("var", TensorProto.FLOAT, [4], [1.0] * 4)]
    save("bn_training", helper.make_node(
        "BatchNormalization", ["x", "s", "b", "mean", "var"], ["y"],
        name="BN_1", training_mode=1), [f32("x", ["B", 4, "T"])], bn_params,
        opset=15)
    save("bn_channels", helper.make_node(
        "BatchNormalization", ["x", "s", "b", "mean", "var"], ["y"],
        name="BN_2"), [f32("x", ["B", 5, "T"])], bn_params)
    save("bn_dynamic_channels", helper.make_node(
        "BatchNormalization", ["x", "s", "b", "mean", "var"], ["y"],
        name="BN_3"), [f32("x", ["B", "C", "T"])], bn_params)
    save("pool_2d", helper.make_node(
        "MaxPool", ["x"], ["y"], name="MaxPool_1", kernel_shape=[2, 2]),
        [f32("x", ["B", 4, 8, 8])])
    save("pool_pads", helper.make_node(
        "AveragePool", ["x"], ["y"], name="AveragePool_2", kernel_shape=[2],
        pads=[2, 0]), [f32("x", ["B", 4, "T"])])
    save("pool_window", helper.make_node(
        "MaxPool", ["x"], ["y"], name="MaxPool_3", kernel_shape=[5]),
        [f32("x", ["B", 4, "T"])])
    save("convt_output_shape", helper.make_node(
        "ConvTranspose", ["x", "w"], ["y"], name="ConvT_1",
        output_shape=[10]), [f32("x", ["B", 4, "T"])], [const("w", [4, 2, 3])])
    save("convt_output_padding", helper.make_node(
        "ConvTranspose", ["x", "w"], ["y"], name="ConvT_2", strides=[2],
        output_padding=[2]), [f32("x", ["B", 4, "T"])],
        [const("w", [4, 2, 3])])
    save("convt_dynamic", helper.make_node(
        "ConvTranspose", ["x", "w"], ["y"], name="ConvT_3", strides=[2]),
        [f32("x", ["B", 4, "T"])], [const("w", [4, 2, 3])])
    save("topk_too_many", helper.make_node(
        "TopK", ["x", "k"], ["y", "i"], name="TopK_1"),
        [f32("x", ["B", 4])], [ints("k", [5])],
        outputs=[f32("y", None), helper.make_tensor_value_info(
            "i", TensorProto.INT64, None)])
    save("mod_integer_semantics", helper.make_node(
        "Mod", ["x", "x"], ["y"], name="Mod_1"), [f32("x", [2, 2])])
    i64 = lambda n, s: helper.make_tensor_value_info(n, TensorProto.INT64, s)
    save("int_div", helper.make_node("Div", ["a", "b"], ["y"], name="Div_1"),
         [i64("a", ["N"]), i64("b", ["N"])], outputs=[i64("y", ["N"])])
    save("first_step", helper.make_node(
        "Slice", ["x", "zero", "one", "one"], ["y"], name="Slice_1"),
        [f32("x", ["B", "T", 4])], [ints("zero", [0]), ints("one", [1])],
        outputs=[f32("y", ["B", 1, 4])])
    save("gather_rows", helper.make_node(
        "Gather", ["x", "idx"], ["y"], name="Gather_1", axis=1),
        [f32("x", ["B", "T", 4]), i64("idx", ["K"])],
        outputs=[f32("y", ["B", "K", 4])])
    save("range_zero_delta", helper.make_node(
        "Range", ["a", "b", "zero"], ["y"], name="Range_1"), [],
        [helper.make_tensor("a", TensorProto.INT64, [], [0]),
         helper.make_tensor("b", TensorProto.INT64, [], [4]),
         helper.make_tensor("zero", TensorProto.INT64, [], [0])],
        outputs=[i64("y", None)])
    save("scatter_rows", helper.make_node(
        "ScatterND", ["x", "idx", "u"], ["y"], name="ScatterND_1"),
        [f32("x", ["B", 4]), i64("idx", ["N", 1]), f32("u", ["N", 4])],
        outputs=[f32("y", ["B", 4])], opset=16)
    save("gather_elements_big", helper.make_node(
        "GatherElements", ["x", "idx"], ["y"], name="GatherElements_1",
        axis=1), [f32("x", [2, 3]), i64("idx", [3, 3])])
    save("resize_cubic", helper.make_node(
        "Resize", ["x", "", "scales"], ["y"], name="Resize_1", mode="cubic"),
        [f32("x", ["B", 4, "T"])],
        [helper.make_tensor("scales", TensorProto.FLOAT, [3], [1, 1, 2])])
    save("resize_channels", helper.make_node(
        "Resize", ["x", "", "scales"], ["y"], name="Resize_2"),
        [f32("x", ["B", 4, "T"])],
        [helper.make_tensor("scales", TensorProto.FLOAT, [3], [1, 2, 2])])
    save("convt_huge_stride", helper.make_node(
        "ConvTranspose", ["x", "w"], ["y"], name="ConvT_4", strides=[2**62]),
        [f32("x", [1, 4, 5])], [const("w", [4, 2, 3])])
    save("slice_repeated_axes", helper.make_node(
        "Slice", ["x", "st", "en", "ax"], ["y"], name="Slice_2"),
        [f32("x", [4, 4])], [ints("st", [0, 1]), ints("en", [2, 3]),
                             ints("ax", [1, 1])])
    save("slice_static_empty", helper.make_node(
        "Slice", ["x", "st", "en", "ax"], ["y"], name="Slice_3"),
        [f32("x", [4, 0])], [ints("st", [0]), ints("en", [5]),
                             ints("ax", [1])],
        outputs=[f32("y", [4, 0])])
    i32 = lambda n, s: helper.make_tensor_value_info(n, TensorProto.INT32, s)
    save("int32_add", helper.make_node("Add", ["a", "c"], ["y"], name="Add_1"),
         [i32("a", ["N"])],
         [helper.make_tensor("c", TensorProto.INT32, [], [3])],
         outputs=[i32("y", ["N"])])
    save("prelu_slope", helper.make_node(
        "PRelu", ["x", "slope"], ["y"], name="PRelu_1"),
        [f32("x", ["B", 4, "T"])], [const("slope", [3, 1, 1, 1])])
    # Refused forms of the layer and indexing ops (after every graph above,
    # so that their random weights do not change).
    node = helper.make_node
    save("pool_no_kernel", node("MaxPool", ["x"], ["y"], name="MaxPool_4"),
         [f32("x", ["B", 4, "T"])])
    save("pool_bad_pads", node("AveragePool", ["x"], ["y"],
                               name="AveragePool_5", kernel_shape=[2],
                               pads=[1]), [f32("x", ["B", 4, "T"])])
    save("flatten_axis", node("Flatten", ["x"], ["y"], name="Flatten_1",
                              axis=4), [f32("x", [2, 3])])
    save("isnan_int", node("IsNaN", ["x"], ["y"], name="IsNaN_1"),
         [i64("x", [2])],
         outputs=[helper.make_tensor_value_info("y", TensorProto.BOOL, [2])])
    save("topk_k_vector", node("TopK", ["x", "k"], ["y", "i"], name="TopK_2"),
         [f32("x", ["B", 4])], [ints("k", [2, 3])],
         outputs=[f32("y", None), i64("i", None)])
    save("scatternd_k", node("ScatterND", ["x", "idx", "u"], ["y"],
                             name="ScatterND_2"),
         [f32("x", ["B", 4]), i64("idx", ["N", 3]), f32("u", ["N"])])
    save("gather_elements_rank", node("GatherElements", ["x", "idx"], ["y"],
                                      name="GatherElements_2"),
         [f32("x", [2, 3]), i64("idx", [2])])
    save("max_int_types", node("Max", ["a", "b"], ["y"], name="Max_1"),
         [i32("a", [2]), i64("b", [2])], outputs=[i64("y", [2])])
    save("sum_int", node("Sum", ["a", "b"], ["y"], name="Sum_1"),
         [i64("a", [2]), i64("b", [2])], outputs=[i64("y", [2])])
    save("matmul_scalar", node("MatMul", ["a", "b"], ["y"], name="MatMul_0d"),
         [f32("a", []), f32("b", [3])], outputs=[f32("y", [3])])
    save("argmax_bool", node("ArgMax", ["a"], ["y"], name="ArgMax_1"),
         [helper.make_tensor_value_info("a", TensorProto.BOOL, [2, 3])],
         outputs=[i64("y", [1, 3])])
    save("mean_no_inputs", node("Mean", [], ["y"], name="Mean_1"), [],
         outputs=[f32("y", [2])])
    save("resize_no_scales", node("Resize", ["x"], ["y"], name="Resize_3"),
         [f32("x", ["B", 4, "T"])])
    save("convt_dynamic_weight", node("ConvTranspose", ["x", "w"], ["y"],
                                      name="ConvT_5"),
         [f32("x", ["B", 4, "T"]), f32("w", [4, "O", 3])])
    save("slice_same_axis", node("Slice", ["x", "st", "en", "ax"], ["y"],
                                 name="Slice_9"),
         [f32("x", ["B", "T", 4])],
         [ints("st", [2, 1]), ints("en", [5, 2]), ints("ax", [1, -2])])
    save("slice_no_data", node("Slice", ["", "st", "en"], ["y"],
                               name="Slice_10"),
         [], [ints("st", [0]), ints("en", [1])])
    save("gather_past_axis", node("Gather", ["x", "i"], ["y"],
                                  name="Gather_9", axis=2),
         [f32("x", ["B", "T", 4])],
         [helper.make_tensor("i", TensorProto.INT64, [], [4])])
    # The same past an axis of run-time length: a check of its size,
    # naming the index (before, the slice it becomes named its offset).
    save("gather_past_dynamic_axis", node("Gather", ["x", "i"], ["y"],
                                          name="Gather_10", axis=1),
         [f32("x", ["B", "T", 4])], [ints("i", [7])])
    save("gather_before_dynamic_axis", node("Gather", ["x", "i"], ["y"],
                                            name="Gather_11", axis=1),
         [f32("x", ["B", "T", 4])],
         [helper.make_tensor("i", TensorProto.INT64, [], [-9])])
    # INT64_MIN as the index: no axis is that long (and -i would wrap).
    save("gather_int64_min", node("Gather", ["x", "i"], ["y"],
                                  name="Gather_12", axis=1),
         [f32("x", ["B", "T", 4])], [ints("i", [-2**63])])
    # A view adding unit dimensions whose one run-time size is read off
    # another input (llama2.c's freqs.view(1, T, 1, D)): an expand_shape,
    # its size checked when it runs.
    graph = helper.make_graph(
        [node("Shape", ["n"], ["ns"]),
         node("Concat", ["one", "ns", "one", "six"], ["shape"], axis=0),
         node("Reshape", ["x", "shape"], ["y"], name="Reshape_11")],
        "reshape_size_of_other", [f32("x", ["A", 6]), f32("n", ["B"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        initializer=[ints("one", [1]), ints("six", [6])])
    with open(os.path.join(in_dir, "reshape_size_of_other.onnx"), "wb") as f:
        f.write(helper.make_model(graph, opset_imports=[
            helper.make_opsetid("", 14)]).SerializeToString())
    save("reshape_zero_and_infer", node("Reshape", ["x", "s"], ["y"],
                                        name="Reshape_9", allowzero=1),
         [f32("x", ["B", "T", 4])], [ints("s", [0, -1])])
    save("split_sizes_overflow", node("Split", ["x", "s"], ["a", "b"],
                                      name="Split_9", axis=1),
         [f32("x", ["B", "T", 4])], [ints("s", [2**62, 2**62])],
         outputs=[f32("a", None), f32("b", None)])


def main():
    args = sys.argv[1:]
    only = set()
    if "--only" in args:
        only = set(args[args.index("--only") + 1:])
        args = args[:args.index("--only")]
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = args[0] if args else os.path.join(here, "models")
    os.makedirs(out_dir, exist_ok=True)
    if not only:
        write_error_inputs(os.path.join(here, "Inputs"))
    if not only or "hyperbolic" in only:
        write_hyperbolic_model(out_dir)
    export_models(MODELS, out_dir, only)


if __name__ == "__main__":
    main()
