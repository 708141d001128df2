// Two models with run-time sizes (errors.test: --entry picks one; the other
// is dropped, not compiled without a model context).
func.func @a(%x: tensor<?x4xf32> {seq.name = "x", seq.dims = ["T", ""]}) -> (tensor<?x4xf32> {seq.name = "y", seq.dims = ["T", ""]}) {
  %y = seq.activation <tanh> %x : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
func.func @b(%x: tensor<?x4xf32> {seq.name = "x", seq.dims = ["T", ""]}) -> (tensor<?x4xf32> {seq.name = "y", seq.dims = ["T", ""]}) {
  %y = seq.activation <relu> %x : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
