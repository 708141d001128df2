// math.isinf, which seqc has no lowering of (errors.test).
func.func @m(%x: tensor<?xf32>) -> tensor<?xi1> {
  %y = math.isinf %x : tensor<?xf32>
  return %y : tensor<?xi1>
}
