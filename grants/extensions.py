"""Extension instances; they are bound to the app in create_app."""

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect

from grants.core.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
# Only for per-view options (@talisman(force_https=False)); create_app binds a Talisman of its own
# to each app, because a Talisman instance keeps the settings of the last app it was bound to.
talisman = Talisman()
