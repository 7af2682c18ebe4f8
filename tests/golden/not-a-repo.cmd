{tmp}
