// A small RNN with named, dynamic sequence and batch dimensions.
func.func @model(%x: tensor<?x?x4xf32> {seq.name = "x", seq.dims = ["T", "B", ""]},
                 %w: tensor<1x8x4xf32> {seq.name = "w"},
                 %r: tensor<1x8x8xf32> {seq.name = "r"})
    -> (tensor<?x1x?x8xf32> {seq.name = "y", seq.dims = ["T", "", "B", ""]},
        tensor<1x?x8xf32> {seq.name = "h", seq.dims = ["", "B", ""]}) {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %y, %h : tensor<?x1x?x8xf32>, tensor<1x?x8xf32>
}
