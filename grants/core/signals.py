"""Domain events. Operations send them inside their transaction; listeners (notifications) subscribe.

Each signal's sender is the object concerned; keyword arguments carry the acting user and details.
"""

from blinker import Namespace

_events = Namespace()

# sender: Evaluation that entered scoring (assigned in a running campaign, or its campaign started); actor=
scoring_opened = _events.signal("scoring-opened")
# sender: Evaluation returned by ministry staff to the chair; actor=, comment=
evaluation_returned = _events.signal("evaluation-returned")
# sender: Evaluation just published; actor=
evaluation_published = _events.signal("evaluation-published")
# sender: Reply an NGO submitted; actor=
reply_submitted = _events.signal("reply-submitted")
# sender: Reply the chair ruled on; actor=
reply_ruled = _events.signal("reply-ruled")
