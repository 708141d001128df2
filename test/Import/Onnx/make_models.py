#!/usr/bin/python3
"""Exports the small models that test the ONNX front end: recurrent,
convolutional (TCN), attention (hand-written, nn.TransformerEncoderLayer,
GPT-style), hybrid, activations and reductions.

Run with Debian's python3 (python3-torch 1.13, python3-onnx 1.12):

    /usr/bin/python3 test/Import/Onnx/make_models.py [OUT_DIR] [--only NAME...]

`--only` writes just the named models (every model is still built, in
order, so their weights do not change).

For every model it writes OUT_DIR/NAME.onnx (exported at T=5, B=3 with
dynamic sequence and batch axes) and, for two other sequence lengths L,
OUT_DIR/NAME.tL.in.INPUT.npy and OUT_DIR/NAME.tL.out.OUTPUT.npy (PyTorch's
results; for the models made with onnx.helper because PyTorch never
exports what they test, such as reduce_l2, variadic, int32_ops,
matmul_ranks, scan_* and sdpa (torch 2.x's export), NumPy's).
run_models.py compiles each .onnx with seqc and compares.

It also writes, with onnx.helper, the small graphs of the lit tests into
Inputs/ next to this script: each ONNX feature the importer maps (the full
RNN/LSTM/GRU attribute set, the tensor ops) and the malformed models of
the error tests.

The PyTorch modules live by family in recurrent_models.py,
attention_models.py and op_models.py, the onnx.helper graphs in
onnx_graphs.py, interop_graphs.py (as tf2onnx and hand-builders write
them), integer_graphs.py, matmul_graphs.py, scan_graphs.py and
sdpa_graphs.py; MODELS below lists what is exported, in the order that
fixes every model's weights.
"""

import os
import sys
import zlib

import numpy as np
import torch

from stream_models import (  # noqa: F401
    LastStepEveryStep, LastStepSpread, NextTokenLogits, NextTokenTopK,
    NextTokenTopP,
    ScriptedLstmCellCat, TopKOverTime,
    ScriptedZipLoop,
    ScriptedHeadsLoop,
    ScriptedUnbindLastStep, LastStepNormalizedHeads, ScriptedLengthBranch,
    FlippedGru, DelayedCausalConv, OnePaddedConv, SsdEinsums,
    ListIndexLastStep, ConvThenPreallocatedScan,
    TcnLastStep, features4, features16, tokens11, two_features4)
from attention_models import (  # noqa: F401
    AddMaskAttention, BertEncoder, BertMask, BufferMaskAttention,
    CausalSelfAttention,
    CrossAttention, DebertaBuckets, DistilBertMaskedFill, FloatArangeRotary,
    EinsumLayoutAttention,
    AlibiCausal, ArithmeticMaskAttention, BaddbmmAttention, CachedRotary, GatheredRotary,
    HfBartDecoderLayer,
    Gemma2SlidingMask, Gpt, GptJAttention, GptJScaledAfterMask,
    HfUpdateCausalMask, Qwen1CausalMask, HfGpt2PaddedAttention,
    HfLlamaPaddedAttention,
    GptJPaddedAttention, DeepPaddingBias,
    left_padded_mask_inputs,
    InterleavedRope,
    GroupedQueryAttention, HfCausalMaskKvCache, HfCausalSlice, HfGpt2Attention,
    HfMakeCausalMaskAttention, HfPositionIds, HfRmsNorms, KV_CACHE_AXES,
    KeyMaskAttention, KvCacheAttention, LstmAttention, MhaCausalDecoder,
    MultiQueryAttention, PalmAttention,
    MhaCausalSeqFirst, OldTutorialMask,
    DeepEncoder, NeoXAttention, OddFirstLayers, OneRowTable,
    PaddedTransformerEncoder,
    SlidingWindowAttention, T5EncoderDecoder, T5RelativeBias,
    TablePositionsDecoder, TimeMajorTablePositions, TransformerDecoder,
    batch_first_small, batch_one_features, bert_encoder_inputs,
    bert_mask_inputs, cross_inputs,
    decoder_inputs, encoder_layer, fully_padded_mask_inputs, key_mask_inputs,
    kv_cache_inputs, padded_encoder_inputs, sinusoidal_table, t5_inputs,
    time_major_features)
from control_flow_graphs import write_control_flow_inputs
from fixture_shapes import (  # noqa: F401
    EXPORT_B, EXPORT_T, TEST_SHAPES)
from integer_graphs import write_int32_model, write_size_cast_like_model
from slice_graphs import write_runtime_slices_model
from matmul_graphs import write_matmul_ranks_model
from layer_stack_models import (CausalDecoderStack, EncoderStackBatchOne,
                                Gpt2Stack)
from memory_attention_models import TransformerXlMemory, memory_inputs
from onnx_graphs import (  # noqa: F401
    write_conv2d_inputs, write_cumsum_model,
    write_edge_inputs, write_einsum_inputs, write_lit_inputs,
    write_malformed_graph_inputs, write_narrow_initializers_model,
    write_pad_modes_model, write_reduce_model, write_reshape_cast_model,
    write_reshape_regroup_model,
    write_variadic_model)
