"""Demo cases for the demo city: a pure plan, then every step through the real services.

`plan_cases` decides everything (texts, contacts, channels, which path each case takes, every
timestamp) from a seed, without touching the database, so the plan can be checked twice for the
same seed. `seed_cases` then plays each plan through intake_submit and the workflow verbs under
`clock.frozen_at`, so states, events, deadlines and audit rows are exactly what real use writes.
"""

from shiyu.demo.seed.plan import (  # noqa: F401
    FINAL_STATE,
    LEAVES,
    CasePlan,
    Place,
    places_from,
    places_of,
    plan_cases,
)
from shiyu.demo.seed.play import SeedError, seed_cases  # noqa: F401
