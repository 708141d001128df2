// A zero-padded shift along x's first axis, B: the stream runs along B.
func.func @model(%x: tensor<?x?x8xf32> {seq.name = "x", seq.dims = ["B", "T", ""]})
    -> (tensor<?x?x8xf32> {seq.name = "y", seq.dims = ["B", "T", ""]}) {
  %s = seq.time_shift %x dim(0) steps(1) : tensor<?x?x8xf32>
  return %s : tensor<?x?x8xf32>
}
