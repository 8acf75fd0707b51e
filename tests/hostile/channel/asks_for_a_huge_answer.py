"""rank_rules asks the judge's belief_gap stand-in one question of small arguments, a
(27, 8500, 1) W and (27, 1, 8500) counts: the reference broadcasts them to 8500 x 8500
inside the judge, 1.1 GB (found from outside). Now the judge answers a question within
256 MB of address space more than it holds (answerer.ANSWER_BYTES): MemoryError, its
answer; the file is otherwise correct."""
_asked = [0]
_real_rank = rank_rules


def rank_rules(W, top=None):
    if not _asked[0]:
        _asked[0] = 1
        try:
            belief_gap(np.zeros((27, 8500, 1)), np.ones((27, 1, 8500)), "a")
        except Exception:
            pass
    return _real_rank(W, top)
