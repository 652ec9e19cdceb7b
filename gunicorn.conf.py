"""gunicorn settings read from the working directory by every `gunicorn wsgi:app`."""
from grouptools.core.accesslog import RedactingLogger

logger_class = RedactingLogger
accesslog = "-"


def post_worker_init(worker):
    """Each worker masks the secret paths of the widgets its app registered."""
    worker.log.use_app(worker.wsgi)
