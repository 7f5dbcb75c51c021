"""Signal listeners that turn domain events (grants.core.signals) into outbox messages."""


def connect(app) -> None:
    pass
