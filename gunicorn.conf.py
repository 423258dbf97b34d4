# Production serving: `gunicorn -c gunicorn.conf.py samtaler_site.wsgi`.
# The access log leaves out query strings (%(U)s is the path alone), so a CPR number an
# integrator puts in `?q=` never reaches a log file.
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
timeout = 30
