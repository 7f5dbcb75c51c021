"""flask --app grants send-reminders."""

import click


@click.command("send-reminders")
def send_reminders():
    raise click.ClickException("not implemented yet")
