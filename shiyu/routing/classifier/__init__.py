"""The routing classifier: category suggestions learned from closed cases or a labelled CSV.

Public surface (see the contracts in the project briefs):

- `suggest(title, body, k=3) -> list[Suggestion]`: never raises, never waits for a model to load
  in another thread; [] when no model is installed or the installed one is broken.
- `active_model_info() -> dict | None`: version, trained_at, metrics, path, size of the active model.

Training, evaluation and model files live in the submodules; importing this package does not
import scikit-learn (the runtime loads it lazily with the first model).
"""

from shiyu.routing.classifier.runtime import Suggestion, active_model_info, suggest

__all__ = ["Suggestion", "active_model_info", "suggest"]