from op_models import (  # noqa: F401
    ACTIVATION_OUTPUTS, Activations, ActivationsEach, EinsumOps,
    ConvTrimHeads, ExpandComputedShape, FakeQuantizedGru, FloatDtypes,
    GreedyHead, NegativePermute,
    MaskOps, MatMul4d, NarrowAndHalfCasts, NormSpellings, OneHotInput,
    PadRuntimeAmounts, Pool2d, Reductions, TileRepeat, TokenLosses,
    TorchPads, channels_first_inputs, per_step_matrices,
    scored_token_inputs, spectrogram_inputs, time_major_f16, time_major_f64,
    token_inputs)
from rotary_models import GptJComputedRotary, GptJGatheredRotary, HeadRotary
from recurrent_models import (  # noqa: F401
    BatchPositions, ConvGruStack, ConvSubsampling, CtcBiGru, GruHead, GruUni, LastValidStep,
    LstmBi, LstmInitialState, LstmUni, PreallocatedBatchFirst, ProjectedLoop,
    CumulativeLayerNorm, Rnn, ScriptedBatchFirst, ScriptedCatGrow,
    ScriptedFeedback, ScriptedCatSteps, ScriptedWrittenInitialState,
    ScriptedTrimmedConvScan, ScriptedUnbindCell, StaticContextLstm,
    static_context_inputs, QrnnConvStack, ChompedCumulativeNorm,
    MovingAverages, LuongDecoder, BahdanauDecoder, encoder_output_inputs,
    BahdanauLengthMask, encoder_length_inputs, LuongDotWeights,
    ScriptedConvLstm,
    ScriptedFirstStep, ScriptedGreedyDecoder, ScriptedIndexedOut,
    ScriptedLocationAttention, ScriptedLookahead, ScriptedMemory, ScriptedRnn,
    ScriptedBranches, ScriptedDeepCells, ScriptedLengthInLoop,
    ScriptedUnbindLoops, ScriptedOtherLength, ScriptedReshapedLength,
    GruFlattenTime,
    other_length_inputs, ScriptedSsm, ScriptedStepIndex,
    StridedTimeGru, Tcn, TcnTagger, TokenShifts,
    batch_first_features, branch_inputs,
    batch_first_inputs, lengths_inputs, location_attention_inputs,
    step_index_inputs, time_major_inputs, time_major_state_inputs,
    video_inputs)
from scan_graphs import write_scan_error_inputs, write_scan_models
from sdpa_graphs import write_sdpa_model
from seq2seq_models import (  # noqa: F401
    BiGruAttentionSeq2Seq, ContextEveryStep, EncoderOutputReturned, LstmSeq2Seq,
    PrefixedMemoryLength, ScriptedBranchMadeRead, ScriptedGuardedAlignment,
    TransformerSeq2Seq, feature_seq2seq_inputs, short_source_inputs,
    token_seq2seq_inputs, transformer_seq2seq_inputs)


