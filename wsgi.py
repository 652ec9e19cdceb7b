"""What gunicorn serves: `gunicorn wsgi:app`."""
import gc

from grouptools import create_app

app = create_app()

# What the app has loaded by now (code, templates, fonts' tables, translations) lives as
# long as the worker: the collector need not walk it again on every collection. It found
# nothing to free there and cost each request about a third of a millisecond
# (bench/RESULTS.md, "The cost every request pays").
gc.collect()
gc.freeze()
