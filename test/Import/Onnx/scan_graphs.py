"""ONNX Scan models, made with onnx.helper (PyTorch never exports Scan;
tf2onnx writes it for tf.scan and TensorFlow RNN loops), their expected
outputs from a NumPy loop that follows the ONNX operator doc step by step,
and the Scans the importer refuses, each with its message (scan.test)."""

import os
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from fixture_shapes import TEST_SHAPES

H, I = 6, 4   # state and input features of the RNN


def f32(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def save_model(path, nodes, inputs, outputs, inits=(), opset=14):
    graph = helper.make_graph(nodes, os.path.basename(path)[:-5], inputs,
                              outputs, initializer=list(inits))
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(model)
    onnx.save(model, path)


def onnx_scan(body, states, scans, in_axes, in_dirs, out_axes, out_dirs):
    """ONNX Scan (opset 11+) by its operator doc: every scanned input is
    read along its axis, back to front when its direction is 1; every
    per-step output is stacked along its axis, prepended at each step when
    its direction is 1."""
    steps = [np.moveaxis(x, a, 0) for x, a in zip(scans, in_axes)]
    steps = [s[::-1] if d else s for s, d in zip(steps, in_dirs)]
    T = steps[0].shape[0]
    collected = [[] for _ in out_axes]
    for t in range(T):
        results = body(*states, *(s[t] for s in steps))
        states = results[:len(states)]
        for c, y in zip(collected, results[len(states):]):
            c.append(y)
    outputs = []
    for c, a, d in zip(collected, out_axes, out_dirs):
        stacked = np.stack(c[::-1] if d else c)
        outputs.append(np.moveaxis(stacked, 0, a))
    return list(states) + outputs


def rnn_weights(rng):
    """Wx [4, 6], Wh [6, 6], b [6] of the tanh RNN cell."""
    wx = (rng.standard_normal((I, H)) * 0.5).astype(np.float32)
    wh = (rng.standard_normal((H, H)) * 0.5).astype(np.float32)
    b = (rng.standard_normal(H) * 0.1).astype(np.float32)
    return wx, wh, b


def rnn_cell(wx, wh, b):
    """The NumPy step of rnn_body_graph: (h, x_t) -> (h', h')."""
    def cell(h, x):
        h = np.tanh(x @ wx + h @ wh + b)
        return h, h
    return cell


def rnn_body_graph(name, wx, wh, b):
    """h' = tanh(x_t Wx + h Wh + b); outputs h' (state) and h' (per step).
    Wx and Wh are the outer graph's initializers (ONNX's outer scope); b is
    the body's own."""
    return helper.make_graph(
        [helper.make_node("MatMul", ["x_t", "Wx"], ["xw"]),
         helper.make_node("MatMul", ["h", "Wh"], ["hw"]),
         helper.make_node("Add", ["xw", "hw"], ["s"]),
         helper.make_node("Add", ["s", "b"], ["sb"]),
         helper.make_node("Tanh", ["sb"], ["h_next"]),
         helper.make_node("Identity", ["h_next"], ["y_t"])],
        name, [f32("h", ["B", H]), f32("x_t", ["B", I])],
        [f32("h_next", ["B", H]), f32("y_t", ["B", H])],
        initializer=[numpy_helper.from_array(b, "b")])


def write_scan_rnn(out_dir, rng):
    """A bidirectional tanh RNN over time-major x [T, B, 4] as two Scans
    from h0 [B, 6]: forward, and backward (the input read back to front,
    the outputs prepended, so y_bw[t] is the state after reading x[t])."""
    wx, wh, b = rnn_weights(rng)
    nodes = [
        helper.make_node("Scan", ["h0", "x"], ["h_fw", "y_fw"],
                         name="forward", num_scan_inputs=1,
                         body=rnn_body_graph("fw", wx, wh, b)),
        helper.make_node("Scan", ["h0", "x"], ["h_bw", "y_bw"],
                         name="backward", num_scan_inputs=1,
                         scan_input_directions=[1],
                         scan_output_directions=[1],
                         body=rnn_body_graph("bw", wx, wh, b)),
    ]
    save_model(os.path.join(out_dir, "scan_rnn.onnx"), nodes,
               [f32("x", ["T", "B", I]), f32("h0", ["B", H])],
               [f32("h_fw", ["B", H]), f32("y_fw", ["T", "B", H]),
                f32("h_bw", ["B", H]), f32("y_bw", ["T", "B", H])],
               [numpy_helper.from_array(wx, "Wx"),
                numpy_helper.from_array(wh, "Wh")])

    cell = rnn_cell(wx, wh, b)
    for T, B in TEST_SHAPES:
        x = rng.standard_normal((T, B, I)).astype(np.float32)
        h0 = rng.standard_normal((B, H)).astype(np.float32)
        fw = onnx_scan(cell, [h0], [x], [0], [0], [0], [0])
        bw = onnx_scan(cell, [h0], [x], [0], [1], [0], [1])
        save_case(out_dir, "scan_rnn", T, {"x": x, "h0": h0},
                  {"h_fw": fw[0], "y_fw": fw[1], "h_bw": bw[0],
                   "y_bw": bw[1]})


def write_scan_axes(out_dir, rng):
    """Batch-first inputs scanned along axis 1 in mixed directions (x front
    to back, z back to front), outputs stacked along axes 1, -1 and 0 in
    both orders, and a second Scan reading x back to front whose output is
    in step order: every combination of axis and direction the importer
    maps onto one seq.scan."""
    decay = np.array([0.5, 0.9, -0.3, 1.0], np.float32)
    mixed = helper.make_graph(
        [helper.make_node("Mul", ["s", "decay"], ["kept"]),
         helper.make_node("Mul", ["x_t", "z_t"], ["xz"]),
         helper.make_node("Add", ["kept", "xz"], ["s_next"]),
         helper.make_node("Identity", ["s_next"], ["y1"]),
         helper.make_node("Tanh", ["x_t"], ["y2"]),
         helper.make_node("Sub", ["s_next", "z_t"], ["y3"])],
        "mixed", [f32("s", ["B", 4]), f32("x_t", ["B", 4]),
                  f32("z_t", ["B", 4])],
        [f32("s_next", ["B", 4]), f32("y1", ["B", 4]), f32("y2", ["B", 4]),
         f32("y3", ["B", 4])])
    running = helper.make_graph(
        [helper.make_node("Add", ["c", "x_t"], ["c_next"]),
         helper.make_node("Identity", ["c_next"], ["c_t"])],
        "running", [f32("c", ["B", 4]), f32("x_t", ["B", 4])],
        [f32("c_next", ["B", 4]), f32("c_t", ["B", 4])])
    nodes = [
        helper.make_node("Scan", ["s0", "x", "z"], ["s", "y1", "y2", "y3"],
                         name="mixed", num_scan_inputs=2,
                         scan_input_axes=[1, -2],
                         scan_input_directions=[0, 1],
                         scan_output_axes=[1, -1, 0],
                         scan_output_directions=[0, 1, 1], body=mixed),
        helper.make_node("Scan", ["s0", "x"], ["c", "c_steps"],
                         name="running", num_scan_inputs=1,
                         scan_input_axes=[1], scan_input_directions=[1],
                         scan_output_axes=[1], body=running),
    ]
    save_model(os.path.join(out_dir, "scan_axes.onnx"), nodes,
               [f32("s0", ["B", 4]), f32("x", ["B", "T", 4]),
                f32("z", ["B", "T", 4])],
               [f32("s", ["B", 4]), f32("y1", ["B", "T", 4]),
                f32("y2", ["B", 4, "T"]), f32("y3", ["T", "B", 4]),
                f32("c", ["B", 4]), f32("c_steps", ["B", "T", 4])],
               [numpy_helper.from_array(decay, "decay")])

    def mixed_body(s, x, z):
        s = s * decay + x * z
        return s, s, np.tanh(x), s - z

    def running_body(c, x):
        c = c + x
        return c, c

    for T, B in TEST_SHAPES:
        s0 = rng.standard_normal((B, 4)).astype(np.float32)
        x = rng.standard_normal((B, T, 4)).astype(np.float32)
        z = rng.standard_normal((B, T, 4)).astype(np.float32)
        s, y1, y2, y3 = onnx_scan(mixed_body, [s0], [x, z], [1, 1], [0, 1],
                                  [1, 2, 0], [0, 1, 1])
        c, c_steps = onnx_scan(running_body, [s0], [x], [1], [1], [1], [0])
        save_case(out_dir, "scan_axes", T, {"s0": s0, "x": x, "z": z},
                  {"s": s, "y1": y1, "y2": y2, "y3": y3, "c": c,
                   "c_steps": c_steps})


def write_scan_min_gru(out_dir, rng):
    """A minGRU (Feng et al. 2024, "Were RNNs All We Needed?": z_t =
    sigmoid(x_t Wz), h_t = (1 - z_t) h_{t-1} + z_t (x_t Wh)) over
    batch-first x [B, T, 4], scanned and stacked along axis 1: a forward
    Scan, so the model streams."""
    wz = (rng.standard_normal((I, H)) * 0.5).astype(np.float32)
    wh = (rng.standard_normal((I, H)) * 0.5).astype(np.float32)
    body = helper.make_graph(
        [helper.make_node("MatMul", ["x_t", "Wz"], ["zl"]),
         helper.make_node("Sigmoid", ["zl"], ["z"]),
         helper.make_node("MatMul", ["x_t", "Wh"], ["cand"]),
         helper.make_node("Sub", ["cand", "h"], ["delta"]),
         helper.make_node("Mul", ["z", "delta"], ["step"]),
         helper.make_node("Add", ["h", "step"], ["h_next"]),
         helper.make_node("Identity", ["h_next"], ["y_t"])],
        "min_gru", [f32("h", ["B", H]), f32("x_t", ["B", I])],
        [f32("h_next", ["B", H]), f32("y_t", ["B", H])])
    save_model(os.path.join(out_dir, "scan_min_gru.onnx"),
               [helper.make_node("Scan", ["h0", "x"], ["h", "y"],
                                 name="min_gru", num_scan_inputs=1,
                                 scan_input_axes=[1], scan_output_axes=[1],
                                 body=body)],
               [f32("x", ["B", "T", I]), f32("h0", ["B", H])],
               [f32("h", ["B", H]), f32("y", ["B", "T", H])],
               [numpy_helper.from_array(wz, "Wz"),
                numpy_helper.from_array(wh, "Wh")])

    def cell(h, x):
        z = 1 / (1 + np.exp(-(x @ wz)))
        h = (1 - z) * h + z * (x @ wh)
        return h, h

    for T, B in TEST_SHAPES:
        x = rng.standard_normal((B, T, I)).astype(np.float32)
        h0 = rng.standard_normal((B, H)).astype(np.float32)
        h, y = onnx_scan(cell, [h0], [x], [1], [0], [1], [0])
        save_case(out_dir, "scan_min_gru", T, {"x": x, "h0": h0},
                  {"h": h, "y": y})


def write_scan_names(out_dir, rng):
    """Names ONNX lets a subgraph reuse: the body's state input is named
    s0 and its scanned input x, like the graph's inputs, and its own
    initializer b hides the graph's b; the graph's b and x are read before
    and after the Scan. Per-step outputs pass the slice and the previous
    state straight through. Expected outputs from NumPy."""
    outer_b = np.ones(4, np.float32)
    inner_b = np.full(4, 5.0, np.float32)
    body = helper.make_graph(
        [helper.make_node("Add", ["s0", "x"], ["sum"]),
         helper.make_node("Add", ["sum", "b"], ["s_next"]),
         helper.make_node("Identity", ["x"], ["slice"]),
         helper.make_node("Identity", ["s0"], ["previous"])],
        "shadowing", [f32("s0", ["B", 4]), f32("x", ["B", 4])],
        [f32("s_next", ["B", 4]), f32("slice", ["B", 4]),
         f32("previous", ["B", 4])],
        initializer=[numpy_helper.from_array(inner_b, "b")])
    save_model(os.path.join(out_dir, "scan_names.onnx"),
               [helper.make_node("Add", ["s0", "b"], ["start"]),
                helper.make_node("Scan", ["start", "x"],
                                 ["s", "slices", "previous"], name="names",
                                 num_scan_inputs=1, body=body),
                helper.make_node("Add", ["s", "b"], ["after"]),
                helper.make_node("Add", ["x", "x"], ["twice"])],
               [f32("s0", ["B", 4]), f32("x", ["T", "B", 4])],
               [f32("s", ["B", 4]), f32("slices", ["T", "B", 4]),
                f32("previous", ["T", "B", 4]), f32("after", ["B", 4]),
                f32("twice", ["T", "B", 4])],
               [numpy_helper.from_array(outer_b, "b")])

    def cell(s, x):
        return s + x + inner_b, x, s

    for T, B in TEST_SHAPES:
        s0 = rng.standard_normal((B, 4)).astype(np.float32)
        x = rng.standard_normal((T, B, 4)).astype(np.float32)
        s, slices, previous = onnx_scan(cell, [s0 + outer_b], [x], [0], [0],
                                        [0, 0], [0, 0])
        save_case(out_dir, "scan_names", T, {"s0": s0, "x": x},
                  {"s": s, "slices": slices, "previous": previous,
                   "after": s + outer_b, "twice": x + x})


def reverse_sequence(x, lens, time_axis):
    """ONNX ReverseSequence: each row's first lens[b] steps reversed."""
    out = x.copy()
    for b, n in enumerate(lens):
        index = [slice(None)] * x.ndim
        index[1 - time_axis], index[time_axis] = b, slice(0, n)
        out[tuple(index)] = np.flip(x[tuple(index)], axis=0)  # [n, ...]
    return out


def write_scan_padded_backward(out_dir, rng):
    """How tf2onnx writes the backward half of a bidirectional RNN over a
    padded batch: ReverseSequence(x, lens) (time-major), a forward Scan,
    ReverseSequence of its outputs; and a batch-first ReverseSequence
    (batch_axis 0, time_axis 1) on its own."""
    wx, wh, b = rnn_weights(rng)
    nodes = [
        helper.make_node("ReverseSequence", ["x", "lens"], ["x_rev"],
                         name="reverse_in", batch_axis=1, time_axis=0),
        helper.make_node("Scan", ["h0", "x_rev"], ["h", "y_rev"],
                         name="backward", num_scan_inputs=1,
                         body=rnn_body_graph("bw", wx, wh, b)),
        helper.make_node("ReverseSequence", ["y_rev", "lens"], ["y"],
                         name="reverse_out"),
        helper.make_node("Transpose", ["x"], ["x_bf"], perm=[1, 0, 2]),
        helper.make_node("ReverseSequence", ["x_bf", "lens"], ["x_bf_rev"],
                         name="reverse_batch_first", batch_axis=0,
                         time_axis=1),
    ]
    save_model(os.path.join(out_dir, "scan_padded_backward.onnx"), nodes,
               [f32("x", ["T", "B", I]), f32("h0", ["B", H]),
                helper.make_tensor_value_info("lens", TensorProto.INT64,
                                              ["B"])],
               [f32("y", ["T", "B", H]), f32("x_bf_rev", ["B", "T", I])],
               [numpy_helper.from_array(wx, "Wx"),
                numpy_helper.from_array(wh, "Wh")])

    cell = rnn_cell(wx, wh, b)
    for T, B in TEST_SHAPES:
        x = rng.standard_normal((T, B, I)).astype(np.float32)
        h0 = rng.standard_normal((B, H)).astype(np.float32)
        lens = np.array([T - (k % T) for k in range(B)], np.int64)
        lens[-1] = 0 if B > 2 else lens[-1]    # an empty row
        x_rev = reverse_sequence(x, lens, 0)
        _, y_rev = onnx_scan(cell, [h0], [x_rev], [0], [0], [0], [0])
        save_case(out_dir, "scan_padded_backward", T,
                  {"x": x, "h0": h0, "lens": lens},
                  {"y": reverse_sequence(y_rev, lens, 0),
                   "x_bf_rev": reverse_sequence(x.transpose(1, 0, 2), lens,
                                                1)})


def save_case(out_dir, name, T, inputs, outputs):
    for key, value in inputs.items():
        np.save(os.path.join(out_dir, f"{name}.t{T}.in.{key}.npy"), value)
    for key, value in outputs.items():
        np.save(os.path.join(out_dir, f"{name}.t{T}.out.{key}.npy"),
                np.asarray(value, np.float32))


def write_scan_models(out_dir):
    write_scan_rnn(out_dir, np.random.default_rng(zlib.crc32(b"scan_rnn")))
    write_scan_axes(out_dir, np.random.default_rng(zlib.crc32(b"scan_axes")))
    write_scan_min_gru(out_dir,
                       np.random.default_rng(zlib.crc32(b"scan_min_gru")))
    write_scan_names(out_dir, np.random.default_rng(zlib.crc32(b"scan_names")))
    write_scan_padded_backward(
        out_dir, np.random.default_rng(zlib.crc32(b"scan_padded_backward")))


def write_scan_error_inputs(in_dir):
    """The Scans the importer refuses: scanned inputs of different static
    lengths (and a Scan whose lengths are checked at run time), a direction other than 0/1, an axes list of the wrong length,
    a body of the wrong arity, a state the body changes the shape of, a
    nested Scan. (Scan-8, with a batch dimension and sequence_lens, is
    older than the opsets seqc reads.)"""
    add = helper.make_graph(
        [helper.make_node("Add", ["s", "x_t"], ["s_next"]),
         helper.make_node("Identity", ["s_next"], ["y_t"])],
        "add", [f32("s", [2, 4]), f32("x_t", [2, 4])],
        [f32("s_next", [2, 4]), f32("y_t", [2, 4])])

    def save(name, node, inputs, outputs, check=True):
        graph = helper.make_graph([node], name, inputs, outputs)
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", 14)])
        if check:
            onnx.checker.check_model(model)
        onnx.save(model, os.path.join(in_dir, name + ".onnx"))

    state, seq = f32("s0", [2, 4]), f32("x", [5, 2, 4])
    outs = [f32("s", [2, 4]), f32("y", [5, 2, 4])]
    two = helper.make_graph(
        [helper.make_node("Add", ["s", "x_t"], ["a"]),
         helper.make_node("Add", ["a", "z_t"], ["s_next"])],
        "two", [f32("s", [2, 4]), f32("x_t", [2, 4]), f32("z_t", [2, 4])],
        [f32("s_next", [2, 4])])
    save("scan_lengths", helper.make_node(
        "Scan", ["s0", "x", "z"], ["s"], name="lengths", num_scan_inputs=2,
        body=two), [state, seq, f32("z", [7, 2, 4])], [outs[0]])
    # Lengths without names: equal only when checked at run time.
    save("scan_runtime_lengths", helper.make_node(
        "Scan", ["s0", "x", "z"], ["s"], name="lengths", num_scan_inputs=2,
        body=two), [state, f32("x", [None, 2, 4]), f32("z", [None, 2, 4])],
        [outs[0]])
    save("scan_direction", helper.make_node(
        "Scan", ["s0", "x"], ["s", "y"], name="direction", num_scan_inputs=1,
        scan_input_directions=[2], body=add), [state, seq], outs)
    save("scan_axes_count", helper.make_node(
        "Scan", ["s0", "x"], ["s", "y"], name="axes_count",
        num_scan_inputs=1, scan_output_axes=[0, 1], body=add),
        [state, seq], outs, check=False)
    save("scan_arity", helper.make_node(
        "Scan", ["s0", "x"], ["s"], name="arity", num_scan_inputs=1,
        body=two), [state, seq], [outs[0]], check=False)
    grow = helper.make_graph(
        [helper.make_node("Concat", ["s", "x_t"], ["s_next"], axis=0),
         helper.make_node("Identity", ["x_t"], ["y_t"])],
        "grow", [f32("s", [2, 4]), f32("x_t", [2, 4])],
        [f32("s_next", [4, 4]), f32("y_t", [2, 4])])
    save("scan_state_shape", helper.make_node(
        "Scan", ["s0", "x"], ["s", "y"], name="grow", num_scan_inputs=1,
        body=grow), [state, seq], outs)
    outer = helper.make_graph(
        [helper.make_node("Scan", ["s", "x_t"], ["s_next", "y_t"],
                          name="inner", num_scan_inputs=1, body=add)],
        "outer", [f32("s", [2, 4]), f32("x_t", [2, 2, 4])],
        [f32("s_next", [2, 4]), f32("y_t", [2, 2, 4])])
    # A Scan inside an If inside the body is nested too.
    then = helper.make_graph(
        [helper.make_node("Scan", ["s", "x_t"], ["s_in", "y_in"],
                          name="inner", num_scan_inputs=1, body=add)],
        "then", [], [f32("s_in", [2, 4])])
    otherwise = helper.make_graph(
        [helper.make_node("Identity", ["s"], ["s_same"])], "else", [],
        [f32("s_same", [2, 4])])
    in_if = helper.make_graph(
        [helper.make_node("If", ["flag"], ["s_next"], name="branch",
                          then_branch=then, else_branch=otherwise),
         helper.make_node("Identity", ["s_next"], ["y_t"])],
        "in_if", [f32("s", [2, 4]), f32("x_t", [2, 2, 4])],
        [f32("s_next", [2, 4]), f32("y_t", [2, 4])])
    save("scan_nested_if", helper.make_node(
        "Scan", ["s0", "xx"], ["s", "y"], name="outer_if",
        num_scan_inputs=1, body=in_if),
        [state, f32("xx", [5, 2, 2, 4]),
         helper.make_tensor_value_info("flag", TensorProto.BOOL, [])],
        [f32("s", [2, 4]), f32("y", [5, 2, 4])], check=False)
    # A state of dynamic size that the body grows (ONNX allows it; seqc's
    # states keep their shape): refused when the model runs.
    grows = helper.make_graph(
        [helper.make_node("Concat", ["s", "x_t"], ["s_next"], axis=0)],
        "grows", [f32("s", ["N"]), f32("x_t", [1])], [f32("s_next", ["M"])])
    save("scan_growing_state", helper.make_node(
        "Scan", ["s0", "x"], ["s"], name="grows", num_scan_inputs=1,
        body=grows), [f32("s0", ["N"]), f32("x", ["T", 1])],
        [f32("s", ["M"])], check=False)
    save("scan_nested", helper.make_node(
        "Scan", ["s0", "xx"], ["s", "y"], name="outer", num_scan_inputs=1,
        body=outer), [state, f32("xx", [5, 2, 2, 4])],
        [f32("s", [2, 4]), f32("y", [5, 2, 2, 4])])
