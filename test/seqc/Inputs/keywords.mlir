// Tensors named like C keywords, a wrapper parameter and a wrapper local.
func.func @m(%a: tensor<?x4xf32> {seq.name = "int", seq.dims = ["new", ""]},
             %b: tensor<?x4xf32> {seq.name = "model", seq.dims = ["new", ""]},
             %c: tensor<?x4xf32> {seq.name = "seqc_in", seq.dims = ["new", ""]})
    -> (tensor<?x4xf32> {seq.name = "for"}, tensor<?x4xf32> {seq.name = "err"}) {
  %s = arith.addf %a, %b : tensor<?x4xf32>
  %t = arith.addf %s, %c : tensor<?x4xf32>
  return %s, %t : tensor<?x4xf32>, tensor<?x4xf32>
}
