"""What gunicorn serves: `gunicorn wsgi:app`."""
from grouptools import create_app

app = create_app()
