// W has the wrong input size.
func.func @model(%x: tensor<5x2x4xf32>, %w: tensor<1x8x3xf32>, %r: tensor<1x8x8xf32>)
    -> tensor<5x1x2x8xf32> {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64} : (tensor<5x2x4xf32>, tensor<1x8x3xf32>, tensor<1x8x8xf32>) -> (tensor<5x1x2x8xf32>, tensor<1x2x8xf32>)
  return %y : tensor<5x1x2x8xf32>
}
