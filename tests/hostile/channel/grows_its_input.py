"""read_row returns the right row every time, but in the two checks that do not
judge its inputs ('returns a row', 'reads the first-letter row') it grows W in place to
26 MB (ndarray.resize), so each of those answers carries a 26 MB 'after'. Each original
request stays under the 64 MB per-request reply cap; the plan's one request for the
group does not."""
_real_read_row = read_row
def read_row(W, letter):
    out = _real_read_row(W, letter)
    if letter in ("e", "."):
        W.resize((3_250_000,), refcheck=False)
    return out
