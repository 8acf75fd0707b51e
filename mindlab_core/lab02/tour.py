"""`mindlab tour --lab lab02`: lab 02's four ideas on its models, with the reference answers.

    mindlab tour --lab lab02 --letter y --out pictures/

`--letter` picks the letter TOOL 04 places on the vowel direction (ringed on
directions.png) and TOOL 05 reads through the logit lens (after `..<letter>`); `--out`
writes the five pictures. Registered with mindlab_core.tour, which finds it by the lab's name.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..tour import needs_full_install, section, tour
from . import directions, induction, pictures, residual, superposition

HALF = 20  # half length of the repeated sequence shown to the induction model
EXAMPLES = (["..e", ".em", "emm", ".jo", "joh", "ohn"], "mmahn.")


@tour("lab02")
def tour_lab02(letter: str, out: Path | None) -> list[Path]:
    """One section per tool: a direction, the lens, the induction circuit, superposition."""
    try:
        from . import findings, reference
    except ImportError:  # a student handout ships without the reference answers
        raise needs_full_install() from None
    from ..tokens import TOKENS

    figures = {}
    print('mindlab tour: lab02 "Scaling the idea up" (reference answers)')
    print(f"  --letter {letter}: TOOL 04 places '{letter}' on the vowel direction, TOOL 05 "
          f"reads the logit lens after '..{letter}'")

    section("TOOL 04  features are directions", "vowel-ness in lab 01's bigram rows")
    scores, threshold = findings.letter_scores(), findings.vowel_threshold()
    ranked = sorted(scores, key=scores.get, reverse=True)
    print(f"  built from {directions.TRAIN_VOWELS} vs {directions.TRAIN_CONSONANTS}; "
               f"threshold {threshold:+.2f}")
    print("  highest: " + ", ".join(f"{c} {scores[c]:+.1f}" for c in ranked[:6]))
    for group, label in ((directions.HELD_OUT_VOWELS, "held-out vowels"),
                         (directions.HELD_OUT_CONSONANTS, "held-out consonants")):
        print(f"  {label}: " + ", ".join(f"{c} {scores[c]:+.1f}" for c in group))
    side = "vowel" if scores[letter] > threshold else "consonant"
    print(f"  '{letter}' scores {scores[letter]:+.2f}: the {side} side")
    figures["directions.png"] = pictures.projection_strip(
        scores, threshold, "aeiou", directions.TRAIN_CONSONANTS + directions.HELD_OUT_CONSONANTS,
        directions.HELD_OUT_VOWELS + directions.HELD_OUT_CONSONANTS, highlight=letter)

    section("TOOL 05  the residual stream", "the logit lens on the shipped name model")
    params = residual.residual_model()
    X, Y = findings.name_contexts()
    losses = findings.lens_losses(params, X, Y)
    print("  lens loss by layer: " + " → ".join(f"{v:.2f}" for v in losses) + " nats")
    lens = reference.logit_lens(params, reference.run_with_cache(params, X[:200]))
    exact = np.array_equal(lens[-1], findings.forward(params, X[:200]))
    print(f"  the last layer's lens equals the model's output exactly: {exact}")
    mine = reference.logit_lens(params, reference.run_with_cache(
        params, np.array([[0, 0, TOKENS.index(letter)]])))[:, 0]  # (layers + 1, 27)
    guesses = [f"'{TOKENS[int(row.argmax())]}'" for row in mine]
    print(f"  after '..{letter}' the lens's top guess, layer by layer: " + " → ".join(guesses))
    contexts = np.array([[TOKENS.index(c) for c in ex] for ex in EXAMPLES[0]])
    figures["logit_lens.png"] = pictures.lens_table(
        reference.logit_lens(params, reference.run_with_cache(params, contexts)),
        EXAMPLES[0], EXAMPLES[1], losses=losses)

    section("TOOL 06  induction heads", f"a random half of {HALF} tokens, repeated")
    model = induction.induction_model()
    tokens = reference.repeated_tokens(np.random.default_rng(0), induction.N_VOCAB, HALF)
    prev, ind = findings.head_scores(model, tokens, HALF)
    print(f"  previous-token heads: {reference.find_heads(prev, 0.5)}   "
               f"induction heads: {reference.find_heads(ind, 0.5)}")
    full = findings.repeated_half_loss(model, tokens, HALF)
    print(f"  loss on the repeated half {full:.3f} nats (chance "
               f"{induction.chance_loss():.3f}); without each head:")
    for (layer, head), role in induction.ROLES.items():
        loss = findings.repeated_half_loss(reference.ablate_head(model, layer, head), tokens,
                                           HALF)
        print(f"    ({layer}, {head}) {role:<15} {loss:.3f}")
    _, patterns = induction.run_attention_model(model, tokens, reference.causal_attention)
    figures["attention.png"] = pictures.attention_patterns(patterns, induction.ROLES)

    section("TOOL 07  superposition", "5 features in 2 dimensions, and an SAE")
    toys = superposition.trained_toy_models()
    for i, sparsity in enumerate(superposition.SPARSITIES):
        dims = reference.feature_dimensionality(toys["W"][i])
        print(f"  sparsity {sparsity:<4}  dimensionality "
                   + " ".join(f"{d:.2f}" for d in dims))
    pentagon = superposition.toy_instance(toys, len(superposition.SPARSITIES) - 1)
    H = superposition.hidden_activations(pentagon, np.random.default_rng(1), 20000,
                                         superposition.SPARSITIES[-1])
    sae = superposition.train_sae(H)
    cosines = reference.best_cosines(sae["W_dec"], pentagon["W"].T)
    print("  SAE latents vs true features, best cosines: "
               + " ".join(f"{c:.3f}" for c in cosines))
    dims = [reference.feature_dimensionality(w) for w in toys["W"]]
    activity = (reference.sae_encode(sae, H) > 0).mean(axis=0)
    print(f"  the SAE has {len(activity)} latents for {len(cosines)} features: each fires on "
          + " ".join(f"{a:.1%}" for a in activity) + " of the inputs")
    figures["superposition.png"] = pictures.feature_arrows(toys["W"], superposition.SPARSITIES,
                                                           dims)
    figures["sae.png"] = pictures.sae_vs_true(pentagon["W"].T, sae["W_dec"], activity)

    if out is None:
        print("\n  Add --out DIR to save these as pictures.")
        return []
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, figure in figures.items():
        figure.savefig(out / name, dpi=110)
        written.append(out / name)
    return written
