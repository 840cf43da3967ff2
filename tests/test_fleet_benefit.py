"""The simulator-based fleet benefit harness, small and seeded: real reports, store, privacy filter and
signed release; held-out homes with the release bound to their own devices."""

from __future__ import annotations

import pytest

from edge.lab.bench._fleet_benefit import (
    BenefitSetup,
    contributor_reports,
    fleet_release,
    pair_support,
    paired,
    run_heldout,
)
from edge.lab.fleet.privacy import PrivacyBudget
from edge.sync.payloads import RewritePair

# A small fleet needs a small threshold: in 100 homes the most common fix reaches about 10 homes a week, far
# from the production k = 20 / tau = 22.3. eps = 20 keeps the noise in play with tau = 3.1, so k = 5 binds.
BUDGET = PrivacyBudget(epsilon=20.0, delta=1e-6, k=5, m=3)
SETUP = BenefitSetup(seed=7, contributors=100, weeks=1, heldout=12, heldout_days=7, workers=2)


@pytest.mark.slow
def test_the_private_release_holds_only_pairs_of_k_homes_and_helps_other_homes() -> None:
    per_home = contributor_reports(SETUP)
    reports = [r for home in per_home for r in home]
    assert len(per_home) == SETUP.contributors
    assert all(len(r.pairs) <= BUDGET.m for r in reports)
    support = pair_support(reports)
    release = fleet_release(reports, BUDGET, noise_seed=1)
    released = release.pairs()
    assert released, "a fleet of 100 homes shares at least its most common fix"
    for original, rewritten in released:
        RewritePair(original, rewritten)  # scrubbed vocabulary (raises otherwise)
        assert support[(original, rewritten)] >= BUDGET.k, (original, rewritten)
    assert len(released) < len(support)  # the rare pairs stay home
    assert release.table["privacy"]["k"] == BUDGET.k

    control = run_heldout(SETUP, None)
    treated = run_heldout(SETUP, release.table)
    effect = paired(control, treated)
    assert effect.rewritten > 0, "the held-out homes never used the global layer"
    assert effect.net > 0 and effect.wins > 2 * effect.losses, effect
    assert effect.reduction > 0  # a lower first-turn defect rate, goal for goal
