// A model with a syntax error on line 3.
func.func @model(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = seq.activation <relu %x : tensor<4xf32>
  return %y : tensor<4xf32>
}
