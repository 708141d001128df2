// A causal model for streaming: an LSTM over x [T, B, 4] and a dilated
// causal convolution over cx [B, 3, T]. The weights w and r are inputs
// without a T dim; h is an output without one.
func.func @model(%x: tensor<?x?x4xf32> {seq.name = "x", seq.dims = ["T", "B", ""]},
                 %cx: tensor<?x3x?xf32> {seq.name = "cx", seq.dims = ["B", "", "T"]},
                 %w: tensor<1x32x4xf32> {seq.name = "w"},
                 %r: tensor<1x32x8xf32> {seq.name = "r"})
    -> (tensor<?x1x?x8xf32> {seq.name = "y", seq.dims = ["T", "", "B", ""]},
        tensor<1x?x8xf32> {seq.name = "h", seq.dims = ["", "B", ""]},
        tensor<?x3x?xf32> {seq.name = "z", seq.dims = ["B", "", "T"]}) {
  %cw = arith.constant dense<[[[0.5, -0.25, 1.0], [0.125, 0.75, -0.5], [1.0, 0.0, 0.25]],
                              [[-1.0, 0.5, 0.25], [0.0, 0.25, 0.5], [0.75, -0.125, 0.0]],
                              [[0.25, 0.25, -0.75], [0.5, 1.0, 0.0], [-0.5, 0.125, 1.0]]]> : tensor<3x3x3xf32>
  %y, %h, %c = seq.lstm %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x32x4xf32>, tensor<1x32x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x8xf32>)
  %z = seq.conv1d %cx, %cw {dilation = 2 : i64, causal} : (tensor<?x3x?xf32>, tensor<3x3x3xf32>) -> tensor<?x3x?xf32>
  return %y, %h, %z : tensor<?x1x?x8xf32>, tensor<1x?x8xf32>, tensor<?x3x?xf32>
}
