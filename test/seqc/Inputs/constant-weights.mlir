// An RNN with its weights as constants (8x4 and 8x8, both large enough to
// move out with --external-weights).
func.func @model(%x: tensor<?x?x4xf32> {seq.name = "x", seq.dims = ["T", "B", ""]})
    -> (tensor<?x1x?x8xf32> {seq.name = "y", seq.dims = ["T", "", "B", ""]}) {
  %w = arith.constant dense<0.125> : tensor<1x8x4xf32>
  %r = arith.constant dense<-0.0625> : tensor<1x8x8xf32>
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %y : tensor<?x1x?x8xf32>
}
