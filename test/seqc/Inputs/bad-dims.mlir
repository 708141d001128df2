// seq.dims with one name for a rank-2 input: the dialect's attribute
// verifier rejects it when the module is parsed.
func.func @baddims(%x: tensor<?x4xf32> {seq.name = "x", seq.dims = ["T"]}) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}
