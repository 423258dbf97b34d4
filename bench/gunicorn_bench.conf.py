# gunicorn for the benchmark: no access log (bench/web_bench.py passes workers and bind).
accesslog = None
errorlog = "-"
loglevel = "warning"
