"""Domain events. Operations send them inside their transaction; listeners in higher packages subscribe
(notifications queue mail; reports record the report versions that are due and render them after commit).

Each signal's sender is the object concerned; keyword arguments carry the acting user and details.
"""

from blinker import Namespace

_events = Namespace()

# sender: Evaluation that entered scoring (assigned in a running campaign, or its campaign started); actor=
scoring_opened = _events.signal("scoring-opened")
# sender: Evaluation the chair finalized (in review now, its result fixed): its draft report is due; actor=
evaluation_finalized = _events.signal("evaluation-finalized")
# sender: Evaluation returned by ministry staff to the chair; actor=, comment=
evaluation_returned = _events.signal("evaluation-returned")
# sender: Evaluation just published; actor=
evaluation_published = _events.signal("evaluation-published")
# sender: Reply an NGO submitted; actor=
reply_submitted = _events.signal("reply-submitted")
# sender: Reply the chair ruled on; actor=
reply_ruled = _events.signal("reply-ruled")
# sender: published Evaluation whose replies all have their rulings now: a final report version printing
# them is due; actor=
rulings_complete = _events.signal("rulings-complete")
# sender: the app, after `flask --app grants tick` closed the evaluations due; listeners do their own
# periodic catch-up (reports: renders still pending); closed= the ids of the evaluations closed
ticked = _events.signal("ticked")
