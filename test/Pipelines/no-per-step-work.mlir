// RUN: seq-opt %s --seqc-seq-to-loops | FileCheck %s

// The time loops of a full-sequence run allocate nothing and check
// nothing: carried states are updated in place, temporaries of
// loop-invariant size are allocated once before the loop, and every shape
// check sits at the entry. Dynamic T and B, a projected LSTM with sequence
// lengths and initial states, and a GRU.

// CHECK-LABEL: func.func @lstm_gru
// CHECK: seq.check
// A loop over the batch checks the sequence lengths (values, not sizes).
// CHECK: scf.for
// CHECK: seq.check {{.*}}, value "sequence_lens holds {}
// CHECK: {{^    }$}}
// The loop over whole chunks of 64 steps, where the LSTM layer and the GRU
// layer it feeds run chunk by chunk (their time loops nested in it): its
// temporaries have a static step count, so nothing in it allocates.
// CHECK: scf.for
// CHECK-NOT: memref.alloc
// CHECK-NOT: seq.check
// CHECK: scf.for %{{.+}} = %c0 to %c64
// CHECK-NOT: memref.alloc
// CHECK-NOT: seq.check
// CHECK: scf.for %{{.+}} = %c0 to %c64
// CHECK-NOT: memref.alloc
// CHECK-NOT: seq.check
// CHECK: {{^    }$}}
// The remaining T mod 64 steps after it, in step loops that allocate
// nothing either.
// CHECK: scf.for
// CHECK-NOT: memref.alloc
// CHECK-NOT: seq.check
// CHECK: {{^    }$}}
func.func @lstm_gru(%x: tensor<?x?x4xf32> {seq.name = "x"}, %len: tensor<?xi32> {seq.name = "len"},
                    %h0: tensor<1x?x3xf32> {seq.name = "h0"}) -> tensor<?x1x?x5xf32> {
  %w = arith.constant dense<0.1> : tensor<1x24x4xf32>
  %r = arith.constant dense<0.05> : tensor<1x24x3xf32>
  %p = arith.constant dense<0.2> : tensor<1x3x6xf32>
  %y, %h, %c = seq.lstm %x, %w, %r initial_h(%h0) projection(%p) sequence_lens(%len) {hidden_size = 6 : i64}
    : (tensor<?x?x4xf32>, tensor<1x24x4xf32>, tensor<1x24x3xf32>, tensor<1x?x3xf32>, tensor<1x3x6xf32>, tensor<?xi32>)
      -> (tensor<?x1x?x3xf32>, tensor<1x?x3xf32>, tensor<1x?x6xf32>)
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %t = tensor.dim %y, %c0 : tensor<?x1x?x3xf32>
  %b = tensor.dim %y, %c2 : tensor<?x1x?x3xf32>
  %seq = tensor.collapse_shape %y [[0], [1, 2], [3]] : tensor<?x1x?x3xf32> into tensor<?x?x3xf32>
  %gw = arith.constant dense<0.1> : tensor<1x15x3xf32>
  %gr = arith.constant dense<0.05> : tensor<1x15x5xf32>
  %gy, %gh = seq.gru %seq, %gw, %gr {hidden_size = 5 : i64, linear_before_reset}
    : (tensor<?x?x3xf32>, tensor<1x15x3xf32>, tensor<1x15x5xf32>) -> (tensor<?x1x?x5xf32>, tensor<1x?x5xf32>)
  return %gy : tensor<?x1x?x5xf32>
}

// A selective scan and a linear attention over dynamic B and T: the chunk
// loop (with the scan's step loop inside) and the remainder's step loop
// allocate nothing; the states are updated in place. The selective scan
// runs in per-thread shares of its channels
// (seqc-split-scan-channels): a share allocates its temporaries
// once, before its time loops.
// CHECK-LABEL: func.func @state_space
// CHECK: scf.for
// CHECK: scf.for
// CHECK-NOT: memref.alloc
// CHECK: {{^      }$}}
// CHECK: memref.alloc
// CHECK: scf.for
// CHECK-NOT: memref.alloc
// CHECK: {{^      }$}}
// CHECK: } {seqc.parallel}
// CHECK: scf.for
// CHECK-NOT: memref.alloc
// CHECK: {{^    }$}}
// CHECK: scf.for
// CHECK-NOT: memref.alloc
// CHECK: {{^    }$}}
// CHECK: return
func.func @state_space(%u: tensor<?x?x4xf32>, %dt: tensor<?x?x4xf32>, %b: tensor<?x?x3xf32>, %q: tensor<?x2x?x4xf32>, %v: tensor<?x2x?x3xf32>) -> (tensor<?x?x4xf32>, tensor<?x2x?x3xf32>) {
  %a = arith.constant dense<-0.5> : tensor<4x3xf32>
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %b {delta_softplus}
    : (tensor<?x?x4xf32>, tensor<?x?x4xf32>, tensor<4x3xf32>, tensor<?x?x3xf32>, tensor<?x?x3xf32>) -> (tensor<?x?x4xf32>, tensor<?x4x3xf32>)
  %o, %s, %z = seq.linear_attention %q, %q, %v feature_map(elu_plus_one) {normalize}
    : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x3xf32>) -> (tensor<?x2x?x3xf32>, tensor<?x2x4x3xf32>, tensor<?x2x4xf32>)
  return %y, %o : tensor<?x?x4xf32>, tensor<?x2x?x3xf32>
}
