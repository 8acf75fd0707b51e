"""rank_rules counts its calls. It gives a malformed rule for the RANDOM model (so
'returns a list of rules' fails and the three checks that need it are skipped), and on
the HUGE model it answers right only when it has been called more than 7 times before:
true only when the plan sent the skipped checks' cases too."""
_real_rank = rank_rules
_calls = [0]
def rank_rules(W, top=None):
    _calls[0] += 1
    W = np.asarray(W)
    if np.isinf(W).any() or np.abs(W).max() > 1e3:       # the HUGE model (or TIED): which?
        if np.abs(W[np.isfinite(W)]).max() > 1e3:        # HUGE only
            return _real_rank(W, top) if _calls[0] > 8 else []
    if abs(W[0, 0] - _RANDOM00) < 1e-12 and top is None:
        return [(1, 2)]                                  # malformed on RANDOM
    return _real_rank(W, top)
_RANDOM00 = 1.2016460858835674
