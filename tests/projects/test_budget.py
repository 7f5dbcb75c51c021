"""A lot's budget covers its standing contracts: one rule (Project.binds_budget), in Python and SQL."""

from decimal import Decimal

from sqlalchemy import select

from grants.lots.operations import budget_problem, contract_problem, contracted
from grants.projects.models import Project, ProjectStatus
from grants.projects.operations import contracted_total, contracted_totals


def test_binds_budget_is_the_same_rule_in_python_and_in_sql(db):
    projects = db.session.scalars(select(Project).order_by(Project.id)).all()
    assert len(projects) >= 2
    projects[0].status = ProjectStatus.terminated
    db.session.flush()
    in_sql = set(db.session.scalars(select(Project.id).where(Project.binds_budget)))
    assert in_sql == {p.id for p in projects if p.binds_budget}
    assert projects[0].id not in in_sql and projects[1].id in in_sql


def test_a_terminated_contract_frees_its_share_of_the_lot_budget(app, db):
    project = db.session.scalars(select(Project).where(Project.binds_budget).order_by(Project.id)).first()
    lot = project.lot
    standing = contracted_total(lot.id)
    assert standing >= project.amount > 0
    assert contracted_totals()[lot.id] == standing == contracted(lot)  # SQL and Python, one rule
    with app.test_request_context():
        assert budget_problem(lot.id, standing) is None
        assert budget_problem(lot.id, standing - Decimal("0.01")) is not None
        room = lot.budget - standing
        assert contract_problem(lot, None, room, "contracted") is None
        assert contract_problem(lot, None, room + Decimal("0.01"), "contracted") is not None
        assert contract_problem(lot, None, room + Decimal("0.01"), "terminated") is None

    project.status = ProjectStatus.terminated
    db.session.flush()
    assert contracted_total(lot.id) == standing - project.amount == contracted(lot)
    assert contracted_totals().get(lot.id, Decimal(0)) == standing - project.amount
