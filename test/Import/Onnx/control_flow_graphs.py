"""Loops and Ifs the ONNX importer refuses, each with its message
(control-flow.test): hand-built graphs, as exporters other than torch's or
a hand-edited model leave them."""
import functools

from onnx_graphs import save_opset17_graph


def write_control_flow_inputs(in_dir):
    """The Loops and Ifs the importer refuses, each with its message: a
    while loop (the body computes the condition), a Loop without a trip
    count, a condition computed at run time, an If on run-time data, and a
    sequence used outside a Loop."""
    from onnx import TensorProto, helper

    f32 = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
    b1 = lambda n: helper.make_tensor_value_info(n, TensorProto.BOOL, [])
    i64 = lambda n: helper.make_tensor_value_info(n, TensorProto.INT64, [])
    true = helper.make_tensor("true", TensorProto.BOOL, [], [True])

    save = functools.partial(save_opset17_graph, in_dir)

    def body(cond_nodes, cond_out):
        # h = tanh(h + x[t]); the condition as given.
        return helper.make_graph(
            [helper.make_node("Gather", ["x", "t"], ["xt"], axis=0),
             helper.make_node("Add", ["h_in", "xt"], ["s"]),
             helper.make_node("Tanh", ["s"], ["h_out"])] + cond_nodes,
            "body", [i64("t"), b1("c_in"), f32("h_in", ["B", 4])],
            [b1(cond_out), f32("h_out", ["B", 4])])

    trip = [helper.make_node("Shape", ["x"], ["shape"]),
            helper.make_node("Gather", ["shape", "zero"], ["steps"], axis=0)]
    zero = helper.make_tensor("zero", TensorProto.INT64, [], [0])
    three = helper.make_tensor("three", TensorProto.INT64, [], [3])
    # The body stops after 3 steps: Less(t, 3).
    save("loop_while", trip + [helper.make_node(
        "Loop", ["steps", "true", "h0"], ["h"], name="while_loop",
        body=body([helper.make_node("Less", ["t", "three"], ["c_out"])],
                  "c_out"))],
        [f32("x", ["T", "B", 4]), f32("h0", ["B", 4])], [f32("h", ["B", 4])],
        [true, zero, three])
    save("loop_no_trip", [helper.make_node(
        "Loop", ["", "true", "h0"], ["h"], name="no_trip",
        body=body([helper.make_node("Identity", ["c_in"], ["c_out"])],
                  "c_out"))],
        [f32("x", ["T", "B", 4]), f32("h0", ["B", 4])], [f32("h", ["B", 4])],
        [true])
    save("loop_negative_trip", [helper.make_node(
        "Loop", ["minus_two", "true", "h0"], ["h"], name="negative_trip",
        body=body([helper.make_node("Identity", ["c_in"], ["c_out"])],
                  "c_out"))],
        [f32("x", ["T", "B", 4]), f32("h0", ["B", 4])], [f32("h", ["B", 4])],
        [true, helper.make_tensor("minus_two", TensorProto.INT64, [], [-2])])
    # torch's `while` bound (INT64_MAX) with a condition that stays true:
    # the loop would never end.
    save("loop_int64_max_trip", [helper.make_node(
        "Loop", ["int64_max", "true", "h0"], ["h"], name="unbounded",
        body=body([helper.make_node("Identity", ["c_in"], ["c_out"])],
                  "c_out"))],
        [f32("x", ["T", "B", 4]), f32("h0", ["B", 4])], [f32("h", ["B", 4])],
        [true, helper.make_tensor("int64_max", TensorProto.INT64, [],
                                  [2**63 - 1])])
    # 2^62 steps whose per-step outputs would take 2^67 bytes: refused at
    # compile time, once, naming the node.
    save("loop_huge_trip", [helper.make_node(
        "Loop", ["huge", "true", "h0"], ["h", "hs"], name="huge_trip",
        body=helper.make_graph(
            [helper.make_node("Identity", ["c_in"], ["c_out"]),
             helper.make_node("Tanh", ["h_in"], ["h_out"]),
             helper.make_node("Identity", ["h_out"], ["h_t"])],
            "body", [i64("t"), b1("c_in"), f32("h_in", [2, 4])],
            [b1("c_out"), f32("h_out", [2, 4]), f32("h_t", [2, 4])]))],
        [f32("h0", [2, 4])], [f32("h", [2, 4]), f32("hs", None)],
        [true, helper.make_tensor("huge", TensorProto.INT64, [], [2**62])])
    # The starting condition is data: ReduceSum(h0) == 0.
    save("loop_runtime_cond", trip + [
        helper.make_node("ReduceSum", ["h0"], ["total"], keepdims=0),
        helper.make_node("Equal", ["total", "fzero"], ["go"]),
        helper.make_node(
            "Loop", ["steps", "go", "h0"], ["h"], name="data_cond",
            body=body([helper.make_node("Identity", ["c_in"], ["c_out"])],
                      "c_out"))],
        [f32("x", ["T", "B", 4]), f32("h0", ["B", 4])], [f32("h", ["B", 4])],
        [zero, helper.make_tensor("fzero", TensorProto.FLOAT, [], [0.0])])
    branch = lambda op, out: helper.make_graph(
        [helper.make_node(op, ["x"], [out])], op, [], [f32(out, ["T", "B", 4])])
    save("if_runtime", [
        helper.make_node("ReduceSum", ["x"], ["total"], keepdims=0),
        helper.make_node("Equal", ["total", "fzero"], ["positive"]),
        helper.make_node("If", ["positive"], ["y"], name="data_if",
                         then_branch=branch("Relu", "yt"),
                         else_branch=branch("Tanh", "ye"))],
        [f32("x", ["T", "B", 4])], [f32("y", ["T", "B", 4])],
        [helper.make_tensor("fzero", TensorProto.FLOAT, [], [0.0])])
    # A run-time If whose branches give different ranks.
    save("if_runtime_ranks", [
        helper.make_node("ReduceSum", ["x"], ["total"], keepdims=0),
        helper.make_node("Equal", ["total", "fzero"], ["positive"]),
        helper.make_node("If", ["positive"], ["y"], name="rank_if",
                         then_branch=helper.make_graph(
                             [helper.make_node("ReduceSum", ["x"], ["yt"],
                                               keepdims=0)],
                             "sum", [], [f32("yt", [])]),
                         else_branch=branch("Tanh", "ye"))],
        [f32("x", ["T", "B", 4])], [f32("y", None)],
        [helper.make_tensor("fzero", TensorProto.FLOAT, [], [0.0])])
    # Logic on float data: And needs bools.
    save("and_float", [helper.make_node("And", ["x", "x"], ["y"],
                                        name="and_float")],
         [f32("x", ["T", "B", 4])], [helper.make_tensor_value_info(
             "y", TensorProto.BOOL, ["T", "B", 4])])
    # A carried tensor grown at the front (`out = torch.cat([y, out])`):
    # not the supported growth (appended at the end), so its type changes
    # from step to step, and the message says which growth is supported.
    save("loop_cat_prepend", trip + [helper.make_node(
        "Loop", ["steps", "", "empty"], ["out"], name="prepend",
        body=helper.make_graph(
            [helper.make_node("Identity", ["c_in"], ["c_out"]),
             helper.make_node("Gather", ["x", "t"], ["xt"], axis=0),
             helper.make_node("Unsqueeze", ["xt", "axis0"], ["y"]),
             helper.make_node("Concat", ["y", "out_in"], ["out_out"],
                              axis=0)],
            "body", [i64("t"), b1("c_in"), f32("out_in", [0, 2, 4])],
            [b1("c_out"), f32("out_out", [1, 2, 4])],
            initializer=[helper.make_tensor("axis0", TensorProto.INT64, [1],
                                            [0])]))],
        [f32("x", ["T", 2, 4])], [f32("out", ["T", 2, 4])],
        [zero, helper.make_tensor("empty", TensorProto.FLOAT, [0, 2, 4], [])])
    # Appended at the end, but read while it grows (attention over the
    # steps so far): before, the Concat was dropped as a per-step output
    # while the body still read it ("not defined before the node"). Read
    # in an If's branch too (before: that message, naming the branch's
    # node).
    def cat_read(name, read_nodes):
        save(name, trip + [helper.make_node(
            "Loop", ["steps", "", "empty"], ["out", "sums"], name="cat_read",
            body=helper.make_graph(
                [helper.make_node("Identity", ["c_in"], ["c_out"]),
                 helper.make_node("Gather", ["x", "t"], ["xt"], axis=0),
                 helper.make_node("Unsqueeze", ["xt", "axis0"], ["y"]),
                 helper.make_node("Concat", ["out_in", "y"], ["out_out"],
                                  axis=0)] + read_nodes,
                "body", [i64("t"), b1("c_in"), f32("out_in", [0, 2, 4])],
                [b1("c_out"), f32("out_out", [1, 2, 4]),
                 f32("sum_t", [2, 4])],
                initializer=[helper.make_tensor(
                    "axis0", TensorProto.INT64, [1], [0])]))],
            [f32("x", ["T", 2, 4])],
            [f32("out", ["T", 2, 4]), f32("sums", ["T", 2, 4])],
            [zero, helper.make_tensor("empty", TensorProto.FLOAT, [0, 2, 4],
                                      [])])

    def sum_of(src, out):
        return helper.make_node("ReduceSum", [src, "axis0"], [out],
                                keepdims=0)

    cat_read("loop_cat_read", [sum_of("out_out", "sum_t")])
    for read in ["out_out", "out_in"]:
        cat_read("loop_cat_read_in_if_" + read[4:], [
            helper.make_node("Greater", ["t", "zero"], ["later"]),
            helper.make_node(
                "If", ["later"], ["sum_t"],
                then_branch=helper.make_graph(
                    [sum_of(read, "then_sum")], "then", [],
                    [f32("then_sum", [2, 4])]),
                else_branch=helper.make_graph(
                    [sum_of("y", "else_sum")], "else", [],
                    [f32("else_sum", [2, 4])]))])
    # A carried tensor of dynamic size that the body grows: its type is the
    # same each step, its size not; the run fails naming the value.
    save("loop_growing_state", trip + [helper.make_node(
        "Loop", ["steps", "", "h0"], ["h"], name="grows",
        body=helper.make_graph(
            [helper.make_node("Identity", ["c_in"], ["c_out"]),
             helper.make_node("Gather", ["x", "t"], ["xt"], axis=0),
             helper.make_node("Concat", ["h_in", "xt"], ["h_out"], axis=0)],
            "body", [i64("t"), b1("c_in"), f32("h_in", ["N"])],
            [b1("c_out"), f32("h_out", ["M"])]))],
        [f32("x", ["T", 1]), f32("h0", ["N"])], [f32("h", ["M"])], [zero])
    save("sequence_outside_loop", [
        helper.make_node("SequenceEmpty", [], ["seq"], name="empty"),
        helper.make_node("SequenceInsert", ["seq", "x"], ["seq2"],
                         name="insert"),
        helper.make_node("ConcatFromSequence", ["seq2"], ["y"], name="join",
                         axis=0, new_axis=1)],
        [f32("x", ["T", "B", 4])], [f32("y", [1, "T", "B", 4])])
    # x split into single steps (keepdims = 1) and concatenated back.
    save("split_to_sequence", [
        helper.make_node("SplitToSequence", ["x"], ["seq"], name="split",
                         axis=0, keepdims=1),
        helper.make_node("ConcatFromSequence", ["seq"], ["y"], name="join",
                         axis=0)],
        [f32("x", ["T", "B", 4])], [f32("y", ["T", "B", 4])])
    # Pieces of given sizes (what torch makes of repeat_interleave over a
    # size it does not know): refused, with the rewrite that exports.
    save("split_sizes_to_sequence", [
        helper.make_node("SplitToSequence", ["x", "sizes"], ["seq"],
                         name="sizes", axis=0),
        helper.make_node("ConcatFromSequence", ["seq"], ["y"], name="join",
                         axis=0)],
        [f32("x", [3, "B", 4])], [f32("y", [3, "B", 4])],
        [helper.make_tensor("sizes", TensorProto.INT64, [2], [1, 2])])
    # x.unbind(0) (keepdims = 0) stacked back.
    save("unbind_to_sequence", [
        helper.make_node("SplitToSequence", ["x"], ["seq"], name="unbind",
                         axis=0, keepdims=0),
        helper.make_node("ConcatFromSequence", ["seq"], ["y"], name="join",
                         axis=0, new_axis=1)],
        [f32("x", ["T", "B", 4])], [f32("y", ["T", "B", 4])])
    write_sequence_list_inputs(in_dir)


