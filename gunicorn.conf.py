"""gunicorn settings read from the working directory by every `gunicorn wsgi:app`."""
from grouptools.core.accesslog import RedactingLogger

logger_class = RedactingLogger
accesslog = "-"
