"""Early-warning algorithms (notifiable-diseases.md §3), vectorised over many count series at once.

Every function takes `y`, an array of shape (series, time) of non-negative integer counts (one row per
area × disease), and returns a `Result` of arrays of the same shape:

- `monitored`: True where the algorithm could be evaluated (enough baseline);
- `upperbound`: the threshold (NaN where not monitored or not evaluable);
- `alarm`: 1.0 / 0.0, NaN where not monitored or where R's value is NA;
- `expected`: the baseline expectation where the method has one (NaN otherwise).

Positions are plain vector positions (R's `epochAsDate = FALSE`), `t` in the docs is 1-based as in R.
The functions are pure: no database, no Django. Sources (keys of notifiable-diseases.md §0):

- EARS C1/C2/C3: Hutwagner 2003; R `surveillance::earsC` 1.20.3 (matched to 1e-6 in tests).
- CUSUM: Rossi 1999; R `surveillance::algo.cusum` (matched to 1e-6).
- Farrington Flexible: Farrington 1996; Noufaily 2013; R `surveillance::farringtonFlexible`, with R's glm.fit
  IRLS reproduced (starting values y + 0.1, deviance criterion 1e-8, at most 25 iterations) and batched over
  all series, because for a given week the design matrix is the same for every series.
- Moving percentile method: CIDARS (Yang 2011; Zhang 2014). Not in the R package.
"""

from .base import Result, SeriesError, as_counts
from .farrington import farrington_flexible
from .simple import cusum, ears_c1, ears_c2, ears_c3, ears_c3_textbook, fixed_threshold, mpm, rolling_week

__all__ = ["Result", "SeriesError", "as_counts", "cusum", "ears_c1", "ears_c2", "ears_c3", "ears_c3_textbook",
           "farrington_flexible", "fixed_threshold", "mpm", "rolling_week"]
