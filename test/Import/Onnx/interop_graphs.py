"""ONNX graphs as other exporters and hand-builders write them (tf2onnx's
auto_pad and Gemm forms, opsets 11, 12 and 18 to 23, external data), and output
naming errors: the lit inputs onnx_graphs.write_lit_inputs writes through
write_interop_inputs and write_external_data_inputs. Each graph draws its
weights from its own generator (local_const), which the tests' NumPy
references draw again."""
import os

import numpy as np


def write_interop_inputs(save, f32):
    """The graphs, written with onnx_graphs.write_lit_inputs's `save` and
    `f32`."""
    from onnx import TensorProto, helper

    def local_const(name, shape, seed):
        # Its own generator, which the test's NumPy reference draws again.
        data = np.random.default_rng(seed).standard_normal(shape)
        return helper.make_tensor(name, TensorProto.FLOAT, shape,
                                  data.astype(np.float32).flatten().tolist())

    # auto_pad as tf2onnx writes Keras padding="same"/"valid" (reference:
    # Inputs/auto_pad_reference.py): even kernels, where UPPER and LOWER
    # differ, over a run-time T (stride 1) and a static 7 x 6 (stride 2).
    save("auto_pad_ops", [
        helper.make_node("Conv", ["x", "Wa"], ["c_upper"], name="c_upper",
                         auto_pad="SAME_UPPER"),
        helper.make_node("Conv", ["x", "Wa"], ["c_lower"], name="c_lower",
                         auto_pad="SAME_LOWER", dilations=[2]),
        helper.make_node("Conv", ["x", "Wa"], ["c_valid"], name="c_valid",
                         auto_pad="VALID"),
        helper.make_node("MaxPool", ["x"], ["p_upper"], name="p_upper",
                         auto_pad="SAME_UPPER", kernel_shape=[2]),
        helper.make_node("Conv", ["xs", "Wb"], ["c2"], name="c2",
                         auto_pad="SAME_LOWER", strides=[2, 2]),
        helper.make_node("MaxPool", ["xs"], ["p2"], name="p2",
                         auto_pad="SAME_UPPER", kernel_shape=[2, 3],
                         strides=[2, 2])],
        [f32("x", ["B", 2, "T"]), f32("xs", [1, 2, 7, 6])],
        [f32("c_upper", ["B", 3, "T"]), f32("c_lower", ["B", 3, "T"]),
         f32("c_valid", ["B", 3, "TV"]), f32("p_upper", ["B", 2, "T"]),
         f32("c2", [1, 3, 4, 3]), f32("p2", [1, 2, 4, 3])],
        [local_const("Wa", [3, 2, 4], 1), local_const("Wb", [3, 2, 3, 2], 2)])
    # Gemm in every form (reference: Inputs/gemm_reference.py): transA,
    # B a graph input with transB, C of [M, 1] and of [M, N], alpha and
    # beta, and nn.Linear's form (constant B, C of [N]).
    save("gemm_forms", [
        helper.make_node("Gemm", ["at", "Bc"], ["y_trans_a"], name="trans_a",
                         transA=1, alpha=0.5),
        helper.make_node("Gemm", ["a", "b", "Cm1"], ["y_input_b"],
                         name="input_b", transB=1, beta=2.0),
        helper.make_node("Gemm", ["a", "Bc", "Cmn"], ["y_c_mn"], name="c_mn",
                         alpha=1.5, beta=-1.0),
        helper.make_node("Gemm", ["a", "Bc", "Cn"], ["y_linear"],
                         name="linear")],
        [f32("a", [3, 5]), f32("at", [5, 3]), f32("b", [4, 5])],
        [f32("y_trans_a", [3, 4]), f32("y_input_b", [3, 4]),
         f32("y_c_mn", [3, 4]), f32("y_linear", [3, 4])],
        [local_const("Bc", [5, 4], 3), local_const("Cm1", [3, 1], 4),
         local_const("Cmn", [3, 4], 5), local_const("Cn", [4], 6)])
    # A C that broadcasts only the other way ([2, 4] against A'B' of
    # [1, 4]): ONNX's Gemm broadcasts C one way.
    save("gemm_bad_c", [
        helper.make_node("Gemm", ["at", "Bc", "C2"], ["y"], name="bad_c",
                         transA=1)],
        [f32("at", [5, 1])], [f32("y", [2, 4])],
        [local_const("Bc", [5, 4], 3), local_const("C2", [2, 4], 7)])
    # A graph input returned as a graph output, and two outputs whose C
    # names collide.
    save("output_is_input", [helper.make_node("Relu", ["x"], ["y"],
                                              name="relu")],
         [f32("x", [2])], [f32("y", [2]), f32("x", [2])])
    save("output_c_names", [
        helper.make_node("Relu", ["x"], ["a.b"], name="relu"),
        helper.make_node("Neg", ["x"], ["a_b"], name="neg")],
         [f32("x", [2])], [f32("a.b", [2]), f32("a_b", [2])])
    # Opset 11 forms (tf2onnx's and older exporters'): Squeeze, Unsqueeze
    # and Split with attributes, Softmax's default axis 1 and LogSoftmax
    # normalizing over every dimension from their axis, ReduceSum's axes
    # attribute.
    save("opset11_ops", [
        helper.make_node("Unsqueeze", ["x"], ["u"], name="unsqueeze",
                         axes=[0]),
        helper.make_node("Squeeze", ["u"], ["sq"], name="squeeze", axes=[0]),
        helper.make_node("Split", ["x"], ["p1", "p2"], name="split", axis=2,
                         split=[1, 3]),
        helper.make_node("Softmax", ["x"], ["sm"], name="softmax"),
        helper.make_node("LogSoftmax", ["x"], ["lsm"], name="log_softmax",
                         axis=1),
        helper.make_node("Softmax", ["x"], ["sml"], name="softmax_last",
                         axis=-1),
        helper.make_node("ReduceSum", ["x"], ["rs"], name="reduce_sum",
                         axes=[1], keepdims=0)],
         [f32("x", ["B", 3, 4])],
         [f32("sq", ["B", 3, 4]), f32("p1", ["B", 3, 1]),
          f32("p2", ["B", 3, 3]), f32("sm", ["B", 3, 4]),
          f32("lsm", ["B", 3, 4]), f32("sml", ["B", 3, 4]),
          f32("rs", ["B", 4])], opset=11)
    # Opset 18 forms (torch.onnx.export(dynamo=True) and onnxscript
    # write opset 18): Pad's `axes` input (a negative axis; constant and
    # reflect), Split's num_outputs (5 steps in parts of 2, 2 and 1), the
    # reductions' axes as an input, and Mish (new in opset 18). Reference:
    # Inputs/opset18_reference.py.
    save("opset18_ops", [
        helper.make_node("Pad", ["x", "pads", "half", "last"], ["pc"],
                         name="pad_constant"),
        helper.make_node("Pad", ["x", "pads", "", "middle"], ["pr"],
                         name="pad_reflect", mode="reflect"),
        helper.make_node("Split", ["x"], ["s0", "s1", "s2"], name="split",
                         axis=2, num_outputs=3),
        helper.make_node("ReduceMean", ["x", "middle"], ["rm"],
                         name="reduce_mean", keepdims=0),
        helper.make_node("ReduceMax", ["x", "last"], ["rx"],
                         name="reduce_max"),
        helper.make_node("ReduceLogSumExp", ["x", "both"], ["rl"],
                         name="reduce_log_sum_exp", keepdims=0),
        helper.make_node("Mish", ["x"], ["mi"], name="mish")],
        [f32("x", ["B", 3, 5])],
        [f32("pc", ["B", 3, 8]), f32("pr", ["B", 6, 5]),
         f32("s0", ["B", 3, 2]), f32("s1", ["B", 3, 2]),
         f32("s2", ["B", 3, 1]), f32("rm", ["B", 5]),
         f32("rx", ["B", 3, 1]), f32("rl", ["B"]),
         f32("mi", ["B", 3, 5])],
        [helper.make_tensor("pads", TensorProto.INT64, [2], [1, 2]),
         helper.make_tensor("half", TensorProto.FLOAT, [], [0.5]),
         helper.make_tensor("last", TensorProto.INT64, [1], [-1]),
         helper.make_tensor("middle", TensorProto.INT64, [1], [1]),
         helper.make_tensor("both", TensorProto.INT64, [2], [1, 2])],
        opset=18)
    # Opset 18 nodes the importer refuses, naming the node: Split's
    # num_outputs that is not its number of outputs, Pad's axes naming one
    # dimension twice, a Pad with a fifth input (its schema's count is
    # checked by seqc: onnx 1.12 has none for opset 18).
    save("opset18_bad_split", [
        helper.make_node("Split", ["x"], ["s0", "s1", "s2"], name="split",
                         axis=2, num_outputs=2)],
        [f32("x", ["B", 3, 5])],
        [f32("s0", ["B", 3, 2]), f32("s1", ["B", 3, 2]),
         f32("s2", ["B", 3, 1])], opset=18)
    save("opset18_split_both", [
        helper.make_node("Split", ["x", "sizes"], ["s0", "s1"], name="split",
                         axis=2, num_outputs=2)],
        [f32("x", ["B", 3, 5])],
        [f32("s0", ["B", 3, 2]), f32("s1", ["B", 3, 3])],
        [helper.make_tensor("sizes", TensorProto.INT64, [2], [2, 3])],
        opset=18)
    save("opset18_reduce_axes_attribute", [
        helper.make_node("ReduceMean", ["x"], ["y"], name="reduce_mean",
                         axes=[2])],
        [f32("x", ["B", 3, 5])], [f32("y", ["B", 3, 1])], opset=18)
    save("opset18_split_short", [
        helper.make_node("Split", ["x"], ["s0", "s1", "s2", "s3"],
                         name="split", axis=2, num_outputs=4)],
        [f32("x", [1, 3, "T"])],
        [f32("s0", [1, 3, "P"]), f32("s1", [1, 3, "P"]),
         f32("s2", [1, 3, "P"]), f32("s3", [1, 3, "L"])], opset=18)
    save("opset18_pad_axes_twice", [
        helper.make_node("Pad", ["x", "pads", "", "twice"], ["y"],
                         name="pad")],
        [f32("x", ["B", 3, 5])], [f32("y", ["B", 3, 11])],
        [helper.make_tensor("pads", TensorProto.INT64, [4], [1, 1, 2, 2]),
         helper.make_tensor("twice", TensorProto.INT64, [2], [2, -1])],
        opset=18)
    save("opset18_pad_bad_length", [helper.make_node(
        "Pad", ["x", "pads"], ["y"], name="pad")],
        [f32("x", ["B", 3, 5])], [f32("y", ["B", 3, 8])],
        [helper.make_tensor("pads", TensorProto.INT64, [3], [0, 1, 2])],
        opset=18)
    save("opset18_pad_five_inputs", [
        helper.make_node("Pad", ["x", "pads", "", "last", "x"], ["y"],
                         name="pad")],
        [f32("x", ["B", 3, 5])], [f32("y", ["B", 3, 8])],
        [helper.make_tensor("pads", TensorProto.INT64, [2], [1, 2]),
         helper.make_tensor("last", TensorProto.INT64, [1], [-1])],
        opset=18)

    # Opsets 19 and 20 (ONNX 1.14, 1.15): Gelu, exact and tanh; Pad's wrap
    # mode (numpy's "wrap", torch's "circular"), on the last axis by full
    # pads and on axis 1 by an axes input, pads up to the dimension's size;
    # AveragePool's dilations (no pads, pads without and with
    # count_include_pad); Cast with saturate (only float8 targets
    # saturate: a round trip through float16 rounds). Reference:
    # Inputs/opset19_20_reference.py.
    save("opset19_20_ops", [
        helper.make_node("Gelu", ["x"], ["g"], name="gelu"),
        helper.make_node("Gelu", ["x"], ["gt"], name="gelu_tanh",
                         approximate="tanh"),
        helper.make_node("Pad", ["x", "pads_last"], ["pw"], name="pad_wrap",
                         mode="wrap"),
        helper.make_node("Pad", ["x", "pads_axis1", "", "axis1"], ["pw1"],
                         name="pad_wrap_axis1", mode="wrap"),
        helper.make_node("AveragePool", ["x"], ["ap"], name="avg_dilated",
                         kernel_shape=[2], dilations=[2]),
        helper.make_node("AveragePool", ["x"], ["apd"],
                         name="avg_dilated_padded", kernel_shape=[2],
                         dilations=[2], pads=[1, 1]),
        helper.make_node("AveragePool", ["x"], ["apc"],
                         name="avg_dilated_count_pad", kernel_shape=[2],
                         dilations=[2], pads=[1, 1], count_include_pad=1),
        helper.make_node("Cast", ["x"], ["h"], name="to_half",
                         to=TensorProto.FLOAT16, saturate=1),
        helper.make_node("Cast", ["h"], ["cs"], name="to_float",
                         to=TensorProto.FLOAT, saturate=0)],
        [f32("x", ["B", 3, 5])],
        [f32("g", ["B", 3, 5]), f32("gt", ["B", 3, 5]),
         f32("pw", ["B", 3, 11]), f32("pw1", ["B", 6, 5]),
         f32("ap", ["B", 3, 3]), f32("apd", ["B", 3, 5]),
         f32("apc", ["B", 3, 5]), f32("cs", ["B", 3, 5])],
        [helper.make_tensor("pads_last", TensorProto.INT64, [6],
                            [0, 0, 2, 0, 0, 4]),
         helper.make_tensor("pads_axis1", TensorProto.INT64, [2], [1, 2]),
         helper.make_tensor("axis1", TensorProto.INT64, [1], [1])],
        opset=20)
    # Refused, naming the node or the file: Gelu before opset 20, an
    # unknown approximation, wrap before opset 19, wrap by more than the
    # dimension's size, AveragePool's dilations
    # before opset 19, a Cast of opset 19 with two inputs (counted by seqc:
    # onnx 1.12 has no opset-19 schema), an operator of opset 21 seqc does
    # not import, and opset 23.
    save("opset19_gelu", [
        helper.make_node("Gelu", ["x"], ["y"], name="gelu")],
         [f32("x", ["B", 3])], [f32("y", ["B", 3])], opset=19)
    save("opset20_gelu_fast", [helper.make_node(
        "Gelu", ["x"], ["y"], name="gelu", approximate="fast")],
         [f32("x", ["B", 3])], [f32("y", ["B", 3])], opset=20)
    save("opset18_pad_wrap", [helper.make_node(
        "Pad", ["x", "pads"], ["y"], name="pad", mode="wrap")],
         [f32("x", ["B", 3])], [f32("y", ["B", 5])],
         [helper.make_tensor("pads", TensorProto.INT64, [4], [0, 1, 0, 1])],
         opset=18)
    save("opset19_pad_wrap_short", [helper.make_node(
        "Pad", ["x", "pads"], ["y"], name="pad", mode="wrap")],
         [f32("x", ["B", 3])], [f32("y", ["B", 7])],
         [helper.make_tensor("pads", TensorProto.INT64, [4], [0, 0, 0, 4])],
         opset=19)
    save("opset19_pad_wrap_negative", [helper.make_node(
        "Pad", ["x", "pads"], ["y"], name="pad", mode="wrap")],
         [f32("x", ["B", 4])], [f32("y", ["B", 5])],
         [helper.make_tensor("pads", TensorProto.INT64, [4], [0, -1, 0, 2])],
         opset=19)
    save("opset20_gelu_two_inputs", [helper.make_node(
        "Gelu", ["x", "x"], ["y"], name="gelu")],
         [f32("x", ["B", 3])], [f32("y", ["B", 3])], opset=20)
    save("opset19_avg_no_kernel", [helper.make_node(
        "AveragePool", ["x"], ["y"], name="avg")],
         [f32("x", ["B", 3, 5])], [f32("y", ["B", 3, 5])], opset=19)
    # Resize's opset-18 attributes (antialias off, keep_aspect_ratio_policy)
    # on a nearest 2x upsampling of the last axis.
    save("opset19_resize", [helper.make_node(
        "Resize", ["x", "", "scales"], ["y"], name="resize", mode="nearest",
        antialias=0, keep_aspect_ratio_policy="stretch")],
         [f32("x", [1, 2, "T"])], [f32("y", [1, 2, "U"])],
         [helper.make_tensor("scales", TensorProto.FLOAT, [3],
                             [1.0, 1.0, 2.0])], opset=19)
    # Pads a graph input (known only when the model runs): a negative one
    # and one past the length fail the run.
    save("opset19_pad_wrap_runtime_pads", [helper.make_node(
        "Pad", ["x", "pads"], ["y"], name="pad", mode="wrap")],
         [f32("x", ["B", "T"]),
          helper.make_tensor_value_info("pads", TensorProto.INT64, [4])],
         [f32("y", ["B", "P"])], opset=19)
    # The same over a run-time length: checked when the model runs.
    save("opset19_pad_wrap_runtime", [helper.make_node(
        "Pad", ["x", "pads"], ["y"], name="pad", mode="wrap")],
         [f32("x", ["B", "T"])], [f32("y", ["B", "P"])],
         [helper.make_tensor("pads", TensorProto.INT64, [4], [0, 1, 0, 4])],
         opset=19)
    save("opset18_avg_dilated", [helper.make_node(
        "AveragePool", ["x"], ["y"], name="avg", kernel_shape=[2],
        dilations=[2])],
         [f32("x", ["B", 3, 5])], [f32("y", ["B", 3, 3])], opset=18)
    save("opset19_cast_two_inputs", [helper.make_node(
        "Cast", ["x", "x"], ["y"], name="cast", to=TensorProto.FLOAT)],
         [f32("x", ["B", 3])], [f32("y", ["B", 3])], opset=19)
    save("opset19_cast_float8", [helper.make_node(
        "Cast", ["x"], ["y"], name="cast", to=17, saturate=1)],
         [f32("x", ["B", 3])], [f32("y", ["B", 3])], opset=19)
    save("opset21_group_norm", [helper.make_node(
        "GroupNormalization", ["x", "scale", "bias"], ["y"], name="gn",
        num_groups=1)],
         [f32("x", ["B", 2, 3]), f32("scale", [2]), f32("bias", [2])],
         [f32("y", ["B", 2, 3])], opset=21)
    save("opset23_relu", [helper.make_node("Relu", ["x"], ["y"], name="r")],
         [f32("x", ["B", 3])], [f32("y", ["B", 3])], opset=23)


