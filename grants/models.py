"""Import every model so the metadata (and Alembic) sees every table."""

from grants.accounts.models import Affiliation, AnonymousUser, ApiToken, Role, User, UserRole  # noqa: F401
from grants.analytics.models import FlagReview, RiskThreshold  # noqa: F401
from grants.audit.models import AuditEvent  # noqa: F401
from grants.cooperation.models import (  # noqa: F401
    Activity,
    ActivityPlan,
    AgendaItem,
    Attachment,
    Decision,
    Expert,
    InformationItem,
    Meeting,
    Participant,
    PlanAmendment,
    Recommendation,
    WorkingGroup,
    WorkingGroupMember,
    WorkingGroupTask,
)
from grants.core.cache import data_versions  # noqa: F401
from grants.councils.models import Council, CouncilMember, GroupMember, MonitoringGroup  # noqa: F401
from grants.lots.models import Lot, LotIndicator, LotNeed, LotStatus, Sphere, Unit  # noqa: F401
from grants.monitoring.models import Campaign, Criterion, CriterionConclusion, Evaluation, Methodology  # noqa: F401
from grants.needs.models import PublicNeed  # noqa: F401
from grants.notifications.models import OutboxMessage  # noqa: F401
from grants.organisations.models import Organisation, OrganisationKind  # noqa: F401
from grants.projects.models import Indicator, Project, ProjectStatus  # noqa: F401
from grants.regions.models import Region  # noqa: F401
from grants.replies.models import Reply, Ruling  # noqa: F401
from grants.reports.models import Report, ReviewDecision  # noqa: F401
from grants.scoring.models import Evidence, Score, Scorecard, SiteVisit  # noqa: F401