def write_sequence_list_inputs(in_dir):
    """Sequences of a length known at compile time (SequenceOps.cpp) and a
    Loop whose steps have their own shapes (UnrolledLoops.cpp), with the
    errors for positions and sizes that do not fit."""
    from onnx import TensorProto, helper

    f32 = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
    i64v = lambda n, s: helper.make_tensor_value_info(n, TensorProto.INT64, s)
    ints = lambda n, v: helper.make_tensor(n, TensorProto.INT64, [len(v)], v)
    scalar = lambda n, v: helper.make_tensor(n, TensorProto.INT64, [], [v])
    save = functools.partial(save_opset17_graph, in_dir)

    # x [5, B, 4]: pieces of sizes [2, 3] along 0, the last read at -1;
    # [x, x] with it inserted at 1 and item 0 erased: [x[2:5], x], joined
    # along 0 (y) and counted (n); x's last axis in pieces of 2, stacked
    # along a new axis 0 (z).
    save("sequence_lists", [
        helper.make_node("SplitToSequence", ["x", "sizes"], ["parts"],
                         name="split_sizes", axis=0),
        helper.make_node("SequenceAt", ["parts", "minus_one"], ["tail"],
                         name="at_last"),
        helper.make_node("SequenceConstruct", ["x", "x"], ["pair"],
                         name="construct"),
        helper.make_node("SequenceInsert", ["pair", "tail", "one"],
                         ["three"], name="insert_at_1"),
        helper.make_node("SequenceErase", ["three", "zero"], ["two"],
                         name="erase_0"),
        helper.make_node("SequenceLength", ["two"], ["n"], name="count"),
        helper.make_node("ConcatFromSequence", ["two"], ["y"], name="join",
                         axis=0),
        helper.make_node("SplitToSequence", ["x", "two_int"], ["halves"],
                         name="split_chunks", axis=2),
        helper.make_node("ConcatFromSequence", ["halves"], ["z"],
                         name="stack", axis=0, new_axis=1)],
        [f32("x", [5, "B", 4])],
        [f32("y", [8, "B", 4]), f32("z", [2, 5, "B", 2]), i64v("n", [])],
        [ints("sizes", [2, 3]), scalar("minus_one", -1), scalar("one", 1),
         scalar("zero", 0), scalar("two_int", 2)])
    # Single steps stacked along another axis than the split one: x [2, 3,
    # 4] split along 1 keeping it, stacked along 0 ([3, 2, 1, 4]), and
    # dropping it, stacked along -1 ([2, 4, 3]); pieces of [4, 0] along the
    # last axis (a piece of no elements at the end), joined back, and the
    # same as Split's outputs.
    save("split_steps_restacked", [
        helper.make_node("SplitToSequence", ["x"], ["kept"], name="keep",
                         axis=1, keepdims=1),
        helper.make_node("ConcatFromSequence", ["kept"], ["y1"],
                         name="stack0", axis=0, new_axis=1),
        helper.make_node("SplitToSequence", ["x"], ["dropped"], name="drop",
                         axis=1, keepdims=0),
        helper.make_node("ConcatFromSequence", ["dropped"], ["y2"],
                         name="stack_last", axis=-1, new_axis=1),
        helper.make_node("SplitToSequence", ["x", "four_zero"], ["parts"],
                         name="split_4_0", axis=2),
        helper.make_node("ConcatFromSequence", ["parts"], ["y3"],
                         name="join", axis=2),
        helper.make_node("Split", ["x", "four_zero"], ["y4", "empty"],
                         name="plain_split_4_0", axis=2)],
        [f32("x", [2, 3, 4])],
        [f32("y1", [3, 2, 1, 4]), f32("y2", [2, 4, 3]), f32("y3", [2, 3, 4]),
         f32("y4", [2, 3, 4]), f32("empty", [2, 3, 0])],
        [ints("four_zero", [4, 0])])
    # Errors: a position past the end, a position computed at run time,
    # sizes that do not add up (static: at compile time; run-time: when
    # the model runs), pieces of 2 of an axis of run-time length.
    save("sequence_at_out_of_range", [
        helper.make_node("SequenceConstruct", ["x", "x"], ["pair"],
                         name="construct"),
        helper.make_node("SequenceAt", ["pair", "two_int"], ["y"],
                         name="at_2")],
        [f32("x", [2, 4])], [f32("y", [2, 4])], [scalar("two_int", 2)])
    save("sequence_at_runtime_position", [
        helper.make_node("SequenceConstruct", ["x", "x"], ["pair"],
                         name="construct"),
        helper.make_node("SequenceAt", ["pair", "p"], ["y"], name="at_p")],
        [f32("x", [2, 4]), i64v("p", [])], [f32("y", [2, 4])])
    save("split_sizes_mismatch", [
        helper.make_node("SplitToSequence", ["x", "sizes"], ["parts"],
                         name="split_sizes", axis=0),
        helper.make_node("ConcatFromSequence", ["parts"], ["y"],
                         name="join", axis=0)],
        [f32("x", [4, 3])], [f32("y", [4, 3])], [ints("sizes", [2, 3])])
    save("split_sizes_runtime", [
        helper.make_node("SplitToSequence", ["x", "sizes"], ["parts"],
                         name="split_sizes", axis=0),
        helper.make_node("SequenceAt", ["parts", "one"], ["y"],
                         name="at_1")],
        [f32("x", ["T", 3])], [f32("y", [2, 3])],
        [ints("sizes", [1, 2]), scalar("one", 1)])
    save("split_chunks_runtime_extent", [
        helper.make_node("SplitToSequence", ["x", "two_int"], ["parts"],
                         name="split_chunks", axis=0),
        helper.make_node("ConcatFromSequence", ["parts"], ["y"],
                         name="join", axis=0)],
        [f32("x", ["T", 3])], [f32("y", ["T", 3])], [scalar("two_int", 2)])

    # A Loop whose step t makes a [t + 1, B] value (x[t] repeated t + 1
    # times, torch 1.13's repeat_interleave loop in small): over a trip
    # count of 3 it is unrolled; the carried sum adds t + 1 each step and
    # the per-step output is t + 1. Over a trip count known only at run
    # time it is refused, naming the value whose size changes.
    def step_shapes_body():
        b1 = lambda n: helper.make_tensor_value_info(n, TensorProto.BOOL, [])
        return helper.make_graph(
            [helper.make_node("Add", ["t", "one"], ["n"]),
             helper.make_node("Unsqueeze", ["n", "axis0"], ["n1"]),
             helper.make_node("ConstantOfShape", ["n1"], ["ones"],
                              value=helper.make_tensor(
                                  "v", TensorProto.FLOAT, [1], [1.0])),
             helper.make_node("ReduceSum", ["ones"], ["s"], keepdims=0),
             helper.make_node("Add", ["acc_in", "s"], ["acc_out"]),
             helper.make_node("Gather", ["x", "t"], ["xt"], axis=0),
             helper.make_node("Unsqueeze", ["xt", "axis0"], ["row"]),
             helper.make_node("Concat", ["n1", "one1"], ["shape"], axis=0),
             helper.make_node("Expand", ["row", "shape"], ["rows"]),
             helper.make_node("SequenceInsert", ["seq_in", "rows"],
                              ["seq_out"]),
             helper.make_node("Identity", ["s"], ["s_out"]),
             helper.make_node("Identity", ["c_in"], ["c_out"])],
            "body",
            [i64v("t", []), b1("c_in"), f32("acc_in", []),
             helper.make_tensor_sequence_value_info(
                 "seq_in", TensorProto.FLOAT, None)],
            [b1("c_out"), f32("acc_out", []),
             helper.make_tensor_sequence_value_info(
                 "seq_out", TensorProto.FLOAT, None),
             f32("s_out", [])])
    true = helper.make_tensor("true", TensorProto.BOOL, [], [True])
    loop_consts = [true, scalar("one", 1), ints("axis0", [0]),
                   ints("one1", [1])]
    after = [helper.make_node("ConcatFromSequence", ["seq"], ["y"],
                              name="join", axis=0)]
    save("loop_step_shapes", [
        helper.make_node("SequenceEmpty", [], ["seq0"],
                         dtype=TensorProto.FLOAT),
        helper.make_node("Loop", ["three", "true", "acc0", "seq0"],
                         ["acc", "seq", "steps"], name="step_shapes",
                         body=step_shapes_body())] + after,
        [f32("x", [3, "B"]), f32("acc0", [])],
        [f32("acc", []), f32("y", [6, "B"]), f32("steps", [3])],
        loop_consts + [scalar("three", 3)])
    save("loop_step_shapes_runtime_trip", [
        helper.make_node("Shape", ["x"], ["shape_x"]),
        helper.make_node("Gather", ["shape_x", "zero"], ["trip"], axis=0),
        helper.make_node("SequenceEmpty", [], ["seq0"],
                         dtype=TensorProto.FLOAT),
        helper.make_node("Loop", ["trip", "true", "acc0", "seq0"],
                         ["acc", "seq", "steps"], name="step_shapes",
                         body=step_shapes_body())] + after,
        [f32("x", ["T", "B"]), f32("acc0", [])],
        [f32("acc", []), f32("y", ["N", "B"]), f32("steps", ["T"])],
        loop_consts + [scalar("zero", 0)])