def write_external_data_inputs(in_dir):
    """y = x W + b with W and b in external data (onnx.save's
    save_as_external_data): external_data.onnx + external_data.bin, and
    copies whose tensors point past the file's end, at a missing file and
    out of the model's folder."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    g = np.random.default_rng(5)
    w = numpy_helper.from_array(g.standard_normal((4, 3)).astype(np.float32),
                                "W")
    b = numpy_helper.from_array(g.standard_normal(3).astype(np.float32), "b")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["xw"], name="matmul"),
         helper.make_node("Add", ["xw", "b"], ["y"], name="add")],
        "external_data",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["B", 3])],
        initializer=[w, b])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 14)])
    # onnx.save appends to an existing data file.
    data_file = os.path.join(in_dir, "external_data.bin")
    if os.path.exists(data_file):
        os.remove(data_file)
    onnx.save(model, os.path.join(in_dir, "external_data.onnx"),
              save_as_external_data=True, all_tensors_to_one_file=True,
              location="external_data.bin", size_threshold=0)
    saved = onnx.load(os.path.join(in_dir, "external_data.onnx"),
                      load_external_data=False)

    def variant(name, key, value):
        bad = onnx.ModelProto()
        bad.CopyFrom(saved)
        for entry in bad.graph.initializer[0].external_data:
            if entry.key == key:
                entry.value = value
        with open(os.path.join(in_dir, name + ".onnx"), "wb") as f:
            f.write(bad.SerializeToString())

    variant("external_data_short", "length", "4096")
    variant("external_data_missing", "location", "missing.bin")
    variant("external_data_outside", "location", "../external_data.bin")