MODELS = [
    ("rnn_tanh", lambda: Rnn("tanh"), 13, time_major_inputs, ["y", "h"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 2: "B"}, "h": {1: "B"}}),
    ("rnn_relu", lambda: Rnn("relu"), 17, time_major_inputs, ["y", "h"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 2: "B"}, "h": {1: "B"}}),
    ("lstm_uni", LstmUni, 14, time_major_inputs, ["y", "h", "c"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 2: "B"}, "h": {1: "B"},
      "c": {1: "B"}}),
    ("lstm_bi", LstmBi, 14, batch_first_inputs, ["y", "h", "c"],
     {"x": {0: "B", 1: "T"}, "h0": {1: "B"}, "c0": {1: "B"},
      "y": {0: "B", 1: "T"}, "h": {1: "B"}, "c": {1: "B"}}),
    ("gru_head", GruHead, 15, time_major_inputs, ["out", "h"],
     {"x": {0: "T", 1: "B"}, "out": {0: "B"}, "h": {1: "B"}}),
    ("tcn", Tcn, 14, channels_first_inputs, ["y"],
     {"x": {0: "B", 2: "T"}, "y": {0: "B", 2: "T"}}),
    ("causal_attn", CausalSelfAttention, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("addmask_attn", AddMaskAttention, 17, batch_first_features,
     ["y", "m"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"},
                  "m": {0: "B", 1: "T"}}),
    ("encoder_layer", encoder_layer, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("keymask_attn", KeyMaskAttention, 14, key_mask_inputs, ["y"],
     {"x": {0: "B", 1: "T"}, "m": {0: "B", 3: "T"}, "y": {0: "B", 1: "T"}}),
    ("gpt_block", Gpt, 14, token_inputs, ["logits"],
     {"ids": {0: "B", 1: "T"}, "logits": {0: "B", 1: "T"}}),
    ("lstm_attn", LstmAttention, 14, batch_first_small, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("buffer_attn", BufferMaskAttention, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("gru_uni", GruUni, 16, time_major_inputs, ["y", "h"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"}, "h": {1: "B"}}),
    ("activations", Activations, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("reductions", Reductions, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("greedy_head", GreedyHead, 14, batch_first_features,
     ["logp", "tokens", "first"],
     {"x": {0: "B", 1: "T"}, "logp": {0: "B", 1: "T"},
      "tokens": {0: "B", 1: "T"}, "first": {0: "B"}}),
    ("tile", TileRepeat, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T2"}}),
    ("scripted_rnn", lambda: torch.jit.script(ScriptedRnn()), 17,
     time_major_inputs, ["y", "h"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"}, "h": {0: "B"}}),
    ("scripted_memory", lambda: torch.jit.script(ScriptedMemory()), 17,
     time_major_inputs, ["r"],
     {"x": {0: "T", 1: "B"}, "r": {0: "T", 1: "B"}}),
    ("scripted_ssm", lambda: torch.jit.script(ScriptedSsm()), 17,
     time_major_inputs, ["y"],
     {"x": {0: "T", 1: "B"}, "y": {0: "B", 1: "T"}}),
    ("mask_ops", MaskOps, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("cross_attn", CrossAttention, 14, cross_inputs, ["y"],
     {"x": {0: "B", 1: "T"}, "memory": {0: "B", 1: "S"},
      "y": {0: "B", 1: "T"}}),
    ("einsum", EinsumOps, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("scripted_batch_first", lambda: torch.jit.script(ScriptedBatchFirst()),
     17, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("torch_pads", TorchPads, 14, batch_first_features, ["r", "e"],
     {"x": {0: "B", 1: "T"}, "r": {0: "B"}, "e": {0: "B"}}),
    ("transformer_decoder", TransformerDecoder, 14, decoder_inputs, ["y"],
     {"tgt": {0: "T", 1: "B"}, "memory": {0: "S", 1: "B"},
      "memory_pad": {0: "B", 1: "S"}, "y": {0: "T", 1: "B"}}),
    ("bert_mask", BertMask, 14, bert_mask_inputs, ["y"],
     {"x": {0: "B", 1: "T"}, "attention_mask": {0: "B", 1: "T"},
      "y": {0: "B", 1: "T"}}),
    ("t5_bias", T5RelativeBias, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("ctc_bigru", CtcBiGru, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("hf_causal_slice", HfCausalSlice, 14, cross_inputs, ["y"],
     {"x": {0: "B", 1: "T"}, "memory": {0: "B", 1: "S"},
      "y": {0: "B", 1: "T"}}),
    ("deberta_buckets", DebertaBuckets, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T", 2: "T"}}),
    ("last_valid_step", LastValidStep, 14, lengths_inputs, ["y"],
     {"x": {0: "B", 1: "T"}, "lengths": {0: "B"}, "y": {0: "B"}}),
    ("scripted_location_attention",
     lambda: torch.jit.script(ScriptedLocationAttention()), 17,
     location_attention_inputs, ["y"],
     {"memory": {0: "B", 1: "S"}, "lengths": {0: "B"}, "q": {0: "B", 1: "T"},
      "y": {0: "B", 1: "T", 2: "S"}}),
    ("scripted_indexed_out", lambda: torch.jit.script(ScriptedIndexedOut()),
     17, time_major_inputs, ["y"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"}}),
    ("scripted_cat_grow", lambda: torch.jit.script(ScriptedCatGrow()), 17,
     batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("scripted_first_step", lambda: torch.jit.script(ScriptedFirstStep()),
     17, time_major_inputs, ["y"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"}}),
    ("one_hot", OneHotInput, 14, token_inputs, ["y"],
     {"ids": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("scripted_lookahead", lambda: torch.jit.script(ScriptedLookahead()), 17,
     time_major_inputs, ["y"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"}}),
    ("neox_attn", NeoXAttention, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("gptj_attn", GptJAttention, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("conv_subsampling", ConvSubsampling, 14, batch_first_features,
     ["y", "z"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T4"},
                  "z": {0: "B", 2: "T"}}),
    ("gqa_repeat_kv", GroupedQueryAttention, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("gqa_repeat_interleave", lambda: GroupedQueryAttention(interleave=True),
     14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("sliding_window", SlidingWindowAttention, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("sliding_window_additive", lambda: SlidingWindowAttention("additive"),
     14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("local_window", lambda: SlidingWindowAttention("bidirectional"), 14,
     batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("hf_gpt2_attn", HfGpt2Attention, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("hf_make_causal_mask", HfMakeCausalMaskAttention, 14,
     batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("hf_position_ids", HfPositionIds, 14, token_inputs, ["y"],
     {"ids": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("log_window", lambda: SlidingWindowAttention("log"), 14,
     batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("distilbert_masked_fill", DistilBertMaskedFill, 14,
     fully_padded_mask_inputs, ["y"],
     {"x": {0: "B", 1: "T"}, "attention_mask": {0: "B", 1: "T"},
      "y": {0: "B", 1: "T"}}),
    ("hf_rms_norms", HfRmsNorms, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("norm_spellings", NormSpellings, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("kv_cache_attention", KvCacheAttention, 14, kv_cache_inputs,
     ["y", "k", "v"], KV_CACHE_AXES),
    ("kv_cache_shifted_mask", lambda: KvCacheAttention(shift=1), 14,
     kv_cache_inputs, ["y", "k", "v"], KV_CACHE_AXES),
    ("hf_causal_mask_kv_cache", HfCausalMaskKvCache, 14, kv_cache_inputs,
     ["y", "k", "v"], KV_CACHE_AXES),
    ("narrow_and_half_casts", NarrowAndHalfCasts, 14, batch_first_features,
     ["y", "p", "q", "h", "bf"],
     {"x": {0: "B", 1: "T"}, **{o: {0: "B", 1: "T"}
                               for o in ["y", "p", "q", "h", "bf"]}}),
    ("pad_runtime_amounts", PadRuntimeAmounts, 14, batch_first_features,
     ["y", "blocks", "z", "r"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T4"}, "blocks": {0: "B", 1: "N"},
      "z": {0: "B", 1: "T"}, "r": {0: "B", 2: "TR"}}),
    ("expand_computed_shape", ExpandComputedShape, 14, batch_first_features,
     ["y", "z"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"},
                  "z": {0: "B", 1: "T1"}}),
    ("lstm_initial_state", LstmInitialState, 14, time_major_state_inputs,
     ["y", "h", "c"],
     {"x": {0: "T", 1: "B"}, "h0": {1: "B"}, "c0": {1: "B"},
      "y": {0: "T", 1: "B"}, "h": {1: "B"}, "c": {1: "B"}}),
    ("scripted_step_index", lambda: torch.jit.script(ScriptedStepIndex()), 14,
     step_index_inputs, ["y", "h"],
     {"x": {0: "T", 1: "B"}, "lengths": {0: "B"}, "y": {0: "T", 1: "B"},
      "h": {0: "B"}}),
    ("scripted_greedy_decoder",
     lambda: torch.jit.script(ScriptedGreedyDecoder()), 14, time_major_inputs,
     ["logits", "tokens", "embedded"],
     {"x": {0: "T", 1: "B"}, "logits": {0: "T", 1: "B"},
      "tokens": {0: "T", 1: "B"}, "embedded": {0: "T", 1: "B"}}),
    ("mha_causal_batch1", MhaCausalDecoder, 14, batch_one_features, ["y"],
     {"x": {1: "T"}, "y": {1: "T"}}),
    ("float64_model", lambda: FloatDtypes().double(), 14, time_major_f64,
     ["y", "h"], {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"},
                  "h": {1: "B"}}),
    ("float16_io", lambda: FloatDtypes(half_io=True), 14, time_major_f16,
     ["y", "h"], {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"},
                  "h": {1: "B"}}),
    ("scripted_projected_loop", lambda: torch.jit.script(ProjectedLoop()),
     14, batch_first_small, ["y"], {"x": {0: "B", 1: "T"},
                                    "y": {0: "B", 1: "T"}}),
    ("scripted_prealloc_batch_first",
     lambda: torch.jit.script(PreallocatedBatchFirst()), 14,
     batch_first_small, ["y"], {"x": {0: "B", 1: "T"},
                                "y": {0: "B", 1: "T"}}),
    ("pool2d", Pool2d, 14, spectrogram_inputs,
     ["y1", "y2", "y3", "y4", "y5"],
     {"x": {0: "B", 3: "T"}, **{f"y{i}": {0: "B", 3: f"T{i}"}
                                for i in range(1, 6)}}),
    ("scripted_conv_lstm", lambda: torch.jit.script(ScriptedConvLstm()), 14,
     video_inputs, ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("token_shift", TokenShifts, 14, batch_first_features,
     ["y1", "y2", "y3", "y4", "y5"],
     {"x": {0: "B", 1: "T"}, **{f"y{i}": {0: "B", 1: "T"}
                                for i in range(1, 6)}}),
    ("matmul_4d", MatMul4d, 14, per_step_matrices, ["y"],
     {"q": {0: "B", 1: "T"}, "s": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("batch_positions", BatchPositions, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("table_positions", TablePositionsDecoder, 14, batch_one_features, ["y"],
     {"x": {1: "T"}, "y": {1: "T"}}),
    ("time_major_table_positions", TimeMajorTablePositions, 14,
     lambda T, B, rng: {"x": rng.standard_normal((T, B, 8)).astype(
         np.float32)},
     ["y"], {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"}}),
    ("float_arange_rotary", FloatArangeRotary, 14, batch_one_features, ["y"],
     {"x": {1: "T"}, "y": {1: "T"}}),
    ("one_row_table", OneRowTable, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("padded_encoder", PaddedTransformerEncoder, 14, padded_encoder_inputs,
     ["y"], {"x": {0: "B", 1: "T"}, "pad": {0: "B", 1: "T"},
             "y": {0: "B", 1: "T"}}),
    ("deep_encoder", DeepEncoder, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("odd_first_layers", OddFirstLayers, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("bert_encoder", BertEncoder, 14, bert_encoder_inputs, ["y"],
     {"input_ids": {0: "B", 1: "T"}, "attention_mask": {0: "B", 1: "T"},
      "y": {0: "B", 1: "T"}}),
    ("t5_encoder_decoder", T5EncoderDecoder, 14, t5_inputs, ["logits"],
     {"input_ids": {0: "B", 1: "T"}, "decoder_input_ids": {0: "B", 1: "S"},
      "logits": {0: "B", 1: "S"}}),
    ("activations_each", ActivationsEach, 14,
     lambda T, B, rng: {"x": (3 * rng.standard_normal((B, T, 8))).astype(
         np.float32)},
     ACTIVATION_OUTPUTS,
     dict({"x": {0: "B", 1: "T"}},
          **{name: {0: "B", 1: "T"} for name in ACTIVATION_OUTPUTS})),
    ("tcn_tagger", TcnTagger, 14, channels_first_inputs, ["y"],
     {"x": {0: "B", 2: "T"}, "y": {0: "B", 1: "T"}}),
    ("scripted_cat_steps", lambda: torch.jit.script(ScriptedCatSteps()), 17,
     batch_first_features, ["y", "z"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}, "z": {0: "B", 3: "T"}}),
    ("interleaved_rope", InterleavedRope, 14, batch_one_features, ["y"],
     {"x": {1: "T"}, "y": {1: "T"}}),
    ("strided_time_gru", StridedTimeGru, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T2"}}),
    ("conv_gru_stack", ConvGruStack, 14, batch_first_features, ["y", "z"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}, "z": {0: "B", 1: "T"}}),
    ("scripted_branches", lambda: torch.jit.script(ScriptedBranches()), 14,
     branch_inputs, ["d", "e", "y", "r"],
     {"x": {0: "B", 1: "T"}, "ids": {0: "B", 1: "T"}, "d": {0: "B"},
      "e": {0: "B", 1: "T"}, "y": {0: "B"}, "r": {0: "B"}}),
    ("scripted_length_in_loop",
     lambda: torch.jit.script(ScriptedLengthInLoop()), 14, batch_first_features,
     ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("scripted_deep_cells", lambda: torch.jit.script(ScriptedDeepCells()), 14,
     batch_first_features, ["y", "h"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}, "h": {1: "B"}}),
    ("scripted_unbind_loops", lambda: torch.jit.script(ScriptedUnbindLoops()),
     14, batch_first_features, ["y", "z"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}, "z": {0: "B", 1: "T"}}),
    ("transformer_xl_memory", TransformerXlMemory, 14, memory_inputs, ["y"],
     {"x": {0: "B", 1: "T"}, "mem": {0: "B", 1: "M"},
      "y": {0: "B", 1: "T"}}),
    ("scripted_other_length", lambda: torch.jit.script(ScriptedOtherLength()),
     14, other_length_inputs, ["z"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}, "z": {0: "B", 1: "T"}}),
    ("gru_flatten_time", GruFlattenTime, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "TH"}}),
    ("encoder_stack_batch_one", EncoderStackBatchOne, 14, batch_one_features,
     ["y"], {"x": {1: "T"}, "y": {1: "T"}}),
    ("causal_decoder_stack", CausalDecoderStack, 14, batch_one_features,
     ["y"], {"x": {1: "T"}, "y": {1: "T"}}),
    ("buffer_attn_inferred", lambda: BufferMaskAttention(inferred=True), 14,
     batch_first_features, ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("cached_rotary", CachedRotary, 14, batch_one_features, ["y"],
     {"x": {1: "T"}, "y": {1: "T"}}),
    ("causal_decoder_stack_batched", CausalDecoderStack, 14,
     batch_first_features, ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("mha_causal_seq_first", MhaCausalSeqFirst, 14, time_major_features, ["y"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"}}),
    ("old_tutorial_mask", OldTutorialMask, 14, time_major_features, ["y"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"}}),
    ("old_tutorial_mask_future", lambda: OldTutorialMask("future"), 14,
     time_major_features, ["y"], {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"}}),
    ("old_tutorial_mask_soft", lambda: OldTutorialMask("soft"), 14,
     time_major_features, ["y"], {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"}}),
    ("scripted_feedback", lambda: torch.jit.script(ScriptedFeedback()), 14,
     batch_first_features, ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("cumulative_layer_norm", CumulativeLayerNorm, 14, channels_first_inputs,
     ["norm", "scaled", "odd"],
     {"x": {0: "B", 2: "T"}, "norm": {0: "B", 2: "T"}, "scaled": {0: "B", 1: "T"},
      "odd": {0: "B", 1: "T"}}),
    ("flipped_positions", lambda: CumulativeLayerNorm(flipped=True), 14,
     channels_first_inputs, ["y"], {"x": {0: "B", 2: "T"}, "y": {0: "B", 2: "T"}}),
    ("gptj_computed_rotary", GptJComputedRotary, 16, batch_first_features,
     ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("scripted_written_state",
     lambda: torch.jit.script(ScriptedWrittenInitialState()), 14,
     batch_first_features, ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("scripted_trimmed_conv",
     lambda: torch.jit.script(ScriptedTrimmedConvScan()), 14,
     batch_first_features, ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("scripted_unbind_cell", lambda: torch.jit.script(ScriptedUnbindCell()),
     14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("static_context_lstm", StaticContextLstm, 14, static_context_inputs,
     ["y"], {"x": {0: "B", 1: "T"}, "static": {0: "B"},
             "y": {0: "B", 1: "T"}}),
    ("qrnn_conv_stack", QrnnConvStack, 14, time_major_inputs, ["y"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"}}),
    ("chomped_cumulative_norm", ChompedCumulativeNorm, 13,
     channels_first_inputs, ["y"],
     {"x": {0: "B", 2: "T"}, "y": {0: "B", 2: "T"}}),
    ("causal_moving_average", MovingAverages, 13, channels_first_inputs,
     ["y"], {"x": {0: "B", 2: "T"}, "y": {0: "B", 2: "T"}}),
    ("moving_averages", lambda: MovingAverages(causal=False), 13,
     channels_first_inputs, ["same", "shorter"],
     {"x": {0: "B", 2: "T"}, "same": {0: "B", 2: "T"},
      "shorter": {0: "B", 2: "T1"}}),
    ("luong_decoder", LuongDecoder,
     14, lambda T, B, rng: {k: v for k, v in
                            encoder_output_inputs(T, B, rng).items()
                            if k != "enc_pad"},
     ["out"], {"y": {0: "B", 1: "T"}, "enc": {0: "B", 1: "S"},
               "out": {0: "B", 1: "T"}}),
    ("bahdanau_decoder", BahdanauDecoder, 14, encoder_output_inputs, ["out"],
     {"y": {0: "B", 1: "T"}, "enc": {0: "B", 1: "S"},
      "enc_pad": {0: "B", 1: "S"}, "out": {0: "B", 1: "T"}}),
    ("bahdanau_length_mask", BahdanauLengthMask, 14, encoder_length_inputs,
     ["out"], {"y": {0: "B", 1: "T"}, "enc": {0: "B", 1: "S"},
               "enc_len": {0: "B"}, "out": {0: "B", 1: "T"}}),
    # (The weights' dimensions are left unnamed, as users export them.)
    ("luong_dot_weights", LuongDotWeights,
     14, lambda T, B, rng: {k: v for k, v in
                            encoder_output_inputs(T, B, rng).items()
                            if k != "enc_pad"},
     ["out", "weights"], {"y": {0: "B", 1: "T"}, "enc": {0: "B", 1: "S"},
                          "out": {0: "B", 1: "T"}}),
    ("transformer_seq2seq", TransformerSeq2Seq, 14,
     transformer_seq2seq_inputs, ["y"],
     {"src": {0: "B", 1: "S"}, "src_pad": {0: "B", 1: "S"},
      "tgt": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("bigru_attention_seq2seq", BiGruAttentionSeq2Seq, 14,
     token_seq2seq_inputs, ["y"],
     {"src": {0: "B", 1: "S"}, "tgt": {0: "B", 1: "T"},
      "y": {0: "B", 1: "T"}}),
    ("lstm_seq2seq", LstmSeq2Seq, 14, token_seq2seq_inputs, ["y"],
     {"src": {0: "B", 1: "S"}, "tgt": {0: "B", 1: "T"},
      "y": {0: "B", 1: "T"}}),
    ("encoder_output_returned", EncoderOutputReturned, 14,
     feature_seq2seq_inputs, ["y", "enc"],
     {"src": {0: "B", 1: "S"}, "tgt": {0: "B", 1: "T"},
      "y": {0: "B", 1: "T"}, "enc": {0: "B", 1: "S"}}),
    ("prefixed_memory_length", PrefixedMemoryLength, 14,
     feature_seq2seq_inputs, ["y"],
     {"src": {0: "B", 1: "S"}, "tgt": {0: "B", 1: "T"},
      "y": {0: "B", 1: "T"}}),
    ("scripted_guarded_alignment",
     lambda: torch.jit.script(ScriptedGuardedAlignment()), 17,
     short_source_inputs, ["y"],
     {"src": {0: "B", 1: "S"}, "tgt": {0: "B", 1: "T"},
      "y": {0: "B", 1: "T"}}),
    ("scripted_branch_made_read",
     lambda: torch.jit.script(ScriptedBranchMadeRead()), 17,
     lambda T, B, rng: {"x": rng.standard_normal((B, T, 8)).astype(
         np.float32)}, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("context_every_step", ContextEveryStep, 14, feature_seq2seq_inputs,
     ["y"], {"src": {0: "B", 1: "S"}, "tgt": {0: "B", 1: "T"},
             "y": {0: "B", 1: "T"}}),
    ("gathered_rotary", GatheredRotary, 16, batch_one_features, ["y"],
     {"x": {1: "T"}, "y": {1: "T"}}),
    ("tcn_last_step", TcnLastStep, 14, features4, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B"}}),
    ("next_token_logits", NextTokenLogits, 14, tokens11, ["logits"],
     {"ids": {0: "B", 1: "T"}, "logits": {0: "B"}}),
    ("last_step_every_step", LastStepEveryStep, 14, features4, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("alibi_causal", AlibiCausal, 14, features16, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("alibi_relative", lambda: AlibiCausal(relative=True), 14, features16,
     ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("scripted_lstm_cell_cat", lambda: torch.jit.script(ScriptedLstmCellCat()),
     17, features4, ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("scripted_zip_loop", lambda: torch.jit.script(ScriptedZipLoop()), 17,
     two_features4, ["y"], {"a": {0: "B", 1: "T"}, "b": {0: "B", 1: "T"},
                            "y": {0: "B", 1: "T"}}),
    ("last_step_spread", LastStepSpread, 14, features4, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("scripted_heads_loop", lambda: torch.jit.script(ScriptedHeadsLoop()), 17,
     features4, ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("scripted_unbind_last_step", ScriptedUnbindLastStep, 17, features4,
     ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B"}}),
    ("baddbmm_attention", BaddbmmAttention, 14, batch_one_features, ["y"],
     {"x": {1: "T"}, "y": {1: "T"}}),
    ("scripted_reshaped_length",
     lambda: torch.jit.script(ScriptedReshapedLength(False)), 17, features4,
     ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("scripted_flattened_length",
     lambda: torch.jit.script(ScriptedReshapedLength(True)), 17, features4,
     ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("gpt2_stack", Gpt2Stack, 14, tokens11, ["logits"],
     {"ids": {0: "B", 1: "T"}, "logits": {0: "B", 1: "T"}}),
    ("hf_bart_decoder_layer", HfBartDecoderLayer, 14, cross_inputs, ["y"],
     {"x": {0: "B", 1: "T"}, "memory": {0: "B", 1: "S"},
      "y": {0: "B", 1: "T"}}),
    ("last_step_normalized_heads", LastStepNormalizedHeads, 14, features4,
     ["log_probs", "embedding"],
     {"x": {0: "B", 1: "T"}, "log_probs": {0: "B"}, "embedding": {0: "B"}}),
    ("scripted_length_branch", lambda: torch.jit.script(ScriptedLengthBranch()),
     14, features4, ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("flipped_gru", FlippedGru, 14, features4, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("einsum_layout_attention", EinsumLayoutAttention, 14, features16, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("delayed_causal_conv", DelayedCausalConv, 14, features4, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("one_padded_conv", OnePaddedConv, 14, features4, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
] + [
    ("arithmetic_mask_" + form,
     lambda form=form: ArithmeticMaskAttention(form), 14,
     batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}})
    for form in ("openai_gpt", "gpt2_v2", "ctrl", "xlnet", "fp16_min",
                 "mismatched")
] + [
    ("multi_query_" + form, lambda form=form: MultiQueryAttention(form), 14,
     features16, ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}})
    for form in ("matmul", "einsum", "einsum_permuted", "shared_keys")
] + [
    ("ssd_einsums", SsdEinsums, 14, features16, ["y", "r"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}, "r": {0: "B", 1: "T"}}),
    ("list_index_last_step", ListIndexLastStep, 14, tokens11, ["logits"],
     {"ids": {0: "B", 1: "T"}, "logits": {0: "B"}}),
    ("multi_query_palm", PalmAttention, 14, features16, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("multi_query_palm_column_shift", lambda: PalmAttention(shift_dim=-2), 14,
     features16, ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("multi_query_palm_shift_first", lambda: PalmAttention(shift_first=True),
     14, features16, ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("conv_then_prealloc_scan", ConvThenPreallocatedScan, 14, features4,
     ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
] + [
    ("arithmetic_mask_" + form,
     lambda form=form: ArithmeticMaskAttention(form), 14,
     batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}})
    for form in ("openai_gpt_hf", "gpt2_v2_hf", "masked_bias")
] + [
    ("head_rotary_" + form, lambda form=form: HeadRotary(form), 14,
     features16, ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}})
    for form in ("broadcast", "unsqueezed")
] + [
    ("gptj_scaled_after_mask_" + form,
     lambda form=form: GptJScaledAfterMask(form), 14, features16, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}})
    for form in ("masked_bias", "finfo_min")
] + [
    ("hf_update_causal_mask", HfUpdateCausalMask, 14, features16, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("arithmetic_mask_falcon_rw", lambda: ArithmeticMaskAttention("falcon_rw"),
     14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("gemma2_sliding_mask", Gemma2SlidingMask, 14, features16, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("head_rotary_viewed", lambda: HeadRotary("viewed"), 14, features16,
     ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("qwen1_causal_mask", Qwen1CausalMask, 14, features16, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("topk_over_time", TopKOverTime, 14, features4, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B"}}),
    ("gpt2_padding_mask", HfGpt2PaddedAttention, 14, left_padded_mask_inputs,
     ["y"], {"x": {0: "B", 1: "T"}, "attention_mask": {0: "B", 1: "T"},
             "y": {0: "B", 1: "T"}}),
    ("llama_padding_mask", HfLlamaPaddedAttention, 14, left_padded_mask_inputs,
     ["y"], {"x": {0: "B", 1: "T"}, "attention_mask": {0: "B", 1: "T"},
             "y": {0: "B", 1: "T"}}),
    ("gptj_padding_mask", GptJPaddedAttention, 14, left_padded_mask_inputs,
     ["y"], {"x": {0: "B", 1: "T"}, "attention_mask": {0: "B", 1: "T"},
             "y": {0: "B", 1: "T"}}),
    ("gptj_gathered_rotary", GptJGatheredRotary, 14, features16, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("next_token_top_p", NextTokenTopP, 14, tokens11, ["probs", "tokens"],
     {"ids": {0: "B", 1: "T"}, "probs": {0: "B"}, "tokens": {0: "B"}}),
    ("alibi_causal_finfo_min",
     lambda: AlibiCausal(fill=torch.finfo(torch.float32).min), 14,
     features16, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("alibi_causal_minus_1e9", lambda: AlibiCausal(fill=-1e9), 14,
     features16, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("gemma2_sliding_python_fill",
     lambda: Gemma2SlidingMask(python_fill=True), 14, features16, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("gemma2_softcap",
     lambda: Gemma2SlidingMask(python_fill=True, softcap=1.0), 14,
     features16, ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("deep_padding_bias", DeepPaddingBias, 14, left_padded_mask_inputs,
     ["y"], {"x": {0: "B", 1: "T"}, "attention_mask": {0: "B", 1: "T"},
             "y": {0: "B", 1: "T"}}),
    ("token_losses", TokenLosses, 14, scored_token_inputs,
     ["tok", "mean", "nll"],
     {"ids": {0: "B", 1: "T"}, "targets": {0: "B", 1: "T"},
      "tok": {0: "B", 1: "T"}}),
    ("token_loss_stream", lambda: TokenLosses(per_token=True), 14,
     scored_token_inputs, ["tok"],
     {"ids": {0: "B", 1: "T"}, "targets": {0: "B", 1: "T"},
      "tok": {0: "B", 1: "T"}}),
    ("conv_trim_heads", ConvTrimHeads, 14, features16, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("conv_trim_end_heads", lambda: ConvTrimHeads(trim_from_end=True), 14,
     features16, ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("negative_permute", NegativePermute, 14, features16, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("fake_quantized_gru", FakeQuantizedGru, 13,
     lambda T, B, rng: {"x": 3 * rng.standard_normal((B, T, 8)).astype(
         np.float32)}, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
]


def main():
    """make_models.py [OUT_DIR] [--only NAME ...]: with --only, every model is
    still built in order (the weights depend on it), but only NAME's files
    are written."""
    args = sys.argv[1:]
    only = set()
    if "--only" in args:
        only = set(args[args.index("--only") + 1:])
        args = args[:args.index("--only")]
    out_dir = args[0] if args else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "models")
    os.makedirs(out_dir, exist_ok=True)
    if not only:
        write_lit_inputs(os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "Inputs"))
    if not only or "reduce_l2" in only:
        write_reduce_model(out_dir)
    if not only or "variadic" in only:
        write_variadic_model(out_dir)
    if not only or "reshape_regroup" in only:
        write_reshape_regroup_model(out_dir)
    if not only or "reshape_cast" in only:
        write_reshape_cast_model(out_dir)
    if not only or "narrow_initializers" in only:
        write_narrow_initializers_model(out_dir)
    if not only or "cumsum" in only:
        write_cumsum_model(out_dir)
    if not only or "matmul_ranks" in only:
        write_matmul_ranks_model(out_dir)
    if not only or "int32_ops" in only:
        write_int32_model(out_dir)
    if not only or "size_cast_like" in only:
        write_size_cast_like_model(out_dir)
    if not only or "runtime_slices" in only:
        write_runtime_slices_model(out_dir)
    if not only or "sdpa" in only:
        write_sdpa_model(out_dir)
    if not only or "scan" in only:
        write_scan_models(out_dir)
        write_scan_error_inputs(os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "Inputs"))
    if not only or "pad_modes" in only:
        write_pad_modes_model(out_dir)
    if not only or "edge_inputs" in only:
        write_edge_inputs(os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "Inputs"))
    if not only or "conv2d_inputs" in only:
        write_conv2d_inputs(os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "Inputs"))
    if not only or "einsum_inputs" in only:
        write_einsum_inputs(os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "Inputs"))
    if not only or "malformed_graphs" in only:
        write_malformed_graph_inputs(os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "Inputs"))
    if not only or "control_flow" in only:
        write_control_flow_inputs(os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "Inputs"))
    export_models(MODELS, out_dir, only)


def export_models(models, out_dir, only=()):
    """Exports each (name, make, opset, make_inputs, outputs, axes) of
    `models` to OUT_DIR/NAME.onnx with PyTorch's results at TEST_SHAPES.
    Every model is built in order from one seed (its weights depend on the
    models before it); only those named in `only` (all when empty) are
    written."""
    torch.manual_seed(0)
    for name, make, opset, make_inputs, outputs, axes in models:
        rng = np.random.default_rng(zlib.crc32(name.encode()))
        model = make().eval()
        if only and name not in only:
            continue
        example = make_inputs(EXPORT_T, EXPORT_B, rng)
        args = tuple(torch.from_numpy(v) for v in example.values())
        torch.onnx.export(model, args, os.path.join(out_dir, name + ".onnx"),
                          input_names=list(example), output_names=outputs,
                          dynamic_axes=axes, opset_version=opset)
        for T, B in TEST_SHAPES:
            inputs = make_inputs(T, B, rng)
            with torch.no_grad():
                results = model(*(torch.from_numpy(v) for v in inputs.values()))
            if isinstance(results, torch.Tensor):
                results = (results,)
            for key, value in inputs.items():
                np.save(os.path.join(out_dir, f"{name}.t{T}.in.{key}.npy"), value)
            for key, value in zip(outputs, results):
                np.save(os.path.join(out_dir, f"{name}.t{T}.out.{key}.npy"),
                        value.detach().numpy())


if __name__ == "__main__":
    main()
