"""torch 2.x's ONNX export of F.scaled_dot_product_attention, built with
onnx.helper node for node as torch/onnx/symbolic_opset14.py writes it
(PyTorch 1.13, which makes the other fixtures, has no SDPA): the scale
1/sqrt(E) from Shape(q) (or a given `scale`) applied as sqrt(scale) to q
and to k^T, the causal mask from Trilu of Expand(1, [L, S]), a bool
attn_mask turned additive by Where(mask, 0, -inf), Softmax, MatMul by v.
Expected outputs from NumPy."""

import os
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from fixture_shapes import TEST_SHAPES

INT64_MAX = 2**63 - 1
H, D = 2, 4    # heads, head size


def constant(name, value):
    return helper.make_node("Constant", [], [name],
                            value=numpy_helper.from_array(np.asarray(value),
                                                          name))


def attention_scale(q, p):
    """_attention_scale: 1 / sqrt(float(Shape(q)[-1:]))."""
    return [helper.make_node("Shape", [q], [p + "q_shape"]),
            constant(p + "minus_one", np.array([-1], np.int64)),
            constant(p + "int64_max", np.array([INT64_MAX], np.int64)),
            helper.make_node("Slice", [p + "q_shape", p + "minus_one",
                                       p + "int64_max"], [p + "e"]),
            helper.make_node("Cast", [p + "e"], [p + "e_f"],
                             to=TensorProto.FLOAT),
            constant(p + "one", np.array([1.0], np.float32)),
            helper.make_node("Sqrt", [p + "e_f"], [p + "sqrt_e"]),
            helper.make_node("Div", [p + "one", p + "sqrt_e"], [p + "scale"])]


def causal_attention_mask(q, k, p):
    """_causal_attention_mask: where(tril(ones(L, S)) == 0, -inf, 0)."""
    return [helper.make_node("Shape", [q], [p + "q_shape2"]),
            helper.make_node("Shape", [k], [p + "k_shape"]),
            constant(p + "last", np.array([-1], np.int64)),
            constant(p + "second_last", np.array([-2], np.int64)),
            helper.make_node("Slice", [p + "q_shape2", p + "second_last",
                                       p + "last"], [p + "L"]),
            helper.make_node("Slice", [p + "k_shape", p + "second_last",
                                       p + "last"], [p + "S"]),
            helper.make_node("Concat", [p + "L", p + "S"], [p + "size"],
                             axis=0),
            constant(p + "c_one", np.array([1.0], np.float32)),
            helper.make_node("Expand", [p + "c_one", p + "size"],
                             [p + "ones"]),
            helper.make_node("Trilu", [p + "ones"], [p + "tril"], upper=0),
            constant(p + "c_zero", np.array([0.0], np.float32)),
            constant(p + "c_neg_inf", np.array([-np.inf], np.float32)),
            helper.make_node("Equal", [p + "tril", p + "c_zero"], [p + "eq"]),
            helper.make_node("Where", [p + "eq", p + "c_neg_inf",
                                       p + "c_zero"], [p + "mask"])]


def sdpa(q, k, v, out, p, mask=None, causal=False, scale=None):
    """scaled_dot_product_attention(q, k, v, attn_mask=mask,
    is_causal=causal, scale=scale) of [B, H, L, E] inputs, exported."""
    nodes = (attention_scale(q, p) if scale is None
             else [constant(p + "scale", np.array(scale, np.float32))])
    mask_kind = None
    if causal:
        nodes += causal_attention_mask(q, k, p)
        mask, mask_kind = p + "mask", "float"
    elif mask is not None:
        mask_kind = mask[1]
        mask = mask[0]
    nodes += [
        helper.make_node("Transpose", [k], [p + "k_t"], perm=[0, 1, 3, 2]),
        helper.make_node("Sqrt", [p + "scale"], [p + "sqrt_scale_q"]),
        helper.make_node("Mul", [q, p + "sqrt_scale_q"], [p + "q_scaled"]),
        helper.make_node("Sqrt", [p + "scale"], [p + "sqrt_scale_k"]),
        helper.make_node("Mul", [p + "k_t", p + "sqrt_scale_k"],
                         [p + "k_t_scaled"]),
        helper.make_node("MatMul", [p + "q_scaled", p + "k_t_scaled"],
                         [p + "qk"])]
    scores = p + "qk"
    if mask_kind == "bool":
        nodes += [constant(p + "b_zero", np.array([0.0], np.float32)),
                  constant(p + "b_neg_inf", np.array([-np.inf], np.float32)),
                  helper.make_node("Where", [mask, p + "b_zero",
                                             p + "b_neg_inf"],
                                   [p + "additive"])]
        mask = p + "additive"
    if mask_kind is not None:
        nodes.append(helper.make_node("Add", [scores, mask], [p + "masked"]))
        scores = p + "masked"
    return nodes + [
        helper.make_node("Softmax", [scores], [p + "weights"], axis=-1),
        helper.make_node("MatMul", [p + "weights", v], [out])]


def reference(q, k, v, mask=None, causal=False, scale=None):
    """The SDPA formula of PyTorch's docs, in float64."""
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    a = q.astype(np.float64) @ np.swapaxes(k, -1, -2).astype(np.float64)
    a *= scale
    if causal:
        L, S = a.shape[-2:]
        a += np.where(np.tril(np.ones((L, S))) == 0, -np.inf, 0)
    if mask is not None:
        a += np.where(mask, 0, -np.inf) if mask.dtype == bool else mask
    a = np.exp(a - a.max(-1, keepdims=True))
    return (a / a.sum(-1, keepdims=True) @ v).astype(np.float32)


def write_sdpa_model(out_dir):
    """sdpa.onnx: five exports of SDPA over one q, k, v [B, 2, T, 4]: no
    mask, is_causal, scale=0.3, a bool key-padding mask [B, 1, 1, T], a
    float mask [B, 1, T, T]."""
    f32 = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
    heads = ["B", H, "T", D]
    nodes = (sdpa("q", "k", "v", "plain", "plain_")
             + sdpa("q", "k", "v", "causal", "causal_", causal=True)
             + sdpa("q", "k", "v", "scaled", "scaled_", scale=0.3)
             + sdpa("q", "k", "v", "bool_mask", "bool_", mask=("keep", "bool"))
             + sdpa("q", "k", "v", "float_mask", "float_",
                    mask=("bias", "float")))
    outputs = ["plain", "causal", "scaled", "bool_mask", "float_mask"]
    graph = helper.make_graph(
        nodes, "sdpa",
        [f32("q", heads), f32("k", heads), f32("v", heads),
         helper.make_tensor_value_info("keep", TensorProto.BOOL,
                                       ["B", 1, 1, "T"]),
         f32("bias", ["B", 1, "T", "T"])],
        [f32(n, heads) for n in outputs])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 14)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out_dir, "sdpa.onnx"))
    rng = np.random.default_rng(zlib.crc32(b"sdpa"))
    for T, B in TEST_SHAPES:
        q, k, v = (rng.standard_normal((B, H, T, D)).astype(np.float32)
                   for _ in range(3))
        keep = rng.random((B, 1, 1, T)) < 0.7
        keep[..., 0] = True            # every query sees some key
        bias = rng.standard_normal((B, 1, T, T)).astype(np.float32)
        inputs = {"q": q, "k": k, "v": v, "keep": keep, "bias": bias}
        for key, value in inputs.items():
            np.save(os.path.join(out_dir, f"sdpa.t{T}.in.{key}.npy"), value)
        for key, value in [("plain", reference(q, k, v)),
                           ("causal", reference(q, k, v, causal=True)),
                           ("scaled", reference(q, k, v, scale=0.3)),
                           ("bool_mask", reference(q, k, v, mask=keep)),
                           ("float_mask", reference(q, k, v, mask=bias))]:
            np.save(os.path.join(out_dir, f"sdpa.t{T}.out.{key}.npy"), value)
